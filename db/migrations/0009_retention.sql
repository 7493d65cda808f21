ALTER TABLE `incidents` ADD `personal_erased_at` text;--> statement-breakpoint
ALTER TABLE `settings` ADD `retention_years` integer DEFAULT 5;