-- What other modules may read of accounts in set-based SQL: who a person is, how to reach them, and their firm.
-- Notifications joins it in its sweeps (follow alerts, deadline reminders, digests). Passwords, lockouts, roles and
-- tokens stay private to accounts.
create view accounts.users_view as
select id, email, display_name, enterprise_id
from accounts.users;
