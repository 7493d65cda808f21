-- Every write to incidents moves the generation of the month(s) it touches, so cached figures know what to reload.
-- An edit moves both its old and its new month. Coded values (incident_codes) are only ever written together with
-- their incident's row (insert, update with updated_at, delete by cascade), so the incidents triggers cover them.
INSERT INTO `analytics_months` (`month`, `generation`)
SELECT DISTINCT substr(`occurred_on`, 1, 7), 1 FROM `incidents`;
--> statement-breakpoint
CREATE TRIGGER `incidents_analytics_insert` AFTER INSERT ON `incidents`
BEGIN
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(NEW.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `incidents_analytics_update` AFTER UPDATE ON `incidents`
BEGIN
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(OLD.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(NEW.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `incidents_analytics_delete` AFTER DELETE ON `incidents`
BEGIN
	INSERT INTO `analytics_months` (`month`, `generation`) VALUES (substr(OLD.`occurred_on`, 1, 7), 1)
	ON CONFLICT (`month`) DO UPDATE SET `generation` = `generation` + 1;
END;
