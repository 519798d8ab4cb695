-- The tenant registry. Platform-owned, not tenant-owned: these tables deliberately have no tenant_id column (the
-- catalog rule "every table with tenant_id is tenant data, under forced RLS, exported and erased with its tenant"
-- must not reach the registry that records the erasure). The runtime role reads only what resolution needs (id,
-- slug, status and the external ids); every write and every operator read goes through the security-definer
-- functions below, which the operator routes call.
create table kernel.tenants (
    id               uuid        primary key,
    slug             text        not null unique
                                 check (slug ~ '^[a-z0-9](-?[a-z0-9])*$' and length(slug) <= 63),
    name             text        not null check (length(name) between 1 and 200),
    status           text        not null default 'active'
                                 check (status in ('active', 'suspended', 'erasing', 'erased')),
    status_reason    text        check (length(status_reason) <= 500),
    created_at       timestamptz not null default clock_timestamp(),
    updated_at       timestamptz not null default clock_timestamp(),
    version          integer     not null default 1
);

-- An identity provider's organization id names at most one tenant.
create table kernel.tenant_external_ids (
    external_id text not null primary key check (length(external_id) between 1 and 200),
    tenant      uuid not null references kernel.tenants (id)
);
create index tenant_external_ids_by_tenant on kernel.tenant_external_ids (tenant);

grant select (id, slug, status) on kernel.tenants to ${runtime_role};
grant select on kernel.tenant_external_ids to ${runtime_role};

-- Every instance evicts its cached copy of a tenant when it changes (KernelListener, channel kernel_tenants);
-- delivered on commit.
create function kernel.notify_tenant_changed() returns trigger
    language plpgsql
as $$
begin
    perform pg_notify('kernel_tenants', coalesce(new.id, old.id)::text);
    return null;
end $$;

create function kernel.notify_tenant_external_id_changed() returns trigger
    language plpgsql
as $$
begin
    perform pg_notify('kernel_tenants', coalesce(new.tenant, old.tenant)::text);
    return null;
end $$;

create trigger tenants_changed after insert or update or delete on kernel.tenants
    for each row execute function kernel.notify_tenant_changed();
create trigger tenant_external_ids_changed after insert or update or delete on kernel.tenant_external_ids
    for each row execute function kernel.notify_tenant_external_id_changed();

-- The platform audit stream: every operator action, also those on a tenant that no longer has data (erasure). No
-- tenant_id column (it outlives the tenant's rows); append-only for everyone but the owner.
create table kernel.platform_audit (
    id             bigint      generated always as identity primary key,
    occurred_at    timestamptz not null default clock_timestamp(),
    actor_id       text        not null,
    action         text        not null,
    target_tenant  uuid,
    outcome        text        not null check (outcome in ('success', 'denied')),
    status         integer     not null,
    correlation_id text        not null,
    trace_id       text,
    details        jsonb
);
create index platform_audit_by_tenant on kernel.platform_audit (target_tenant, id desc);

-- A tenant as operators see it.
create function kernel.tenant_view(p_id uuid)
    returns table (id uuid, slug text, name text, status text, status_reason text, external_ids text[],
                   created_at timestamptz, updated_at timestamptz, version integer)
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select t.id, t.slug, t.name, t.status, t.status_reason,
           coalesce((select array_agg(e.external_id order by e.external_id) from kernel.tenant_external_ids e where e.tenant = t.id), '{}'),
           t.created_at, t.updated_at, t.version
      from kernel.tenants t where t.id = p_id
$$;

-- Keyset pages in creation order (created_at, id), optionally of one status.
create function kernel.tenant_list(p_status text, p_after_created timestamptz, p_after_id uuid, p_limit integer)
    returns table (id uuid, slug text, name text, status text, status_reason text, external_ids text[],
                   created_at timestamptz, updated_at timestamptz, version integer)
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select t.id, t.slug, t.name, t.status, t.status_reason,
           coalesce((select array_agg(e.external_id order by e.external_id) from kernel.tenant_external_ids e where e.tenant = t.id), '{}'),
           t.created_at, t.updated_at, t.version
      from kernel.tenants t
     where (p_status is null or t.status = p_status)
       and (p_after_id is null or (t.created_at, t.id) > (p_after_created, p_after_id))
     order by t.created_at, t.id
     limit p_limit
$$;

-- Duplicate slugs and external ids surface as 23505 (409 CONFLICT).
create function kernel.tenant_create(p_id uuid, p_slug text, p_name text, p_external_ids text[])
    returns void
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    insert into kernel.tenants (id, slug, name) values (p_id, p_slug, p_name);
    insert into kernel.tenant_external_ids (external_id, tenant)
    select distinct x, p_id from unnest(coalesce(p_external_ids, '{}')) as x;
end $$;

-- Moves a tenant from one of p_from to p_to. Returns the new version; null when the tenant does not exist; -1 when
-- it is in none of p_from; -2 when p_expected_version is given and is not the tenant's.
create function kernel.tenant_set_status(p_id uuid, p_from text[], p_to text, p_reason text, p_expected_version integer)
    returns integer
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_status text;
    v_version integer;
begin
    select t.status, t.version into v_status, v_version from kernel.tenants t where t.id = p_id for update;
    if not found then
        return null;
    end if;
    if p_expected_version is not null and p_expected_version <> v_version then
        return -2;
    end if;
    if not (v_status = any (p_from)) then
        return -1;
    end if;
    update kernel.tenants
       set status = p_to, status_reason = p_reason, updated_at = clock_timestamp(), version = version + 1
     where id = p_id
    returning version into v_version;
    return v_version;
end $$;

-- An operator action, filed in the platform stream and (p_tenant_log) in the target tenant's own audit log, whose
-- policy admits an entry only under that tenant's context: set for this insert alone, then put back.
create function kernel.record_operator_action(
    p_actor text, p_action text, p_tenant uuid, p_outcome text, p_status integer, p_correlation_id text,
    p_trace_id text, p_details jsonb, p_tenant_log boolean)
    returns void
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_previous text := current_setting('app.tenant_id', true);
begin
    insert into kernel.platform_audit (actor_id, action, target_tenant, outcome, status, correlation_id, trace_id, details)
    values (p_actor, p_action, p_tenant, p_outcome, p_status, p_correlation_id, p_trace_id, p_details);
    if p_tenant_log and p_tenant is not null and exists (select 1 from kernel.tenants where id = p_tenant) then
        perform set_config('app.tenant_id', p_tenant::text, true);
        insert into kernel.audit_log (tenant_id, occurred_at, actor_id, action, target_type, target_id, outcome, status, correlation_id, trace_id)
        values (p_tenant, clock_timestamp(), p_actor, p_action, 'tenant', p_tenant::text, p_outcome, p_status, p_correlation_id, p_trace_id);
        perform set_config('app.tenant_id', coalesce(v_previous, ''), true);
    end if;
end $$;

revoke all on function kernel.tenant_view(uuid), kernel.tenant_list(text, timestamptz, uuid, integer),
    kernel.tenant_create(uuid, text, text, text[]), kernel.tenant_set_status(uuid, text[], text, text, integer),
    kernel.record_operator_action(text, text, uuid, text, integer, text, text, jsonb, boolean) from public;
grant execute on function kernel.tenant_view(uuid), kernel.tenant_list(text, timestamptz, uuid, integer),
    kernel.tenant_create(uuid, text, text, text[]), kernel.tenant_set_status(uuid, text[], text, text, integer),
    kernel.record_operator_action(text, text, uuid, text, integer, text, text, jsonb, boolean) to ${runtime_role};

-- Erasure runs as the owner under the erased tenant's context; the audit log is append-only for the runtime role,
-- so its delete policy is the owner's alone.
do $$
begin
    execute format('create policy tenant_erase on kernel.audit_log for delete to %I using (tenant_id = kernel.current_tenant_id())', current_user);
end $$;

-- A suspended (or erasing, or erased) tenant's jobs wait: not claimed, not dead-lettered; they run after resume.
-- Tenants the registry does not know (Kernel:Tenancy:Registry = Open) are not held back.
create or replace function kernel.claim_jobs(p_worker text, p_limit integer, p_lease interval)
    returns setof kernel.jobs
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    return query
    with runnable as (
        select j.id from kernel.jobs j
         where j.state in ('queued', 'failed') and j.run_at <= clock_timestamp()
           and (j.tenant_id is null
                or not exists (select 1 from kernel.tenants t where t.id = j.tenant_id and t.status <> 'active'))
         order by j.priority desc, j.run_at, j.id
         limit p_limit
         for update of j skip locked
    )
    update kernel.jobs j
       set state = 'running', attempts = j.attempts + 1, locked_by = p_worker,
           locked_until = clock_timestamp() + p_lease, updated_at = clock_timestamp()
      from runnable
     where j.id = runnable.id
    returning j.*;
end $$;
