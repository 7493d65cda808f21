-- 終了日不明 (issue 16): a closed case from an old ledger may have no close date. The CHECK that a closed incident has a
-- closed_at must allow that, and SQLite cannot change a CHECK: the table is rebuilt (SQLite's "12 steps"). The opener
-- runs migrations with foreign keys off and checks them after (db/client.server.ts): with them on, DROP TABLE would
-- cascade-delete every row that points at an incident.
CREATE TABLE `__new_incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ref` text,
	`occurred_at` text NOT NULL,
	`occurred_on` text NOT NULL,
	`reported_at` text,
	`department_id` integer,
	`in_tokyo` integer,
	`channel` text NOT NULL,
	`client_id` integer,
	`counterparty_type` text,
	`customer_identified` integer,
	`validity` text,
	`severity` integer,
	`duration_min` integer,
	`contact_count` integer,
	`responders` integer,
	`recorded` integer,
	`summary` text,
	`verbatim` text,
	`determination` text,
	`outcome` text,
	`status` text DEFAULT 'open' NOT NULL,
	`personal_erased_at` text,
	`closed_at` text,
	`closed_date_unknown` integer DEFAULT false NOT NULL,
	`report_submitted_at` text,
	`prevention` text,
	`fingerprint` text NOT NULL,
	`batch_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "incidents_status_check" CHECK("__new_incidents"."status" in ('open','closed')),
	CONSTRAINT "incidents_severity_check" CHECK("__new_incidents"."severity" is null or "__new_incidents"."severity" between 1 and 4),
	CONSTRAINT "incidents_responders_check" CHECK("__new_incidents"."responders" is null or "__new_incidents"."responders" >= 1),
	CONSTRAINT "incidents_contact_count_check" CHECK("__new_incidents"."contact_count" is null or "__new_incidents"."contact_count" >= 1),
	CONSTRAINT "incidents_duration_check" CHECK("__new_incidents"."duration_min" is null or "__new_incidents"."duration_min" >= 0),
	CONSTRAINT "incidents_closed_at_check" CHECK("__new_incidents"."status" = 'open' or "__new_incidents"."closed_at" is not null or "__new_incidents"."closed_date_unknown" = 1),
	CONSTRAINT "incidents_closed_date_unknown_check" CHECK("__new_incidents"."closed_date_unknown" = 0 or ("__new_incidents"."status" = 'closed' and "__new_incidents"."closed_at" is null))
);
--> statement-breakpoint
INSERT INTO `__new_incidents`("id", "ref", "occurred_at", "occurred_on", "reported_at", "department_id", "in_tokyo", "channel", "client_id", "counterparty_type", "customer_identified", "validity", "severity", "duration_min", "contact_count", "responders", "recorded", "summary", "verbatim", "determination", "outcome", "status", "personal_erased_at", "closed_at", "closed_date_unknown", "report_submitted_at", "prevention", "fingerprint", "batch_id", "created_at", "updated_at") SELECT "id", "ref", "occurred_at", "occurred_on", "reported_at", "department_id", "in_tokyo", "channel", "client_id", "counterparty_type", "customer_identified", "validity", "severity", "duration_min", "contact_count", "responders", "recorded", "summary", "verbatim", "determination", "outcome", "status", "personal_erased_at", "closed_at", 0, "report_submitted_at", "prevention", "fingerprint", "batch_id", "created_at", "updated_at" FROM `incidents`;--> statement-breakpoint
-- Ids are never reused (AUTOINCREMENT): the new table continues from the highest id the old one ever gave.
UPDATE `sqlite_sequence` SET `seq` = (SELECT `seq` FROM `sqlite_sequence` WHERE `name` = 'incidents') WHERE `name` = '__new_incidents';--> statement-breakpoint
DROP TABLE `incidents`;--> statement-breakpoint
ALTER TABLE `__new_incidents` RENAME TO `incidents`;--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_ref_unique` ON `incidents` (`ref`);--> statement-breakpoint
CREATE INDEX `incidents_occurred_idx` ON `incidents` (`occurred_at`,`id`);--> statement-breakpoint
CREATE INDEX `incidents_occurred_on_idx` ON `incidents` (`occurred_on`);--> statement-breakpoint
CREATE INDEX `incidents_department_idx` ON `incidents` (`department_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `incidents_client_idx` ON `incidents` (`client_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `incidents_channel_idx` ON `incidents` (`channel`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `incidents_outcome_idx` ON `incidents` (`outcome`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `incidents_severity_idx` ON `incidents` (`severity`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `incidents_status_idx` ON `incidents` (`status`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `incidents_determination_idx` ON `incidents` (`determination`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `incidents_fingerprint_idx` ON `incidents` (`fingerprint`) WHERE "incidents"."ref" is null;--> statement-breakpoint
CREATE INDEX `incidents_batch_idx` ON `incidents` (`batch_id`);--> statement-breakpoint
-- The analytics triggers of 0005 went with the old table.
CREATE TRIGGER `incidents_analytics_insert` AFTER INSERT ON `incidents`
BEGIN
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(NEW.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `incidents_analytics_update` AFTER UPDATE ON `incidents`
BEGIN
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(OLD.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(NEW.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `incidents_analytics_delete` AFTER DELETE ON `incidents`
BEGIN
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(OLD.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
END;
