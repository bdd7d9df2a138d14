create schema if not exists accounts;

create table accounts.users (
    id            uuid primary key,
    email         text not null,
    display_name  text not null,
    password_hash text not null,
    role          text not null check (role in ('enterprise', 'officer', 'reviewer', 'admin')),
    enterprise_id uuid references enterprises.enterprises (id),
    department    text,
    created_at    timestamptz not null,
    constraint users_enterprise_member_has_firm check (role <> 'enterprise' or enterprise_id is not null)
);

-- Emails are compared case-insensitively; the index makes that the uniqueness rule too.
create unique index users_email_unique on accounts.users (lower(email));
