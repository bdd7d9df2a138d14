-- The officers' directory lists firms by name, 200 to a page: with 100,000 firms, sorting them all for every page took
-- most of a second (issue 15). The index hands them over in order.
create index enterprises_name_idx on enterprises.enterprises (name);
