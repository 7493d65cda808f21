CREATE TABLE `headcounts` (
	`department_id` integer NOT NULL,
	`fiscal_year` integer NOT NULL,
	`headcount` integer NOT NULL,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`department_id`, `fiscal_year`),
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "headcounts_headcount_positive" CHECK("headcounts"."headcount" > 0)
);
--> statement-breakpoint
CREATE INDEX `headcounts_fiscal_year_idx` ON `headcounts` (`fiscal_year`);