CREATE TABLE `report_issuances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`schedule_id` integer NOT NULL,
	`period_key` text NOT NULL,
	`issued_report_id` integer NOT NULL,
	`issued_at` text NOT NULL,
	FOREIGN KEY (`schedule_id`) REFERENCES `report_schedules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_report_id`) REFERENCES `issued_reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_issuances_schedule_period` ON `report_issuances` (`schedule_id`,`period_key`);--> statement-breakpoint
CREATE TABLE `report_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`frequency` text NOT NULL,
	`audience` text NOT NULL,
	`starts_with` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`stopped_at` text,
	`stopped_by` text,
	CONSTRAINT "report_schedules_frequency" CHECK("report_schedules"."frequency" in ('monthly', 'quarterly', 'fiscal_year')),
	CONSTRAINT "report_schedules_audience" CHECK("report_schedules"."audience" in ('hr', 'executive'))
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`event_key` text NOT NULL,
	`incident_id` integer,
	`payload` text DEFAULT '{}' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`read_at` text,
	`mail_mode` text DEFAULT 'immediate' NOT NULL,
	`mail_status` text DEFAULT 'none' NOT NULL,
	`mail_attempts` integer DEFAULT 0 NOT NULL,
	`mailed_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "notifications_kind" CHECK("__new_notifications"."kind" in ('incident_created', 'incidents_imported', 'report_submitted', 'action_overdue', 'report_issued')),
	CONSTRAINT "notifications_mail_mode" CHECK("__new_notifications"."mail_mode" in ('immediate', 'digest')),
	CONSTRAINT "notifications_mail_status" CHECK("__new_notifications"."mail_status" in ('none', 'pending', 'sent', 'failed'))
);
--> statement-breakpoint
INSERT INTO `__new_notifications`("id", "user_id", "kind", "event_key", "incident_id", "payload", "created_at", "read_at", "mail_mode", "mail_status", "mail_attempts", "mailed_at") SELECT "id", "user_id", "kind", "event_key", "incident_id", "payload", "created_at", "read_at", "mail_mode", "mail_status", "mail_attempts", "mailed_at" FROM `notifications`;--> statement-breakpoint
DROP TABLE `notifications`;--> statement-breakpoint
ALTER TABLE `__new_notifications` RENAME TO `notifications`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_user_event_unique` ON `notifications` (`user_id`,`event_key`);--> statement-breakpoint
CREATE INDEX `notifications_user_created` ON `notifications` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_user_unread` ON `notifications` (`user_id`) WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX `notifications_mail_due` ON `notifications` (`mail_status`) WHERE "notifications"."mail_status" in ('pending', 'failed');