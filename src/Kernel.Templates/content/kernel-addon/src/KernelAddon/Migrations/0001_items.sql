-- Items, owned by a tenant and isolated by row-level security (forced, so not even the table owner bypasses it).
create schema kerneladdon;
grant usage on schema kerneladdon to ${runtime_role};

create table kerneladdon.items (
    tenant_id  uuid        not null default kernel.current_tenant_id(),
    id         uuid        not null,
    title      text        not null check (char_length(title) between 1 and 200),
    created_by text        not null,
    created_at timestamptz not null,
    stamped_at timestamptz,
    -- Leading with tenant_id: every lookup is within a tenant, and the key is ready for sharding by tenant.
    primary key (tenant_id, id)
);

alter table kerneladdon.items enable row level security;
alter table kerneladdon.items force row level security;
create policy tenant_isolation on kerneladdon.items
    using (tenant_id = kernel.current_tenant_id())
    with check (tenant_id = kernel.current_tenant_id());

grant select, insert, update on kerneladdon.items to ${runtime_role};
