create schema if not exists outbox;

create table outbox.messages (
    id              uuid primary key,
    type            text not null,
    dedupe_key      text not null,
    payload         jsonb not null,
    status          text not null default 'pending' check (status in ('pending', 'done', 'dead')),
    attempts        int not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null,
    last_error      text,
    created_at      timestamptz not null,
    processed_at    timestamptz,
    constraint messages_dedupe_key_unique unique (dedupe_key)
);

-- The worker polls only what is due; done and dead rows stay for the admin page and audits.
create index messages_due_idx on outbox.messages (next_attempt_at) where status = 'pending';
