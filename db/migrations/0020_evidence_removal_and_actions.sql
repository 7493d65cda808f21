ALTER TABLE `evidence_files` ADD `removed_at` text;--> statement-breakpoint
ALTER TABLE `evidence_files` ADD `removed_by` integer;--> statement-breakpoint
ALTER TABLE `evidence_files` ADD `removed_reason` text;