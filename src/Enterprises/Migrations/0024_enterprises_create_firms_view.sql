-- What other modules may read of the directory in set-based SQL: a firm's name and registered region.
-- Notifications uses the region to keep partner-only scenarios from follow alerts outside partner regions, and the
-- name in milestone reminders.
create view enterprises.firms_view as
select id, name, region
from enterprises.enterprises;
