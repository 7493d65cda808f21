CREATE TABLE `data_fixes` (
	`name` text PRIMARY KEY NOT NULL,
	`applied_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
