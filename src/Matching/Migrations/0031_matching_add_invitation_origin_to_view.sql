-- Monitoring shows how often invitations lead to applications by month and by how the invitation was made, so the view
-- also publishes when a firm was invited and whether the platform did it at publication (the all-zero account,
-- AutoInvitations.System) or an officer by hand. Who the officer was and the reasons stay inside matching.
create or replace view matching.invitations_view as
select scenario_id, enterprise_id, invited_at,
       invited_by = '00000000-0000-0000-0000-000000000000'::uuid as at_publication
from matching.invitations;
