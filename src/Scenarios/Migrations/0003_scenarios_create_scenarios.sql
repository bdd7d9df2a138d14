create schema if not exists scenarios;

create table scenarios.scenarios (
    id                         uuid primary key,
    code                       text not null,
    title                      text not null check (length(title) between 4 and 120),
    summary                    text not null,
    description                text not null,
    category                   text not null check (category in ('smart-city', 'cultural-tourism', 'livable-city')),
    domain                     text not null,
    location                   text not null default '',
    technologies               text[] not null default '{}',
    batch                      text not null default '',
    owner_department           text not null default '',
    proposer_enterprise_id     uuid references enterprises.enterprises (id),
    budget_min_wan             numeric(14, 2) not null default 0 check (budget_min_wan >= 0),
    budget_max_wan             numeric(14, 2) not null default 0,
    funding_mode               text not null default '',
    mode                       text not null default 'single' check (mode in ('single', 'horse_race')),
    award_slots                int not null default 1 check (award_slots between 1 and 10),
    opens_at                   timestamptz not null,
    closes_at                  timestamptz not null,
    required_qualifications    text[] not null default '{}',
    min_registered_capital_wan numeric(14, 2) not null default 0 check (min_registered_capital_wan >= 0),
    allowed_regions            text[] not null default '{}',
    status                     text not null default 'draft' check (status in (
        'draft', 'submitted', 'published', 'closed', 'reviewing', 'publicity', 'awarded', 'in_delivery', 'landed',
        'rejected', 'withdrawn', 'cancelled', 'terminated')),
    created_at                 timestamptz not null,
    updated_at                 timestamptz not null,
    published_at               timestamptz,
    constraint scenarios_code_unique unique (code),
    constraint scenarios_budget_range check (budget_max_wan >= budget_min_wan),
    constraint scenarios_window check (closes_at > opens_at),
    constraint scenarios_single_mode_one_slot check (mode = 'horse_race' or award_slots = 1),
    constraint scenarios_published_has_time check (status in ('draft', 'submitted', 'rejected') or published_at is not null)
);

create index scenarios_status_idx on scenarios.scenarios (status, closes_at);
