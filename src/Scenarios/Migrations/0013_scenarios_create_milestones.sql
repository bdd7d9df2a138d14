-- Delivery against milestones (里程碑式考核): each award gets the scenario's milestone template; at each gate the
-- officer's verdict continues, scales up, stops or merges the team; the final gate is acceptance (验收).
alter table scenarios.scenarios add column milestone_template jsonb not null default
    '[{"title":"实施方案评审","offsetDays":30,"trancheWan":0,"final":false},{"title":"试点部署","offsetDays":90,"trancheWan":0,"final":false},{"title":"验收","offsetDays":180,"trancheWan":0,"final":true}]';

alter table scenarios.awards drop constraint awards_status_check;
alter table scenarios.awards add constraint awards_status_check check (status in ('active', 'stopped', 'merged', 'accepted'));

create table scenarios.milestones (
    id                    uuid primary key,
    award_id              uuid not null references scenarios.awards (id),
    seq                   int not null,
    title                 text not null,
    due_at                timestamptz not null,
    tranche_wan           numeric(14, 2) not null default 0,
    is_final              boolean not null,
    evidence              text,
    evidence_at           timestamptz,
    verdict               text check (verdict in ('continue', 'scale_up', 'stop', 'merge', 'accepted')),
    verdict_note          text,
    verdict_by            uuid,
    verdict_at            timestamptz,
    overdue_at            timestamptz,
    constraint milestones_order unique (award_id, seq),
    constraint milestones_final_verdicts check (verdict is null or (is_final and verdict in ('accepted', 'stop')) or (not is_final and verdict <> 'accepted'))
);
