import type { MessageKey } from "./dictionary.server";
import type { Lang } from "~/modules/incidents/taxonomy";

export type Params = Record<string, string | number>;
/** Some messages of one language, as a loader sends them to the browser. */
export type Messages = Partial<Record<MessageKey, string>>;

/** Fills `{name}` placeholders; an unknown one stays as written so the gap shows. */
export function format(text: string, params?: Params): string {
  return params ? text.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`)) : text;
}

export function langFromCookie(cookieHeader: string | null): Lang {
  const m = /(?:^|;\s*)lang=(ja|en)(?:;|$)/.exec(cookieHeader ?? "");
  return (m?.[1] as Lang | undefined) ?? "ja";
}
