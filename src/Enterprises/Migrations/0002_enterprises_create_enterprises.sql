create schema if not exists enterprises;

create table enterprises.enterprises (
    id                     uuid primary key,
    name                   text not null check (length(name) between 2 and 200),
    credit_code            char(18) not null,
    industry               text not null,
    region                 text not null,
    qualifications         text[] not null default '{}',
    registered_capital_wan numeric(14, 2) not null check (registered_capital_wan >= 0),
    employees              int not null check (employees >= 0),
    technologies           text[] not null default '{}',
    description            text not null default '',
    cases                  jsonb not null default '[]',
    contact_email          text,
    created_at             timestamptz not null,
    updated_at             timestamptz not null,
    -- The credit code is the natural key: imports update by it and never duplicate.
    constraint enterprises_credit_code_unique unique (credit_code),
    constraint enterprises_credit_code_format check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$')
);
