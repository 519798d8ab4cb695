-- Progress of tenant erasures: rows deleted so far per tenant table, written in the same transaction as each batch
-- it counts, so a crash mid-erase loses nothing and the next DELETE /api/platform/tenants/{id} resumes from the
-- catalog. Platform-owned like the registry: no tenant_id column (it must outlive the rows it counts, and the
-- catalog rule "every table with tenant_id is tenant data" must not reach it). Only the owner reads and writes it.
create table kernel.tenant_erasures (
    tenant       uuid        not null references kernel.tenants (id),
    table_name   text        not null check (length(table_name) between 1 and 200),
    rows_deleted bigint      not null default 0 check (rows_deleted >= 0),
    started_at   timestamptz not null default clock_timestamp(),
    updated_at   timestamptz not null default clock_timestamp(),
    primary key (tenant, table_name)
);
