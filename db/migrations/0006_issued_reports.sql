CREATE TABLE `issued_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period_key` text NOT NULL,
	`period_from` text NOT NULL,
	`period_to` text NOT NULL,
	`audience` text NOT NULL,
	`issued_at` text NOT NULL,
	`issued_by` text NOT NULL,
	`sha256` text NOT NULL,
	`content` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `issued_reports_period` ON `issued_reports` (`period_key`,`audience`,`issued_at`);