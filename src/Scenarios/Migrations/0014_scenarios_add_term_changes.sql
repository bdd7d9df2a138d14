-- Changing the terms of a published scenario asks every applicant to confirm again; an application still waiting
-- for that confirmation at the deadline is not eligible.
alter table scenarios.applications add column reconfirm_required_at timestamptz;

create table scenarios.questions (
    id          uuid primary key,
    scenario_id uuid not null references scenarios.scenarios (id),
    asked_by    uuid not null,
    question    text not null check (length(question) between 5 and 2000),
    asked_at    timestamptz not null,
    answer      text,
    answered_by uuid,
    answered_at timestamptz,
    constraint questions_answer_complete check ((answer is null) = (answered_at is null))
);
