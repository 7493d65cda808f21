-- Indexes the importer writes for every row, each kept only for a query that needs it (docs/decisions/0017).
-- (field, occurred_on, code) served no query: the cube and the list's code filters use (field, code, occurred_on, incident_id).
DROP INDEX `incident_codes_field_occurred_idx`;--> statement-breakpoint
-- Only rows without a ref are looked up by fingerprint (the importer's duplicate rule).
DROP INDEX `incidents_fingerprint_idx`;--> statement-breakpoint
CREATE INDEX `incidents_fingerprint_idx` ON `incidents` (`fingerprint`) WHERE "incidents"."ref" is null;--> statement-breakpoint
-- The coded values are always read by their primary key or the covering index: stored in primary-key order (WITHOUT
-- ROWID), one B-tree less to write per code. Same columns, keys and foreign key.
CREATE TABLE `incident_codes_0012` (
	`incident_id` integer NOT NULL,
	`field` text NOT NULL,
	`code` text NOT NULL,
	`occurred_on` text NOT NULL,
	PRIMARY KEY(`incident_id`, `field`, `code`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `incident_codes_0012` (`incident_id`, `field`, `code`, `occurred_on`)
	SELECT `incident_id`, `field`, `code`, `occurred_on` FROM `incident_codes` ORDER BY `incident_id`, `field`, `code`;--> statement-breakpoint
DROP TABLE `incident_codes`;--> statement-breakpoint
ALTER TABLE `incident_codes_0012` RENAME TO `incident_codes`;--> statement-breakpoint
CREATE INDEX `incident_codes_field_code_idx` ON `incident_codes` (`field`,`code`,`occurred_on`,`incident_id`);
