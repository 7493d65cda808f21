CREATE TABLE `analytics_months` (
	`month` text PRIMARY KEY NOT NULL,
	`generation` integer DEFAULT 0 NOT NULL
);
