-- Awards are looked up by scenario (ledger, dashboard, open data, OCDS, the scenario page) and by firm (the workbench,
-- past-winner rules, the index build). Without these each lookup read the whole table: at 10,000 scenarios the ledger
-- ran one such scan per scenario and per column (45 s; issue 15).
create index awards_scenario_idx on scenarios.awards (scenario_id);
create index awards_enterprise_idx on scenarios.awards (enterprise_id);

-- A scenario's applications by status: the sealed applicant count of scenarios.ledger_view (dashboard funnel, ledger)
-- becomes an index-only count instead of reading every application row of every scenario (3.3 s → 0.6 s).
create index applications_scenario_status_idx on scenarios.applications (scenario_id, status);
