CREATE TABLE `consultations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`received_on` text NOT NULL,
	`route` text NOT NULL,
	`employee_ref` text,
	`anonymous` integer DEFAULT false NOT NULL,
	`incident_id` integer,
	`first_response_on` text,
	`follow_up` text,
	`closed_on` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "consultations_route" CHECK("consultations"."route" in ('desk', 'phone', 'email', 'meeting'))
);
--> statement-breakpoint
CREATE INDEX `consultations_received_on` ON `consultations` (`received_on`);--> statement-breakpoint
CREATE TABLE `incident_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`what_happened` text,
	`cause_analysis` text,
	`actions` text DEFAULT '[]' NOT NULL,
	`supervisor_comment` text,
	`submitted_on` text,
	`submitted_by` text,
	`approved_on` text,
	`approved_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "incident_reports_status" CHECK("incident_reports"."status" in ('draft', 'submitted', 'approved'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incident_reports_incident_unique` ON `incident_reports` (`incident_id`);