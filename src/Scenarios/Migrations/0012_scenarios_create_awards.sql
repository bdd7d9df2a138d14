-- Publicity (公示) counts working days: the admin-kept calendar says which weekdays are holidays and which weekend
-- days are working days (调休).
create table scenarios.calendar_days (
    day     date primary key,
    working boolean not null,
    name    text not null default ''
);

alter table scenarios.scenarios
    add column decision_reason   text,
    add column publicity_ends_at timestamptz;

create table scenarios.objections (
    id           uuid primary key,
    scenario_id  uuid not null references scenarios.scenarios (id),
    filed_at     timestamptz not null,
    filer_name   text not null check (length(filer_name) between 2 and 60),
    filer_contact text not null check (length(filer_contact) between 3 and 120),
    content      text not null check (length(content) between 10 and 5000),
    answered_at  timestamptz,
    answered_by  uuid,
    answer       text,
    outcome      text check (outcome in ('upheld', 'dismissed')),
    constraint objections_answer_complete check ((answered_at is null) = (outcome is null) and (outcome is null) = (answer is null))
);

create table scenarios.awards (
    id             uuid primary key,
    scenario_id    uuid not null references scenarios.scenarios (id),
    application_id uuid not null references scenarios.applications (id),
    enterprise_id  uuid not null,
    awarded_at     timestamptz not null,
    status         text not null default 'active' check (status in ('active', 'stopped', 'accepted')),
    constraint awards_one_per_application unique (application_id)
);
