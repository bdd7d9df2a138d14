create schema if not exists monitoring;

-- Plan targets (月度监测、年度考核): what counts, how many, over which period. Admins edit them; the defaults come
-- from the district plan.
create table monitoring.targets (
    key          text primary key check (key ~ '^[a-z0-9_-]{2,40}$'),
    label        text not null check (length(label) between 2 and 60),
    metric       text not null check (metric in ('published', 'published_public', 'paired', 'landed')),
    category     text check (category in ('smart-city', 'cultural-tourism', 'livable-city')),
    target_value int not null check (target_value between 1 and 100000),
    period_start date not null,
    period_end   date not null,
    updated_by   uuid,
    updated_at   timestamptz not null,
    constraint targets_period check (period_end >= period_start)
);

insert into monitoring.targets (key, label, metric, category, target_value, period_start, period_end, updated_at) values
    ('smart-city', '智慧城市应用场景', 'published', 'smart-city', 30, '2025-01-01', '2027-12-31', now()),
    ('cultural-tourism', '文化旅游应用场景', 'published', 'cultural-tourism', 15, '2025-01-01', '2027-12-31', now()),
    ('livable-city', '宜居城市应用场景', 'published', 'livable-city', 15, '2025-01-01', '2027-12-31', now()),
    ('published-public', '面向社会发布的场景', 'published_public', null, 30, '2025-01-01', '2027-12-31', now()),
    ('paired', '与重点企业完成对接的场景', 'paired', null, 30, '2025-01-01', '2027-12-31', now());

-- Month-end ledger snapshots (台账): frozen once taken, so a past month's report is reproduced exactly.
create table monitoring.ledger_snapshots (
    month     date primary key check (extract(day from month) = 1),
    taken_at  timestamptz not null,
    rows      jsonb not null,
    summary   jsonb not null
);

-- Scheduled reports as generated (.xlsx), one per period.
create table monitoring.reports (
    period       text primary key,
    kind         text not null check (kind in ('monthly', 'quarterly', 'annual')),
    generated_at timestamptz not null,
    content      bytea not null
);
