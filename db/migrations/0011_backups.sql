CREATE TABLE `backups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text NOT NULL,
	`file` text NOT NULL,
	`bytes` integer,
	`sha256` text,
	`status` text NOT NULL,
	`message` text,
	`counts` text,
	`trigger` text NOT NULL,
	`user_id` integer,
	`user_name` text NOT NULL,
	CONSTRAINT "backups_status" CHECK("backups"."status" in ('ok', 'failed')),
	CONSTRAINT "backups_trigger" CHECK("backups"."trigger" in ('cli', 'web', 'pre-restore'))
);
--> statement-breakpoint
CREATE INDEX `backups_started_at` ON `backups` (`started_at`);