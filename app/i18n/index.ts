/** One translate function over one dictionary per language; the language comes from the `lang` cookie. */
import { ja, type MessageKey } from "./ja";
import { en } from "./en";
import type { Lang } from "~/modules/incidents/taxonomy";

export type { MessageKey, Lang };
const dictionaries: Record<Lang, Record<MessageKey, string>> = { ja, en };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = dictionaries[lang][key] ?? ja[key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`)) : text;
}

/** A message produced by validation: a dictionary key plus its parameters, translated at the edge. */
export interface Message {
  key: MessageKey;
  params?: Params;
}

export function langFromCookie(cookieHeader: string | null): Lang {
  const m = /(?:^|;\s*)lang=(ja|en)(?:;|$)/.exec(cookieHeader ?? "");
  return (m?.[1] as Lang | undefined) ?? "ja";
}
