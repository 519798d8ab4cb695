-- The queue gauges (kernel.job.queue.depth, kernel.job.queue.oldest_ready_age): one aggregate per metrics collection,
-- across tenants, so a definer function. It returns counts and an age per job type, never a row or a tenant id.
-- Ready and scheduled jobs come from the jobs_runnable partial index, running ones from jobs_leased; finished jobs
-- (the bulk of the table) are never read.
create function kernel.job_queue_stats()
    returns table (type text, ready bigint, scheduled bigint, running bigint, oldest_ready_seconds double precision)
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select j.type,
           count(*) filter (where j.state in ('queued', 'failed') and j.run_at <= clock_timestamp()),
           count(*) filter (where j.state in ('queued', 'failed') and j.run_at > clock_timestamp()),
           count(*) filter (where j.state = 'running'),
           extract(epoch from clock_timestamp() - min(j.run_at) filter (where j.state in ('queued', 'failed') and j.run_at <= clock_timestamp()))::double precision
      from kernel.jobs j
     where j.state in ('queued', 'failed', 'running')
     group by j.type
$$;

revoke all on function kernel.job_queue_stats() from public;
grant execute on function kernel.job_queue_stats() to ${runtime_role};
