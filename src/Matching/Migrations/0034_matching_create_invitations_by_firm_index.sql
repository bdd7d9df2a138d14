-- A firm's workbench lists the invitations it received, newest first: without this every workbench request read the
-- whole invitations table (27,000 rows at national scale, 4 ms; it grows with every publication; issue 15).
create index invitations_enterprise_idx on matching.invitations (enterprise_id, invited_at desc);
