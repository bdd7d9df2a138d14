-- What the scenarios module publishes for reporting (monitoring, the ledger, open data, OCDS). Other modules read these
-- views, never the tables; the columns below are the contract.

-- The seal: while a scenario is a draft, awaits publication, is open for applications, or never got past that, its
-- applications are sealed and not even their number is shown. The one SQL definition; the views below apply it.
create function scenarios.applications_sealed(status text) returns boolean
    language sql immutable
    as $$ select status in ('draft', 'submitted', 'published', 'rejected', 'withdrawn') $$;

-- The stages a visitor may see (ScenarioStatus.Public in the code; a test keeps the two equal).
create function scenarios.publicly_visible(status text) returns boolean
    language sql immutable
    as $$ select status in ('published', 'closed', 'reviewing', 'publicity', 'awarded', 'in_delivery', 'landed', 'cancelled', 'terminated') $$;

-- One row per scenario, every stage: what the ledger and the dashboard count. applicants (submitted and not withdrawn)
-- is null while the applications are sealed.
create view scenarios.ledger_view as
select s.id, s.code, s.title, s.category, s.domain, s.location, s.owner_department, s.batch, s.responsible_person,
       s.status, s.visibility, s.published_at, s.closes_at, s.closed_at,
       scenarios.applications_sealed(s.status) as applications_sealed,
       case when scenarios.applications_sealed(s.status) then null else
           (select count(*)::int from scenarios.applications a
            where a.scenario_id = s.id and a.status not in ('draft', 'withdrawn')) end as applicants
from scenarios.scenarios s;

-- Firms that applied (submitted, not withdrawn), listed only once the scenario's applications are no longer sealed.
create view scenarios.applicants_view as
select a.scenario_id, a.enterprise_id
from scenarios.applications a join scenarios.scenarios s on s.id = a.scenario_id
where a.status not in ('draft', 'withdrawn') and not scenarios.applications_sealed(s.status);

-- Awards (挂帅) with the budget the winner quoted.
create view scenarios.awards_view as
select w.id, w.scenario_id, w.enterprise_id, w.status, w.awarded_at,
       (select a.quoted_budget_wan from scenarios.applications a where a.id = w.application_id) as quoted_budget_wan
from scenarios.awards w;

-- Proposed winners during publicity (公示): shortlisted applications, not awards yet.
create view scenarios.proposed_winners_view as
select a.id, a.scenario_id, a.enterprise_id, a.updated_at, a.quoted_budget_wan
from scenarios.applications a
where a.status = 'shortlisted';

-- Delivery milestones (里程碑) with their award's scenario, firm and status.
create view scenarios.milestones_view as
select m.id, m.award_id, w.scenario_id, w.enterprise_id, w.status as award_status,
       m.seq, m.title, m.due_at, m.tranche_wan, m.verdict, m.verdict_at, m.overdue_at
from scenarios.milestones m join scenarios.awards w on w.id = m.award_id;

-- Files of the scenario itself (public with it); never an application's files or a milestone's evidence.
create view scenarios.documents_view as
select id, scenario_id, file_name, content_type, uploaded_at
from scenarios.attachments
where application_id is null and milestone_id is null;

-- Open data: scenarios published to everyone (a public stage, not shared with partner regions only), with the terms
-- open data shows.
create view scenarios.open_scenarios_view as
select id, code, title, summary, description, category, domain, location, technologies, batch, owner_department,
       budget_min_wan, budget_max_wan, funding_mode, mode, award_slots, opens_at, closes_at, status, published_at,
       required_qualifications, min_registered_capital_wan, allowed_regions, exclude_winners_within_years, rubric
from scenarios.scenarios
where scenarios.publicly_visible(status) and visibility = 'public';
