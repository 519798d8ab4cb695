create schema widgets;
grant usage on schema widgets to ${runtime_role};
create table widgets.widgets (
    tenant_id uuid not null default kernel.current_tenant_id(),
    id        uuid not null,
    name      text not null,
    primary key (tenant_id, id)
);
alter table widgets.widgets enable row level security;
alter table widgets.widgets force row level security;
create policy tenant_isolation on widgets.widgets
    using (tenant_id = kernel.current_tenant_id())
    with check (tenant_id = kernel.current_tenant_id());
grant select, insert on widgets.widgets to ${runtime_role};
