-- Follows: a person follows categories, domains, technologies, regions (locations) or one scenario, and chooses
-- how to hear of matching new scenarios: instant email, or a daily or weekly digest.
create table notifications.follows (
    user_id    uuid not null references accounts.users (id),
    kind       text not null check (kind in ('category', 'domain', 'technology', 'region', 'scenario')),
    value      text not null check (length(value) between 1 and 100),
    created_at timestamptz not null,
    primary key (user_id, kind, value)
);

create index follows_match_idx on notifications.follows (kind, value);

create table notifications.follow_settings (
    user_id        uuid primary key references accounts.users (id),
    frequency      text not null default 'daily' check (frequency in ('instant', 'daily', 'weekly')),
    last_digest_at timestamptz,
    updated_at     timestamptz not null
);

-- New scenarios waiting for a person's next digest (and instant alerts held back by the daily cap).
create table notifications.digest_items (
    user_id     uuid not null references accounts.users (id),
    scenario_id uuid not null references scenarios.scenarios (id),
    reason      text not null,
    created_at  timestamptz not null,
    sent_at     timestamptz,
    primary key (user_id, scenario_id)
);

-- Non-essential emails per address and Beijing day, for the daily cap.
create table notifications.daily_sends (
    email text not null,
    day   date not null,
    count int not null,
    primary key (email, day)
);
