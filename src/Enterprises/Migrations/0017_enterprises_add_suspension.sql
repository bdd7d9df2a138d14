-- An officer may suspend a firm (e.g. 失信 or a breach in an earlier project) until a date; a suspended firm cannot apply
-- and its open applications are ineligible at close.
alter table enterprises.enterprises
    add column suspended_until  date,
    add column suspended_reason text,
    add constraint enterprises_suspension_has_reason check (suspended_until is null or length(suspended_reason) >= 2);
