// The import page's worker thread starts here: worker threads do not inherit the `--import tsx` of the server, so
// the TypeScript loader is registered first (app/modules/import/worker.server.ts).
import { register } from "tsx/esm/api";

register();
await import("./import-worker.ts");
