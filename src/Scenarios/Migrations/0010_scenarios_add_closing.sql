alter table scenarios.scenarios add column closed_at timestamptz;

alter table scenarios.applications drop constraint applications_status_check;
alter table scenarios.applications add constraint applications_status_check check (status in (
    'draft', 'submitted', 'withdrawn', 'eligible', 'ineligible', 'shortlisted', 'awarded', 'not_awarded'));
alter table scenarios.applications
    add column withdrawn_at       timestamptz,
    add column ineligible_reasons text[] not null default '{}';
alter table scenarios.applications add constraint applications_ineligible_has_reason
    check (status <> 'ineligible' or cardinality(ineligible_reasons) > 0);
