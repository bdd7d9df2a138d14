-- What the matching module publishes for monitoring: which firm was invited to which scenario. Who invited it and why
-- stay inside matching.
create view matching.invitations_view as
select scenario_id, enterprise_id
from matching.invitations;
