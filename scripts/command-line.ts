/**
 * The commands' shared start (reports.md "Other commands"): parse the arguments, and on a wrong command line print the
 * reason with the usage and exit 2.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Prints the reason and the usage on stderr and exits 2 (a wrong command line). */
export function usageError(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

/** `parseArgs` on this process's arguments; an unknown or malformed option is a usage error. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    return usageError((e as Error).message, usage);
  }
}
