// Every worker thread starts here (app/modules/worker-thread.server.ts): worker threads do not inherit the
// `--import tsx` of the server or the CLI, so the TypeScript loader is registered first, then the script named by the
// caller (a file of this folder) runs.
import { register } from "tsx/esm/api";

const script = process.argv[2] ?? "";
if (!/^[\w-]+\.ts$/.test(script)) throw new Error(`not a worker script of scripts/: "${script}"`);
register();
await import(new URL(`./${script}`, import.meta.url).href);
