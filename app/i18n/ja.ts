/** Kept while modules under parallel refactor (errors.ts, http.server.ts) import the key type from here; prefer `~/i18n`. */
export type { MessageKey } from "./index";
