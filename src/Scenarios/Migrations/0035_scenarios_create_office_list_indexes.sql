-- The officers' scenario list opens with drafts and proposals awaiting publication first, then the newest codes; its
-- other orders are by deadline. With 10,000 scenarios each page sorted the whole table (21 ms, 47 pages a second under
-- 64 connections; issue 15): these indexes hand a page over in order.
create index scenarios_office_order_idx on scenarios.scenarios (((status in ('draft', 'submitted'))) desc, code desc, id);
create index scenarios_deadline_idx on scenarios.scenarios (closes_at, id);
