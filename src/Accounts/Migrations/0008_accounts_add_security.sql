alter table accounts.users
    add column email_verified_at timestamptz,
    add column failed_logins     int not null default 0 check (failed_logins >= 0),
    add column locked_until      timestamptz,
    add column firm_role         text check (firm_role in ('owner', 'member'));

-- Existing accounts (demo and seeded) were created by operators: their emails count as verified.
update accounts.users set email_verified_at = created_at;
update accounts.users set firm_role = 'owner' where role = 'enterprise';

alter table accounts.users add constraint users_firm_role_for_members check ((role = 'enterprise') = (firm_role is not null));

-- One-time tokens for email verification and password reset; only a hash is stored.
create table accounts.tokens (
    token_hash text primary key,
    user_id    uuid not null references accounts.users (id),
    purpose    text not null check (purpose in ('verify_email', 'reset_password')),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz
);

-- Invitations: admins invite officers and reviewers, firm owners invite members. Accepting creates the account.
create table accounts.invitations (
    token_hash    text primary key,
    email         text not null,
    role          text not null check (role in ('enterprise', 'officer', 'reviewer', 'admin')),
    enterprise_id uuid references enterprises.enterprises (id),
    department    text,
    invited_by    uuid not null references accounts.users (id),
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    accepted_at   timestamptz,
    constraint invitations_member_has_firm check ((role = 'enterprise') = (enterprise_id is not null))
);
