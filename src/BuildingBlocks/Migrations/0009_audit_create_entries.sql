create schema if not exists audit;

-- Append-only, hash-chained record of every change: each entry's hash covers its fields and the previous hash,
-- so editing or removing an entry breaks the chain at that point (verify-audit reports where).
create table audit.entries (
    seq         bigint primary key,
    id          uuid not null,
    recorded_at timestamptz not null,
    actor_id    uuid,
    action      text not null,
    entity_type text not null,
    entity_id   text not null,
    before      jsonb,
    after       jsonb,
    prev_hash   text not null,
    hash        text not null
);

create index entries_entity_idx on audit.entries (entity_type, entity_id);

create function audit.refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit.entries is append-only';
end
$$;

create trigger entries_append_only before update or delete on audit.entries
    for each row execute function audit.refuse_change();
create trigger entries_no_truncate before truncate on audit.entries
    for each statement execute function audit.refuse_change();
