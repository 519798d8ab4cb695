-- Service requests, one row per request, owned by a tenant and isolated by row-level security.
create schema requests;
grant usage on schema requests to ${runtime_role};

create table requests.requests (
    tenant_id    uuid        not null default kernel.current_tenant_id(),
    id           uuid        not null,
    title        text        not null check (char_length(title) between 1 and 200),
    body         text        not null default '' check (char_length(body) <= 10000),
    status       text        not null default 'open' check (status in ('open', 'in_progress', 'resolved', 'cancelled')),
    priority     text        not null default 'normal' check (priority in ('low', 'normal', 'high')),
    requested_by text        not null,
    assignee     text,
    due_at       timestamptz,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    version      integer     not null default 1,
    primary key (tenant_id, id)
);

-- Keyset pagination walks (created_at desc, id desc) within a tenant, optionally filtered.
create index requests_by_created on requests.requests (tenant_id, created_at desc, id desc);
create index requests_by_status on requests.requests (tenant_id, status, created_at desc, id desc);
create index requests_by_assignee on requests.requests (tenant_id, assignee, created_at desc, id desc) where assignee is not null;

alter table requests.requests enable row level security;
alter table requests.requests force row level security;
create policy tenant_isolation on requests.requests
    using (tenant_id = kernel.current_tenant_id())
    with check (tenant_id = kernel.current_tenant_id());

grant select, insert, update on requests.requests to ${runtime_role};
