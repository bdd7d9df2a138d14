-- Per-user API tokens for scripts and integrations (Authorization: Bearer mkt_…). The secret is shown once at creation;
-- only its SHA-256 is kept (a 256-bit random secret needs no slow hash). A token carries the account's security stamp of
-- its creation day: a new password or "sign out everywhere" ends it like every session.
create table accounts.api_tokens (
    id             uuid primary key,
    user_id        uuid not null references accounts.users (id) on delete cascade,
    name           text not null check (length(name) between 1 and 60),
    token_hash     text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
    security_stamp uuid not null,
    created_at     timestamptz not null,
    expires_at     timestamptz not null,
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    constraint api_tokens_expire_after_creation check (expires_at > created_at)
);

create index api_tokens_by_user on accounts.api_tokens (user_id, created_at desc);

-- Idempotency-Key on API POSTs: the first answer to (caller, key) is kept for a day and replayed to a repeat of the same
-- request. In flight while the first request runs; completed with the answer (the body only up to a bound).
create table accounts.idempotency_keys (
    user_id               uuid not null references accounts.users (id) on delete cascade,
    idempotency_key       text not null check (length(idempotency_key) between 1 and 255),
    request_hash          text not null,
    state                 text not null check (state in ('in_flight', 'completed')),
    created_at            timestamptz not null,
    expires_at            timestamptz not null,
    completed_at          timestamptz,
    response_status       int check (response_status between 100 and 499),
    response_content_type text,
    response_location     text,
    response_body         bytea,
    response_too_large    boolean not null default false,
    primary key (user_id, idempotency_key),
    constraint idempotency_keys_completed_has_answer check ((state = 'completed') = (response_status is not null))
);

create index idempotency_keys_by_expiry on accounts.idempotency_keys (expires_at);
