-- Per-tenant role overrides. A row replaces the manifest's default grants of that role in that tenant
-- (an empty array takes every permission away); no row means the defaults apply.
create table kernel.role_grants (
    tenant_id   uuid        not null default kernel.current_tenant_id(),
    role        text        not null check (role ~ '^[a-z][a-z0-9_.-]{0,62}$'),
    permissions text[]      not null,
    updated_at  timestamptz not null,
    updated_by  text        not null,
    primary key (tenant_id, role)
);

alter table kernel.role_grants enable row level security;
alter table kernel.role_grants force row level security;
create policy tenant_isolation on kernel.role_grants
    using (tenant_id = kernel.current_tenant_id())
    with check (tenant_id = kernel.current_tenant_id());

grant select, insert, update, delete on kernel.role_grants to ${runtime_role};
