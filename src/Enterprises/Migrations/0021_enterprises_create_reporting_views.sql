-- What the enterprises module publishes for reporting and open data: a firm's public identity (name, unified social
-- credit code, registered region). Other modules read this view, never the table.
create view enterprises.names_view as
select id, name, credit_code, region
from enterprises.enterprises;
