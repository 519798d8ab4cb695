-- A small tenant table for the tenant-scoped read benchmarks, shaped like every addon's: tenant_id first in the key,
-- row-level security enabled and forced, a policy on the current tenant.
create schema bench;
grant usage on schema bench to ${runtime_role};

create table bench.items (
    tenant_id uuid not null default kernel.current_tenant_id(),
    id        uuid not null,
    name      text not null,
    primary key (tenant_id, id)
);

alter table bench.items enable row level security;
alter table bench.items force row level security;
create policy tenant_isolation on bench.items
    using (tenant_id = kernel.current_tenant_id())
    with check (tenant_id = kernel.current_tenant_id());

grant select on bench.items to ${runtime_role};
