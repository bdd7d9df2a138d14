-- Objections (异议) must come from someone who can be reached (issue #13): a signed-in account, or an email address
-- confirmed through a single-use link. Only a confirmed objection counts: it notifies officers and holds the award.
-- filer_email is where mail goes (trimmed, lower case); filer_key is the identity (filer_email without a +tag), so
-- one person has one open objection per scenario however the address is spelled.
alter table scenarios.objections
    alter column filer_contact drop not null,
    drop constraint objections_filer_contact_check,
    add column filer_email        text check (filer_email is null or length(filer_email) between 3 and 254),
    add column filer_key          text check (filer_key is null or length(filer_key) between 3 and 254),
    add column filer_user_id      uuid,
    add column content_hash       text,
    add column confirmed_at       timestamptz,
    add column confirm_token_hash text,
    add column confirm_expires_at timestamptz;

-- Objections filed before confirmation existed were counted at once: they stay counted.
update scenarios.objections set confirmed_at = filed_at;

alter table scenarios.objections
    add constraint objections_filer_reachable check (filer_contact is not null or (filer_email is not null and filer_key is not null)),
    add constraint objections_unconfirmed_has_token check (confirmed_at is not null or (confirm_token_hash is not null and confirm_expires_at is not null)),
    add constraint objections_answered_only_confirmed check (answered_at is null or confirmed_at is not null);

-- Only the SHA-256 of a confirmation token is kept; it is cleared when used.
create unique index objections_confirm_token on scenarios.objections (confirm_token_hash) where confirm_token_hash is not null;
-- One open (unanswered) objection per scenario and filer; expired unconfirmed ones are deleted before a new one is filed.
create unique index objections_one_open_per_filer on scenarios.objections (scenario_id, filer_key) where answered_at is null;
-- The same text twice on one scenario is one objection, whoever sends it.
create unique index objections_distinct_content on scenarios.objections (scenario_id, content_hash);
-- The scheduler deletes unconfirmed objections whose link expired.
create index objections_unconfirmed_expiry on scenarios.objections (confirm_expires_at) where confirmed_at is null;
