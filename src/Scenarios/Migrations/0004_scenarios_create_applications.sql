create table scenarios.applications (
    id                uuid primary key,
    scenario_id       uuid not null references scenarios.scenarios (id),
    enterprise_id     uuid not null references enterprises.enterprises (id),
    submitted_by      uuid not null,
    status            text not null check (status in ('draft', 'submitted', 'withdrawn')),
    approach          text not null,
    quoted_budget_wan numeric(14, 2) not null check (quoted_budget_wan >= 0),
    created_at        timestamptz not null,
    updated_at        timestamptz not null,
    submitted_at      timestamptz,
    -- One application per firm and scenario: a second submit edits the first.
    constraint applications_one_per_firm unique (scenario_id, enterprise_id),
    constraint applications_submitted_has_time check (status <> 'submitted' or submitted_at is not null)
);

create index applications_enterprise_idx on scenarios.applications (enterprise_id);
