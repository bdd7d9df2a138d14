create schema if not exists notifications;

-- What each address has turned off. Essential mail (receipts, account emails, process notices) is always sent;
-- only the kinds listed in Unsubscribe.Kinds can be turned off.
create table notifications.preferences (
    email      text primary key,
    turned_off text[] not null default '{}',
    updated_at timestamptz not null
);

-- The key that signs unsubscribe links; made once, kept in the database so every web node shares it.
create table notifications.signing_keys (
    name       text primary key,
    key        bytea not null,
    created_at timestamptz not null
);

-- Invitations sent by the platform itself (at publication) record this id as the inviter.
comment on column matching.invitations.invited_by is 'user id of the officer, or 00000000-0000-0000-0000-000000000000 for automatic invitations at publication';
