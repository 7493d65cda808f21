import { useMatches } from "@remix-run/react";
import { useMemo } from "react";
import { FALLBACK_MESSAGES } from "./fallback";
import { format, type Messages, type Params } from "./format";
import type { Lang, MessageKey } from "./index";

/** What a loader adds to its data for the components of its page (see `messages` in dictionary.server.ts). */
export interface WithMessages {
  messages?: Messages;
}

/**
 * The current language and its translate function over the messages of every matched route: the root's shared
 * namespaces plus each route's own. A key no loader sent is a bug of that page: it is logged (the browser tests fail on
 * console errors) and shown as the key itself.
 */
export function useT(): { lang: Lang; t: (key: MessageKey, params?: Params) => string; has: (key: string) => key is MessageKey } {
  const matches = useMatches();
  return useMemo(() => {
    const all: Record<string, string> = {};
    let lang: Lang = "ja";
    if (!matches.some((m) => m.id === "root" && m.data)) Object.assign(all, FALLBACK_MESSAGES);
    for (const m of matches) {
      const data = m.data as (WithMessages & { lang?: Lang }) | undefined;
      if (m.id === "root" && data?.lang) lang = data.lang;
      if (data?.messages) Object.assign(all, data.messages);
    }
    const has = (key: string): key is MessageKey => Object.hasOwn(all, key);
    const t = (key: MessageKey, params?: Params) => {
      if (has(key)) return format(all[key], params);
      console.error(`i18n: no message "${key}" on this page; add its namespace to the loader of the route that shows it`);
      return key;
    };
    return { lang, t, has };
  }, [matches]);
}
