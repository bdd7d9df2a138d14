-- The review rubric of a scenario: criteria with weights (they need not sum to 100; scores are weighted averages).
alter table scenarios.scenarios add column rubric jsonb not null default
    '[{"name":"技术方案","weight":40},{"name":"团队与案例","weight":20},{"name":"实施计划","weight":20},{"name":"报价合理性","weight":20}]';

create table scenarios.review_assignments (
    id              uuid primary key,
    application_id  uuid not null references scenarios.applications (id),
    reviewer_id     uuid not null,
    assigned_by     uuid not null,
    assigned_at     timestamptz not null,
    status          text not null check (status in ('assigned', 'recused', 'submitted')),
    conflict_reason text,
    submitted_at    timestamptz,
    constraint review_assignments_once unique (application_id, reviewer_id),
    constraint review_assignments_recusal_has_reason check (status <> 'recused' or conflict_reason is not null)
);

create index review_assignments_reviewer_idx on scenarios.review_assignments (reviewer_id);

create table scenarios.review_scores (
    assignment_id uuid not null references scenarios.review_assignments (id),
    criterion     text not null,
    score         numeric(5, 2) not null check (score between 0 and 100),
    note          text not null default '',
    primary key (assignment_id, criterion)
);
