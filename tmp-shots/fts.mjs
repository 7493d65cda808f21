import Database from "better-sqlite3";
const db = new Database(process.argv[2], { readonly: true });
const has = db.prepare("select name from sqlite_master where name='incidents_fts'").get();
console.log("fts:", !!has, db.prepare("select count(*) n from incidents").get());
function t(label, sql, ...a) { const s = performance.now(); const r = db.prepare(sql).all(...a); console.log(label, Math.round(performance.now() - s), "ms", JSON.stringify(r).slice(0, 80)); }
if (has) {
  t("count common", "select count(*) n from incidents where id in (select rowid from incidents_fts where incidents_fts match ?)", '"繰り返し"');
  t("count capped", "select count(*) n from (select rowid from incidents_fts where incidents_fts match ? limit 10001)", '"繰り返し"');
  t("page common IN", "select id from incidents where id in (select rowid from incidents_fts where incidents_fts match ?) order by occurred_on desc, id desc limit 50", '"繰り返し"');
  t("page common EXISTS rowid", "select id from incidents i where exists (select 1 from incidents_fts f where f.incidents_fts match ? and f.rowid = i.id) order by occurred_on desc, id desc limit 50", '"繰り返し"');
  t("page rare EXISTS rowid", "select id from incidents i where exists (select 1 from incidents_fts f where f.incidents_fts match ? and f.rowid = i.id) order by occurred_on desc, id desc limit 50", '"土下座"');
  t("page rare IN", "select id from incidents where id in (select rowid from incidents_fts where incidents_fts match ?) order by occurred_on desc, id desc limit 50", '"土下座"');
}
