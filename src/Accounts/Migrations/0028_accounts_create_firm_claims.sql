-- A firm member's account is linked to a firm only once an officer has checked the claim: until then a sign-up for a
-- credit code is a pending claim that applies, is recommended or blocks nobody. Several pending claims for one code
-- may coexist; an officer approves one (or, when the code is held, transfers the firm to it) and rejects the others.
create table accounts.firm_claims (
    id          uuid primary key,
    user_id     uuid not null references accounts.users (id),
    credit_code char(18) not null check (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
    firm_name   text not null check (length(firm_name) between 2 and 200),
    industry    text not null,
    region      text not null,
    -- What the claimant offers as proof (licence number, the name of whoever the officer can call): the officer decides.
    evidence    text not null default '' check (length(evidence) <= 1000),
    -- The code was held by verified members when the claim was made: it reached the officers as a dispute.
    disputed    boolean not null,
    status      text not null check (status in ('pending', 'approved', 'rejected', 'expired')),
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    decided_by  uuid references accounts.users (id),
    decided_at  timestamptz,
    reason      text check (length(reason) <= 1000),
    -- An approval that took the firm away from its previous members.
    transferred boolean not null default false,
    constraint firm_claims_rejection_has_reason check (status <> 'rejected' or length(trim(reason)) > 0),
    constraint firm_claims_decided_has_time check ((status = 'pending') = (decided_at is null))
);

-- One open claim per person; any number per code.
create unique index firm_claims_one_pending_per_user on accounts.firm_claims (user_id) where status = 'pending';
create index firm_claims_pending_by_age on accounts.firm_claims (created_at) where status = 'pending';
create index firm_claims_credit_code on accounts.firm_claims (credit_code);

-- An enterprise account without a firm is a claimant (or a former member after a transfer): it may sign in and claim
-- a firm, nothing else. A firm role exactly when a firm is linked.
alter table accounts.users drop constraint users_enterprise_member_has_firm;
alter table accounts.users drop constraint users_firm_role_for_members;
alter table accounts.users add constraint users_firm_link check (
    (enterprise_id is null) = (firm_role is null) and (enterprise_id is null or role = 'enterprise'));
