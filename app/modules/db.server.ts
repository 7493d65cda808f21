// Routes reach the database through this module: the classic compiler keeps `.server` files out of the browser
// bundle only inside app/, and the database layer lives in db/ at the top level.
export { getDb, openDatabase, type Db } from "../../db/client.server";
