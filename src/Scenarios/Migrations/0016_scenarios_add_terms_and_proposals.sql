-- Terms an officer sets on the form: visibility (public, or shared with named partner regions only), and how long
-- past winners are excluded (0 = not excluded).
alter table scenarios.scenarios
    add column visibility                  text not null default 'public' check (visibility in ('public', 'partners')),
    add column partner_regions             text[] not null default '{}',
    add column exclude_winners_within_years int not null default 0 check (exclude_winners_within_years between 0 and 10),
    add column responsible_person          text not null default '',
    add constraint scenarios_partners_named check (visibility = 'public' or cardinality(partner_regions) > 0);

-- The full proposal: team, schedule, past cases, the two declarations, and a consortium (one lead, at most four members).
alter table scenarios.applications
    add column team                      text not null default '',
    add column schedule                  text not null default '',
    add column past_cases                text not null default '',
    add column declared_truthful         boolean not null default false,
    add column declared_no_double_funding boolean not null default false,
    add column consortium_member_ids     uuid[] not null default '{}',
    add constraint applications_consortium_size check (cardinality(consortium_member_ids) <= 4);

-- Files kept beside the process: a scenario's attachments (public with the scenario), an application's (sealed with
-- it) and a milestone's evidence. Stored in the database so a backup is one thing; the size is capped by the app.
create table scenarios.attachments (
    id            uuid primary key,
    scenario_id   uuid not null references scenarios.scenarios (id),
    application_id uuid references scenarios.applications (id),
    milestone_id  uuid references scenarios.milestones (id),
    file_name     text not null check (length(file_name) between 1 and 200),
    content_type  text not null,
    size_bytes    int not null check (size_bytes > 0),
    sha256        text not null,
    content       bytea not null,
    uploaded_by   uuid not null,
    uploaded_at   timestamptz not null,
    constraint attachments_one_owner check (application_id is null or milestone_id is null)
);

create index attachments_scenario_idx on scenarios.attachments (scenario_id);
create index attachments_application_idx on scenarios.attachments (application_id) where application_id is not null;
create index attachments_milestone_idx on scenarios.attachments (milestone_id) where milestone_id is not null;
