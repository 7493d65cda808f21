/**
 * The i18n API. The dictionaries are server-only (dictionary.server.ts): `translate`, `isMessageKey` and `messages` are
 * for loaders, actions, server modules and the CLI; components translate with `useT()` (use-t.ts), which reads the
 * messages their route's loaders sent. The language comes from the `lang` cookie.
 */
import type { MessageKey } from "./dictionary.server";
import type { Params } from "./format";
import type { Lang } from "~/modules/incidents/taxonomy";

export type { MessageKey, Namespace } from "./dictionary.server";
export { format, langFromCookie, type Messages, type Params } from "./format";
export type { Lang };
// Undefined in the browser bundle (the compiler empties `.server` modules there): a component must use `useT()`.
export { isMessageKey, messages, translate } from "./dictionary.server";

export type Translate = (key: MessageKey, params?: Params) => string;

/** A message produced by validation: a dictionary key plus its parameters, translated at the edge. */
export interface Message {
  key: MessageKey;
  params?: Params;
}

