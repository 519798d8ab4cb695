-- Per-tenant addons, settings and plans.
--
-- A tenant has one plan (null: none), whose addons are on for it; an operator may switch an optional addon on or off
-- for one tenant whatever its plan says (kernel.tenant_addons, the overrides). The plans themselves are declared in the
-- app's configuration; each instance writes their addon lists (and which job types belong to optional addons) to the
-- catalog tables below at start-up, so the job claim can tell, in SQL, which jobs must wait.
alter table kernel.tenants add column plan text check (plan ~ '^[a-z0-9](-?[a-z0-9])*$' and length(plan) <= 63);
grant select (plan) on kernel.tenants to ${runtime_role};

create table kernel.tenant_addons (
    tenant     uuid        not null references kernel.tenants (id),
    addon      text        not null check (length(addon) between 1 and 100),
    enabled    boolean     not null,
    updated_at timestamptz not null default clock_timestamp(),
    primary key (tenant, addon)
);
grant select on kernel.tenant_addons to ${runtime_role};

-- A switch evicts the tenant's cached entry on every instance, as any registry change does.
create trigger tenant_addons_changed after insert or update or delete on kernel.tenant_addons
    for each row execute function kernel.notify_tenant_external_id_changed();

create table kernel.plan_addons (
    plan  text not null,
    addon text not null,
    primary key (plan, addon)
);

create table kernel.optional_job_types (
    type  text not null primary key,
    addon text not null
);
grant select on kernel.plan_addons, kernel.optional_job_types to ${runtime_role};

-- Replaces the catalog with this instance's configuration (all instances of an app share it).
create function kernel.sync_addon_catalog(p_plans text[], p_plan_addons text[], p_job_types text[], p_job_addons text[])
    returns void
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    -- One writer at a time, so instances starting together do not interleave their deletes and inserts.
    perform pg_advisory_xact_lock(hashtext('kernel.sync_addon_catalog'));
    delete from kernel.plan_addons;
    insert into kernel.plan_addons (plan, addon)
    select distinct p, a from unnest(p_plans, p_plan_addons) as x (p, a);
    delete from kernel.optional_job_types;
    insert into kernel.optional_job_types (type, addon)
    select t, a from unnest(p_job_types, p_job_addons) as x (t, a);
end $$;

-- Whether the optional addon p_addon is on for the tenant: the operator's override, else the tenant's plan.
create function kernel.addon_enabled(p_tenant uuid, p_addon text) returns boolean
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select coalesce(
        (select o.enabled from kernel.tenant_addons o where o.tenant = p_tenant and o.addon = p_addon),
        exists (select 1 from kernel.tenants t join kernel.plan_addons p on p.plan = t.plan and p.addon = p_addon
                 where t.id = p_tenant))
$$;

-- Switches an optional addon on or off for a tenant; the tenant's new version, or null when there is no such tenant.
create function kernel.tenant_set_addon(p_tenant uuid, p_addon text, p_enabled boolean) returns integer
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_version integer;
begin
    update kernel.tenants set updated_at = clock_timestamp(), version = version + 1
     where id = p_tenant
    returning version into v_version;
    if not found then
        return null;
    end if;
    insert into kernel.tenant_addons (tenant, addon, enabled) values (p_tenant, p_addon, p_enabled)
    on conflict (tenant, addon) do update set enabled = excluded.enabled, updated_at = clock_timestamp();
    return v_version;
end $$;

-- Puts a tenant on a plan (null: none); the tenant's new version, or null when there is no such tenant.
create function kernel.tenant_set_plan(p_tenant uuid, p_plan text) returns integer
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_version integer;
begin
    update kernel.tenants set plan = p_plan, updated_at = clock_timestamp(), version = version + 1
     where id = p_tenant
    returning version into v_version;
    return v_version;
end $$;

-- Registration now takes the plan (the four-argument call registers a tenant on none).
drop function kernel.tenant_create(uuid, text, text, text[]);
create function kernel.tenant_create(p_id uuid, p_slug text, p_name text, p_external_ids text[], p_plan text default null)
    returns void
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    insert into kernel.tenants (id, slug, name, plan) values (p_id, p_slug, p_name, p_plan);
    insert into kernel.tenant_external_ids (external_id, tenant)
    select distinct x, p_id from unnest(coalesce(p_external_ids, '{}')) as x;
end $$;

-- The operator's view gains the plan and the overrides (the effective addon list is computed by the app, which knows
-- which addons are optional).
drop function kernel.tenant_view(uuid);
drop function kernel.tenant_list(text, timestamptz, uuid, integer);

create function kernel.tenant_view(p_id uuid)
    returns table (id uuid, slug text, name text, status text, status_reason text, external_ids text[],
                   created_at timestamptz, updated_at timestamptz, version integer,
                   plan text, addons_on text[], addons_off text[])
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select t.id, t.slug, t.name, t.status, t.status_reason,
           coalesce((select array_agg(e.external_id order by e.external_id) from kernel.tenant_external_ids e where e.tenant = t.id), '{}'),
           t.created_at, t.updated_at, t.version, t.plan,
           coalesce((select array_agg(a.addon order by a.addon) from kernel.tenant_addons a where a.tenant = t.id and a.enabled), '{}'),
           coalesce((select array_agg(a.addon order by a.addon) from kernel.tenant_addons a where a.tenant = t.id and not a.enabled), '{}')
      from kernel.tenants t where t.id = p_id
$$;

-- Keyset pages in creation order (created_at, id), optionally of one status, each row as tenant_view shows it.
create function kernel.tenant_list(p_status text, p_after_created timestamptz, p_after_id uuid, p_limit integer)
    returns table (id uuid, slug text, name text, status text, status_reason text, external_ids text[],
                   created_at timestamptz, updated_at timestamptz, version integer,
                   plan text, addons_on text[], addons_off text[])
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select v.*
      from kernel.tenants t cross join lateral kernel.tenant_view(t.id) v
     where (p_status is null or t.status = p_status)
       and (p_after_id is null or (t.created_at, t.id) > (p_after_created, p_after_id))
     order by t.created_at, t.id
     limit p_limit
$$;

revoke all on function kernel.sync_addon_catalog(text[], text[], text[], text[]), kernel.addon_enabled(uuid, text),
    kernel.tenant_set_addon(uuid, text, boolean), kernel.tenant_set_plan(uuid, text),
    kernel.tenant_create(uuid, text, text, text[], text), kernel.tenant_view(uuid),
    kernel.tenant_list(text, timestamptz, uuid, integer) from public;
grant execute on function kernel.sync_addon_catalog(text[], text[], text[], text[]), kernel.addon_enabled(uuid, text),
    kernel.tenant_set_addon(uuid, text, boolean), kernel.tenant_set_plan(uuid, text),
    kernel.tenant_create(uuid, text, text, text[], text), kernel.tenant_view(uuid),
    kernel.tenant_list(text, timestamptz, uuid, integer) to ${runtime_role};

-- A tenant's own settings values per addon (the members it overrides, as JSON): tenant data, under RLS, exported and
-- erased with the tenant.
create table kernel.tenant_settings (
    tenant_id  uuid        not null default kernel.current_tenant_id(),
    addon      text        not null check (length(addon) between 1 and 100),
    settings   jsonb       not null check (jsonb_typeof(settings) = 'object'),
    version    integer     not null default 1,
    updated_at timestamptz not null default clock_timestamp(),
    updated_by text        not null,
    primary key (tenant_id, addon)
);
alter table kernel.tenant_settings enable row level security;
alter table kernel.tenant_settings force row level security;
create policy tenant_isolation on kernel.tenant_settings
    using (tenant_id = kernel.current_tenant_id())
    with check (tenant_id = kernel.current_tenant_id());
grant select, insert, update on kernel.tenant_settings to ${runtime_role};

-- Every instance evicts its cached settings of the tenant (channel kernel_settings); delivered on commit.
create function kernel.notify_settings_changed() returns trigger
    language plpgsql
as $$
begin
    perform pg_notify('kernel_settings', coalesce(new.tenant_id, old.tenant_id)::text);
    return null;
end $$;
create trigger tenant_settings_changed after insert or update or delete on kernel.tenant_settings
    for each row execute function kernel.notify_settings_changed();

-- The tenant's audit log keeps what changed (a settings change's before and after).
alter table kernel.audit_log add column details jsonb;

-- Jobs of an optional addon that is off for their tenant wait, like a suspended tenant's: not claimed, not
-- dead-lettered; they run once it is on again.
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
                or (not exists (select 1 from kernel.tenants t where t.id = j.tenant_id and t.status <> 'active')
                    and not exists (select 1 from kernel.optional_job_types o
                                     where o.type = j.type and not kernel.addon_enabled(j.tenant_id, o.addon))))
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
