CREATE TABLE `import_batch_changes` (
	`batch_id` text NOT NULL,
	`incident_id` integer NOT NULL,
	`before` text NOT NULL,
	PRIMARY KEY(`batch_id`, `incident_id`),
	FOREIGN KEY (`batch_id`) REFERENCES `import_batches`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
