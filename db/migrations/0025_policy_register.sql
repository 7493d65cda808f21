CREATE TABLE `policy_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`version` text NOT NULL,
	`adopted_on` text NOT NULL,
	`announced_on` text,
	`places` text DEFAULT '[]' NOT NULL,
	`url` text,
	`notes` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `policy_versions_adopted_on` ON `policy_versions` (`adopted_on`);