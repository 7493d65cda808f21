CREATE TABLE `saved_views` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`name` text NOT NULL,
	`normalized_name` text NOT NULL,
	`search` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `saved_views_user_name_unique` ON `saved_views` (`user_id`,`normalized_name`);--> statement-breakpoint
-- custom: full-text search over 管理番号, summary and prevention (issue 19, docs/decisions/0026). An external-content FTS5
-- table with the trigram tokenizer (any substring of 3+ characters, case-insensitive, no word splitting, so Japanese
-- works), kept in step with incidents by the triggers below, and filled from the existing rows.
CREATE VIRTUAL TABLE `incidents_fts` USING fts5(ref, summary, prevention, content='incidents', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `incidents_fts_insert` AFTER INSERT ON `incidents` BEGIN
	INSERT INTO `incidents_fts` (rowid, ref, summary, prevention) VALUES (NEW.id, NEW.ref, NEW.summary, NEW.prevention);
END;
--> statement-breakpoint
CREATE TRIGGER `incidents_fts_delete` AFTER DELETE ON `incidents` BEGIN
	INSERT INTO `incidents_fts` (`incidents_fts`, rowid, ref, summary, prevention) VALUES ('delete', OLD.id, OLD.ref, OLD.summary, OLD.prevention);
END;
--> statement-breakpoint
-- Only when a searched field changes: the version bump (migration 0018) and every other update leave the index alone.
CREATE TRIGGER `incidents_fts_update` AFTER UPDATE OF ref, summary, prevention ON `incidents`
WHEN OLD.ref IS NOT NEW.ref OR OLD.summary IS NOT NEW.summary OR OLD.prevention IS NOT NEW.prevention
BEGIN
	INSERT INTO `incidents_fts` (`incidents_fts`, rowid, ref, summary, prevention) VALUES ('delete', OLD.id, OLD.ref, OLD.summary, OLD.prevention);
	INSERT INTO `incidents_fts` (rowid, ref, summary, prevention) VALUES (NEW.id, NEW.ref, NEW.summary, NEW.prevention);
END;
--> statement-breakpoint
INSERT INTO `incidents_fts` (`incidents_fts`) VALUES ('rebuild');
