-- The durable job queue. Tenant rows are readable by their tenant only; system rows (tenant_id null) by nobody
-- through plain SQL. Every write (enqueue, claim, complete, fail, release, retry) goes through the SECURITY
-- DEFINER functions below, which run as the owner with a fixed search_path, because a worker must claim across
-- tenants while the runtime role must never read another tenant's rows.
create table kernel.jobs (
    id             uuid        primary key,
    type           text        not null,
    tenant_id      uuid,
    actor_id       text,
    actor_roles    text[]      not null default '{}',
    traceparent    text,
    correlation_id text        not null,
    payload        jsonb       not null,
    priority       integer     not null default 0,
    run_at         timestamptz not null,
    state          text        not null default 'queued'
                               check (state in ('queued', 'running', 'succeeded', 'failed', 'dead')),
    attempts       integer     not null default 0,
    max_attempts   integer     not null check (max_attempts >= 1),
    last_error     text,
    locked_by      text,
    locked_until   timestamptz,
    unique_key     text,
    created_at     timestamptz not null default clock_timestamp(),
    updated_at     timestamptz not null default clock_timestamp(),
    finished_at    timestamptz
);

-- The claim walks runnable jobs by priority then due time; reclaiming walks running jobs by lease expiry.
create index jobs_runnable on kernel.jobs (priority desc, run_at, id) where state in ('queued', 'failed');
create index jobs_leased on kernel.jobs (locked_until) where state = 'running';
create index jobs_by_tenant on kernel.jobs (tenant_id, state, updated_at desc);
-- One job per type and unique key per tenant (system jobs share the all-zero tenant), for the job's whole life
-- in the table.
create unique index jobs_unique_key on kernel.jobs ((coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid)), type, unique_key)
    where unique_key is not null;

alter table kernel.jobs enable row level security;
alter table kernel.jobs force row level security;
create policy tenant_read on kernel.jobs for select
    using (tenant_id = kernel.current_tenant_id());
-- The definer functions below run as the owner, which FORCE subjects to RLS too: this policy is theirs alone.
do $$ begin
    execute format('create policy queue_functions on kernel.jobs to %I using (true) with check (true)', current_user);
end $$;
grant select on kernel.jobs to ${runtime_role};

-- Written by system.ping; read by readiness. No tenant data, so no RLS.
create table kernel.worker_heartbeats (
    worker_id text        primary key,
    beat_at   timestamptz not null
);
grant select, insert, update on kernel.worker_heartbeats to ${runtime_role};

create function kernel.enqueue_job(
    p_id uuid, p_type text, p_tenant_id uuid, p_actor_id text, p_actor_roles text[], p_traceparent text,
    p_correlation_id text, p_payload jsonb, p_priority integer, p_run_at timestamptz, p_max_attempts integer,
    p_unique_key text, p_replace boolean)
    returns uuid
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_context uuid := kernel.current_tenant_id();
    v_scope uuid := coalesce(p_tenant_id, '00000000-0000-0000-0000-000000000000'::uuid);
    v_id uuid;
begin
    -- Inside a tenant's unit of work, only that tenant's (or system) jobs can be written.
    if p_tenant_id is not null and v_context is not null and p_tenant_id <> v_context then
        raise exception 'A job can only be enqueued for the current tenant.' using errcode = '42501';
    end if;

    insert into kernel.jobs (id, type, tenant_id, actor_id, actor_roles, traceparent, correlation_id, payload,
                             priority, run_at, max_attempts, unique_key)
    values (p_id, p_type, p_tenant_id, p_actor_id, coalesce(p_actor_roles, '{}'), p_traceparent, p_correlation_id,
            p_payload, p_priority, coalesce(p_run_at, clock_timestamp()), p_max_attempts, p_unique_key)
    on conflict ((coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid)), type, unique_key)
        where unique_key is not null do nothing
    returning id into v_id;

    if v_id is null then
        if p_replace then
            -- Not yet started: never claimed, so no handler has seen the old payload.
            update kernel.jobs
               set payload = p_payload, priority = p_priority, run_at = coalesce(p_run_at, clock_timestamp()),
                   max_attempts = p_max_attempts, actor_id = p_actor_id, actor_roles = coalesce(p_actor_roles, '{}'),
                   traceparent = p_traceparent, correlation_id = p_correlation_id, updated_at = clock_timestamp()
             where coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid) = v_scope
               and type = p_type and unique_key = p_unique_key and state = 'queued' and attempts = 0
            returning id into v_id;
        end if;

        if v_id is null then
            select id into v_id from kernel.jobs
             where coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid) = v_scope
               and type = p_type and unique_key = p_unique_key;
            return v_id;
        end if;
    end if;

    -- Delivered on commit, so workers never wake for a job that does not exist yet.
    perform pg_notify('kernel_jobs', '');
    return v_id;
end $$;

create function kernel.claim_jobs(p_worker text, p_limit integer, p_lease interval)
    returns setof kernel.jobs
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    -- Reclaim expired leases (a crashed or stalled worker). The lost run counts as an attempt, so a job that
    -- kills its worker every time ends up dead instead of looping.
    with expired as (
        select id from kernel.jobs
         where state = 'running' and locked_until < clock_timestamp()
         for update skip locked
    )
    update kernel.jobs j
       set state = case when j.attempts >= j.max_attempts then 'dead' else 'failed' end,
           last_error = 'The lease of worker ' || coalesce(j.locked_by, '?') || ' expired (crashed or stalled).',
           finished_at = case when j.attempts >= j.max_attempts then clock_timestamp() end,
           run_at = clock_timestamp(), locked_by = null, locked_until = null, updated_at = clock_timestamp()
      from expired
     where j.id = expired.id;

    return query
    with runnable as (
        select id from kernel.jobs
         where state in ('queued', 'failed') and run_at <= clock_timestamp()
         order by priority desc, run_at, id
         limit p_limit
         for update skip locked
    )
    update kernel.jobs j
       set state = 'running', attempts = j.attempts + 1, locked_by = p_worker,
           locked_until = clock_timestamp() + p_lease, updated_at = clock_timestamp()
      from runnable
     where j.id = runnable.id
    returning j.*;
end $$;

-- Called inside the job's own unit of work, so success is recorded atomically with the handler's effects. False
-- when the lease was lost (another worker reclaimed the job): the caller must then roll back.
create function kernel.complete_job(p_id uuid, p_worker text)
    returns boolean
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    update kernel.jobs
       set state = 'succeeded', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
           locked_by = null, locked_until = null
     where id = p_id and locked_by = p_worker and state = 'running';
    return found;
end $$;

create function kernel.fail_job(p_id uuid, p_worker text, p_error text, p_retry_in interval, p_dead boolean)
    returns text
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
begin
    update kernel.jobs
       set state = case when p_dead or attempts >= max_attempts then 'dead' else 'failed' end,
           run_at = case when p_dead or attempts >= max_attempts then run_at else clock_timestamp() + p_retry_in end,
           finished_at = case when p_dead or attempts >= max_attempts then clock_timestamp() end,
           last_error = left(p_error, 8000), locked_by = null, locked_until = null, updated_at = clock_timestamp()
     where id = p_id and locked_by = p_worker and state = 'running'
    returning state into v_state;
    return v_state;
end $$;

-- Shutdown: give the job back without burning the attempt it was claimed with.
create function kernel.release_jobs(p_worker text, p_ids uuid[])
    returns integer
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_count integer;
begin
    update kernel.jobs
       set state = case when last_error is null then 'queued' else 'failed' end,
           attempts = greatest(attempts - 1, 0), run_at = clock_timestamp(),
           locked_by = null, locked_until = null, updated_at = clock_timestamp()
     where id = any(p_ids) and locked_by = p_worker and state = 'running';
    get diagnostics v_count = row_count;
    if v_count > 0 then
        perform pg_notify('kernel_jobs', '');
    end if;
    return v_count;
end $$;

create function kernel.extend_leases(p_worker text, p_ids uuid[], p_lease interval)
    returns setof uuid
    language sql security definer set search_path = pg_catalog, pg_temp
as $$
    update kernel.jobs
       set locked_until = clock_timestamp() + p_lease
     where id = any(p_ids) and locked_by = p_worker and state = 'running'
    returning id;
$$;

-- The tenant's own dead job back to the queue with a fresh set of attempts; false when there is no such job.
create function kernel.retry_job(p_id uuid)
    returns boolean
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    update kernel.jobs
       set state = 'queued', attempts = 0, run_at = clock_timestamp(), finished_at = null, updated_at = clock_timestamp()
     where id = p_id and tenant_id = kernel.current_tenant_id() and state = 'dead';
    if found then
        perform pg_notify('kernel_jobs', '');
    end if;
    return found;
end $$;

revoke all on function kernel.enqueue_job(uuid, text, uuid, text, text[], text, text, jsonb, integer, timestamptz, integer, text, boolean),
                       kernel.claim_jobs(text, integer, interval), kernel.complete_job(uuid, text),
                       kernel.fail_job(uuid, text, text, interval, boolean), kernel.release_jobs(text, uuid[]),
                       kernel.extend_leases(text, uuid[], interval), kernel.retry_job(uuid)
    from public;
grant execute on function kernel.enqueue_job(uuid, text, uuid, text, text[], text, text, jsonb, integer, timestamptz, integer, text, boolean),
                          kernel.claim_jobs(text, integer, interval), kernel.complete_job(uuid, text),
                          kernel.fail_job(uuid, text, text, interval, boolean), kernel.release_jobs(text, uuid[]),
                          kernel.extend_leases(text, uuid[], interval), kernel.retry_job(uuid)
    to ${runtime_role};
