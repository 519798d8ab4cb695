-- The audit log: append-only for the runtime role (INSERT and SELECT only, no UPDATE, DELETE or TRUNCATE),
-- isolated per tenant like any tenant table. Entries of successful changes are written in the change's own
-- transaction; denied attempts in a transaction of their own.
create table kernel.audit_log (
    tenant_id      uuid        not null default kernel.current_tenant_id(),
    id             bigint      generated always as identity,
    occurred_at    timestamptz not null,
    actor_id       text        not null,
    action         text        not null,
    target_type    text,
    target_id      text,
    outcome        text        not null check (outcome in ('success', 'denied')),
    status         integer     not null,
    correlation_id text        not null,
    trace_id       text,
    primary key (tenant_id, id)
);

-- Keyset pagination walks id descending within a tenant, optionally filtered.
create index audit_log_by_actor on kernel.audit_log (tenant_id, actor_id, id desc);
create index audit_log_by_action on kernel.audit_log (tenant_id, action, id desc);
create index audit_log_by_target on kernel.audit_log (tenant_id, target_type, target_id, id desc);
create index audit_log_by_time on kernel.audit_log (tenant_id, occurred_at);

alter table kernel.audit_log enable row level security;
alter table kernel.audit_log force row level security;
create policy tenant_read on kernel.audit_log for select
    using (tenant_id = kernel.current_tenant_id());
create policy tenant_append on kernel.audit_log for insert
    with check (tenant_id = kernel.current_tenant_id());

grant select, insert on kernel.audit_log to ${runtime_role};
