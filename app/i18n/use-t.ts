import { useRouteLoaderData } from "@remix-run/react";
import { translate, type Lang, type MessageKey, type Params } from "./index";

/** The current language and its translate function, from the root loader. */
export function useT(): { lang: Lang; t: (key: MessageKey, params?: Params) => string } {
  const data = useRouteLoaderData<{ lang: Lang }>("root");
  const lang = data?.lang ?? "ja";
  return { lang, t: (key, params) => translate(lang, key, params) };
}
