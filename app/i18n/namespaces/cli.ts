/** What the command-line scripts (scripts/*.ts) print. They speak Japanese; the English texts keep the namespace whole. */
import type { Texts } from "../texts";

const ja = {
} as const;

const en: Texts<typeof ja> = {
};

export const cli = { ja, en };
