// The backup check's worker thread starts here (app/modules/backup/inspection.server.ts): worker threads do not
// inherit the `--import tsx` of the server or the CLI, so the TypeScript loader is registered first.
import { register } from "tsx/esm/api";

register();
await import("./backup-inspect-worker.ts");
