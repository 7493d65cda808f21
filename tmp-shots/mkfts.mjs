import Database from "better-sqlite3";
const db = new Database(process.argv[2]);
const s = performance.now();
db.exec(`CREATE VIRTUAL TABLE incidents_fts USING fts5(ref, summary, prevention, content='incidents', content_rowid='id', tokenize='trigram');
INSERT INTO incidents_fts (incidents_fts) VALUES ('rebuild');`);
console.log("built", Math.round(performance.now() - s), "ms");
