/** The other language of a namespace: exactly the Japanese keys, so a missing or extra English key fails the type check. */
export type Texts<Ja> = { readonly [K in keyof Ja]: string };
