create schema if not exists matching;

-- A firm said a recommended scenario is not relevant: it is not shown to the firm again, and the firm is not
-- recommended for that scenario.
create table matching.dismissals (
    enterprise_id uuid not null references enterprises.enterprises (id),
    scenario_id   uuid not null references scenarios.scenarios (id),
    dismissed_by  uuid not null,
    dismissed_at  timestamptz not null,
    primary key (enterprise_id, scenario_id)
);

-- An officer invited a recommended firm to apply; the email goes through the outbox.
create table matching.invitations (
    scenario_id   uuid not null references scenarios.scenarios (id),
    enterprise_id uuid not null references enterprises.enterprises (id),
    invited_by    uuid not null,
    invited_at    timestamptz not null,
    reasons       text[] not null default '{}',
    primary key (scenario_id, enterprise_id)
);
