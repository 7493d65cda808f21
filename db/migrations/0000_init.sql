CREATE TABLE `clients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`normalized_name` text NOT NULL,
	`counterparty_type` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clients_normalized_name_unique` ON `clients` (`normalized_name`);--> statement-breakpoint
CREATE TABLE `departments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`normalized_name` text NOT NULL,
	`in_tokyo` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `departments_normalized_name_unique` ON `departments` (`normalized_name`);--> statement-breakpoint
CREATE TABLE `import_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`sha256` text NOT NULL,
	`encoding` text NOT NULL,
	`delimiter` text,
	`rows` integer DEFAULT 0 NOT NULL,
	`imported` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`invalid` integer DEFAULT 0 NOT NULL,
	`imported_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`undone_at` text,
	`undone_by` text
);
--> statement-breakpoint
CREATE INDEX `import_batches_sha256_idx` ON `import_batches` (`sha256`);--> statement-breakpoint
CREATE INDEX `import_batches_created_at_idx` ON `import_batches` (`created_at`);--> statement-breakpoint
CREATE TABLE `incident_codes` (
	`incident_id` integer NOT NULL,
	`field` text NOT NULL,
	`code` text NOT NULL,
	`occurred_on` text NOT NULL,
	PRIMARY KEY(`incident_id`, `field`, `code`),
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_codes_field_code_idx` ON `incident_codes` (`field`,`code`,`occurred_on`,`incident_id`);--> statement-breakpoint
CREATE INDEX `incident_codes_field_occurred_idx` ON `incident_codes` (`field`,`occurred_on`,`code`);--> statement-breakpoint
CREATE TABLE `incidents` (
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
	`closed_at` text,
	`report_submitted_at` text,
	`prevention` text,
	`fingerprint` text NOT NULL,
	`batch_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "incidents_status_check" CHECK("incidents"."status" in ('open','closed')),
	CONSTRAINT "incidents_severity_check" CHECK("incidents"."severity" is null or "incidents"."severity" between 1 and 4),
	CONSTRAINT "incidents_responders_check" CHECK("incidents"."responders" is null or "incidents"."responders" >= 1),
	CONSTRAINT "incidents_contact_count_check" CHECK("incidents"."contact_count" is null or "incidents"."contact_count" >= 1),
	CONSTRAINT "incidents_duration_check" CHECK("incidents"."duration_min" is null or "incidents"."duration_min" >= 0),
	CONSTRAINT "incidents_closed_at_check" CHECK("incidents"."status" = 'open' or "incidents"."closed_at" is not null)
);
--> statement-breakpoint
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
CREATE INDEX `incidents_fingerprint_idx` ON `incidents` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `incidents_batch_idx` ON `incidents` (`batch_id`);--> statement-breakpoint
CREATE TABLE `measures` (
	`code` text PRIMARY KEY NOT NULL,
	`status` text DEFAULT 'not_yet' NOT NULL,
	`evidence_text` text,
	`evidence_url` text,
	`in_place_on` text,
	`reviewed_on` text,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`fiscal_year_start_month` integer DEFAULT 4 NOT NULL,
	`suppression_threshold` integer DEFAULT 3 NOT NULL,
	`national_obligation_date` text DEFAULT '2026-10-01' NOT NULL,
	`written_report_deadline_days` integer DEFAULT 7 NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	CONSTRAINT "settings_single_row" CHECK("settings"."id" = 1),
	CONSTRAINT "settings_fy_month" CHECK("settings"."fiscal_year_start_month" between 1 and 12),
	CONSTRAINT "settings_threshold" CHECK("settings"."suppression_threshold" >= 1),
	CONSTRAINT "settings_deadline" CHECK("settings"."written_report_deadline_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE `training_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`held_on` text NOT NULL,
	`title` text NOT NULL,
	`attendees` integer DEFAULT 0 NOT NULL,
	`invited` integer DEFAULT 0 NOT NULL,
	`notes` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `training_sessions_held_on_idx` ON `training_sessions` (`held_on`);