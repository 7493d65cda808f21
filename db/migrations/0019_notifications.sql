CREATE TABLE `notifications` (
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
	CONSTRAINT "notifications_kind" CHECK("notifications"."kind" in ('incident_created', 'incidents_imported', 'report_submitted', 'action_overdue')),
	CONSTRAINT "notifications_mail_mode" CHECK("notifications"."mail_mode" in ('immediate', 'digest')),
	CONSTRAINT "notifications_mail_status" CHECK("notifications"."mail_status" in ('none', 'pending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_user_event_unique` ON `notifications` (`user_id`,`event_key`);--> statement-breakpoint
CREATE INDEX `notifications_user_created` ON `notifications` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `notifications_user_unread` ON `notifications` (`user_id`) WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX `notifications_mail_due` ON `notifications` (`mail_status`) WHERE "notifications"."mail_status" in ('pending', 'failed');--> statement-breakpoint
ALTER TABLE `users` ADD `notify_mail` text DEFAULT 'immediate' NOT NULL;