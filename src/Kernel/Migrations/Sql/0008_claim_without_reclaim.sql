-- Claims no longer reclaim expired leases themselves. Under load a worker claims many times a second, and the
-- reclaim walked the lease index (and its dead entries) every time: a third of a claim's cost, for leases that
-- expire at most once per LeaseDuration. Workers now call kernel.reclaim_expired_jobs() in front of a claim, in
-- the same round trip, at most once per poll interval.
create function kernel.reclaim_expired_jobs()
    returns integer
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_count integer;
begin
    -- A crashed or stalled worker's jobs. The lost run counts as an attempt, so a job that kills its worker every
    -- time ends up dead instead of looping.
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
    get diagnostics v_count = row_count;
    return v_count;
end $$;

revoke all on function kernel.reclaim_expired_jobs() from public;
grant execute on function kernel.reclaim_expired_jobs() to ${runtime_role};

create or replace function kernel.claim_jobs(p_worker text, p_limit integer, p_lease interval)
    returns setof kernel.jobs
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
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
