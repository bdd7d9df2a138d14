-- A random value every session cookie carries: a new password or "sign out everywhere" replaces it, and every cookie
-- issued before stops working at its next request.
alter table accounts.users add column security_stamp uuid not null default gen_random_uuid();
