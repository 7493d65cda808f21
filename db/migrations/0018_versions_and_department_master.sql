ALTER TABLE `consultations` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `departments` ADD `retired_at` text;--> statement-breakpoint
ALTER TABLE `departments` ADD `merged_into_id` integer;--> statement-breakpoint
ALTER TABLE `departments` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `incident_reports` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `incidents` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `measures` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Every update of a row moves its version on, whoever writes it (forms, imports with --update, retention, merges),
-- so a form opened before any of them is refused instead of writing over it. A writer that sets the version itself
-- (the form's compare-and-set) is left alone; recursive triggers are off, so the trigger's own update does not fire it.
CREATE TRIGGER `consultations_version_bump` AFTER UPDATE ON `consultations`
WHEN NEW.`version` = OLD.`version`
BEGIN
	UPDATE `consultations` SET `version` = OLD.`version` + 1 WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `departments_version_bump` AFTER UPDATE ON `departments`
WHEN NEW.`version` = OLD.`version`
BEGIN
	UPDATE `departments` SET `version` = OLD.`version` + 1 WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `incident_reports_version_bump` AFTER UPDATE ON `incident_reports`
WHEN NEW.`version` = OLD.`version`
BEGIN
	UPDATE `incident_reports` SET `version` = OLD.`version` + 1 WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `incidents_version_bump` AFTER UPDATE ON `incidents`
WHEN NEW.`version` = OLD.`version`
BEGIN
	UPDATE `incidents` SET `version` = OLD.`version` + 1 WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `measures_version_bump` AFTER UPDATE ON `measures`
WHEN NEW.`version` = OLD.`version`
BEGIN
	UPDATE `measures` SET `version` = OLD.`version` + 1 WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `users_version_bump` AFTER UPDATE ON `users`
WHEN NEW.`version` = OLD.`version`
BEGIN
	UPDATE `users` SET `version` = OLD.`version` + 1 WHERE rowid = NEW.rowid;
END;
