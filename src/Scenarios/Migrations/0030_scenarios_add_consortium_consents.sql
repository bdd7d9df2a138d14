-- A consortium application counts only once every named member firm has confirmed it. Until then it waits as
-- 'awaiting_consortium': not submitted, so not counted, reviewed or awarded; at close it becomes ineligible.
alter table scenarios.applications drop constraint applications_status_check;
alter table scenarios.applications add constraint applications_status_check check (status in (
    'draft', 'awaiting_consortium', 'submitted', 'withdrawn', 'eligible', 'ineligible', 'shortlisted', 'awarded', 'not_awarded'));
alter table scenarios.applications add constraint applications_awaiting_has_time
    check (status <> 'awaiting_consortium' or submitted_at is not null);

-- One row per named member firm of a submitted consortium application: its answer to the lead's request.
create table scenarios.consortium_consents (
    application_id uuid not null references scenarios.applications (id),
    enterprise_id  uuid not null references enterprises.enterprises (id),
    status         text not null check (status in ('pending', 'confirmed', 'declined')),
    requested_at   timestamptz not null,
    decided_by     uuid,
    decided_at     timestamptz,
    primary key (application_id, enterprise_id),
    constraint consortium_consents_decided_has_time check ((status = 'pending') = (decided_at is null))
);

create index consortium_consents_enterprise_idx on scenarios.consortium_consents (enterprise_id);
