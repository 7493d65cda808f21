-- An issued report is evidence: it is never changed or removed.
CREATE TRIGGER `issued_reports_no_update` BEFORE UPDATE ON `issued_reports`
BEGIN
	SELECT RAISE(ABORT, 'issued_reports is append-only: an issued report cannot be changed');
END;
--> statement-breakpoint
CREATE TRIGGER `issued_reports_no_delete` BEFORE DELETE ON `issued_reports`
BEGIN
	SELECT RAISE(ABORT, 'issued_reports is append-only: an issued report cannot be deleted');
END;
