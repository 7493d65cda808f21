-- INSERT OR REPLACE on an existing id deletes the old row without firing a DELETE trigger (recursive triggers are
-- off) and writes a new one: the append-only tables refuse an insert whose id is already taken (issue 18). A new row
-- gets its id only after BEFORE triggers run, so an ordinary insert never matches.
CREATE TRIGGER `audit_log_no_replace` BEFORE INSERT ON `audit_log`
WHEN NEW.`id` IS NOT NULL AND EXISTS (SELECT 1 FROM `audit_log` WHERE `id` = NEW.`id`)
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only: an entry cannot be replaced');
END;
--> statement-breakpoint
CREATE TRIGGER `issued_reports_no_replace` BEFORE INSERT ON `issued_reports`
WHEN NEW.`id` IS NOT NULL AND EXISTS (SELECT 1 FROM `issued_reports` WHERE `id` = NEW.`id`)
BEGIN
	SELECT RAISE(ABORT, 'issued_reports is append-only: an issued report cannot be replaced');
END;
