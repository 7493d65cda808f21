CREATE TABLE `search_backlog` (
	`last_id` integer PRIMARY KEY NOT NULL,
	`indexed_to` integer NOT NULL
);
--> statement-breakpoint
-- custom: the search index (0021) written after an import rather than inside it (docs/decisions/0030). Its insert
-- trigger indexed every imported row one by one inside the import's write lock: at 1,000,000 rows that was 10 s more
-- of the lock, and the import missed its speed target. Now:
-- * the insert trigger indexes only incidents that belong to no import batch (the form, the demo data). The import's
--   merge, the only writer of incidents with a batch_id, notes their ids in search_backlog instead, and
--   search-index.server.ts indexes them after the commit, a few thousand per short transaction;
-- * the delete and update triggers leave alone a row still waiting in search_backlog: it is not in the index, and
--   when its turn comes it is indexed as it is then (or not at all, if it was deleted);
-- * columnsize=0: no per-row table of column sizes, which only ranking (bm25) reads, and the list never ranks;
-- * hashsize 8 MiB: a large write keeps that much of the index in memory before writing it out, instead of 1 MiB,
--   so it writes and merges fewer small segments. A form's save keeps a few hundred bytes of it.
DROP TRIGGER `incidents_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `incidents_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `incidents_fts_update`;
--> statement-breakpoint
DROP TABLE `incidents_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `incidents_fts` USING fts5(ref, summary, prevention, content='incidents', content_rowid='id', tokenize='trigram', columnsize=0);
--> statement-breakpoint
INSERT INTO `incidents_fts` (`incidents_fts`, rank) VALUES ('hashsize', 8388608);
--> statement-breakpoint
CREATE TRIGGER `incidents_fts_insert` AFTER INSERT ON `incidents` WHEN NEW.batch_id IS NULL BEGIN
	INSERT INTO `incidents_fts` (rowid, ref, summary, prevention) VALUES (NEW.id, NEW.ref, NEW.summary, NEW.prevention);
END;
--> statement-breakpoint
CREATE TRIGGER `incidents_fts_delete` AFTER DELETE ON `incidents`
WHEN NOT EXISTS (SELECT 1 FROM `search_backlog` b WHERE OLD.id > b.indexed_to AND OLD.id <= b.last_id)
BEGIN
	INSERT INTO `incidents_fts` (`incidents_fts`, rowid, ref, summary, prevention) VALUES ('delete', OLD.id, OLD.ref, OLD.summary, OLD.prevention);
END;
--> statement-breakpoint
-- Only when a searched field changes, as in 0021.
CREATE TRIGGER `incidents_fts_update` AFTER UPDATE OF ref, summary, prevention ON `incidents`
WHEN (OLD.ref IS NOT NEW.ref OR OLD.summary IS NOT NEW.summary OR OLD.prevention IS NOT NEW.prevention)
	AND NOT EXISTS (SELECT 1 FROM `search_backlog` b WHERE OLD.id > b.indexed_to AND OLD.id <= b.last_id)
BEGIN
	INSERT INTO `incidents_fts` (`incidents_fts`, rowid, ref, summary, prevention) VALUES ('delete', OLD.id, OLD.ref, OLD.summary, OLD.prevention);
	INSERT INTO `incidents_fts` (rowid, ref, summary, prevention) VALUES (NEW.id, NEW.ref, NEW.summary, NEW.prevention);
END;
--> statement-breakpoint
INSERT INTO `incidents_fts` (`incidents_fts`) VALUES ('rebuild');
