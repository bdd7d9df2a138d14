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
