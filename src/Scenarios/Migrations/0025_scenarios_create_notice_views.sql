-- What other modules may read of scenarios in set-based SQL. Notifications joins these in its sweeps: deadline
-- reminders (scenarios closing soon, draft applications), digests (title, code, deadline) and milestone reminders.

create view scenarios.scenarios_view as
select id, code, title, status, closes_at
from scenarios.scenarios;

create view scenarios.applications_view as
select scenario_id, submitted_by, status
from scenarios.applications;

-- Milestones of active awards that still wait for the officer's verdict.
create view scenarios.open_milestones_view as
select m.id, m.title, m.due_at, m.overdue_at, m.evidence is not null as has_evidence, w.scenario_id, w.enterprise_id
from scenarios.milestones m
join scenarios.awards w on w.id = m.award_id
where w.status = 'active' and m.verdict is null;
