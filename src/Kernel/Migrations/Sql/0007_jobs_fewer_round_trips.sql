-- A job's completion rides in the batch that also commits the job's unit of work (audit entry, completion, COMMIT:
-- one round trip). Nobody reads its result before the COMMIT behind it, so a lost lease raises instead of returning
-- false: the error skips the COMMIT and the handler's effects roll back.
create function kernel.finish_job(p_id uuid, p_worker text)
    returns void
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    update kernel.jobs
       set state = 'succeeded', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
           locked_by = null, locked_until = null
     where id = p_id and locked_by = p_worker and state = 'running';
    if not found then
        raise exception 'Worker % no longer holds the lease of job %.', p_worker, p_id using errcode = 'KR001';
    end if;
end $$;

revoke all on function kernel.finish_job(uuid, text) from public;
grant execute on function kernel.finish_job(uuid, text) to ${runtime_role};
drop function kernel.complete_job(uuid, text);

-- The worker's heartbeat (system.ping). Pings of one worker that overlap (a backlog of them) must not queue on the
-- heartbeat row's lock: when another transaction is writing this worker's beat right now, that beat is enough.
create function kernel.beat(p_worker text)
    returns void
    language plpgsql
as $$
begin
    perform 1 from kernel.worker_heartbeats where worker_id = p_worker for update skip locked;
    if found then
        update kernel.worker_heartbeats set beat_at = clock_timestamp() where worker_id = p_worker;
    elsif not exists (select 1 from kernel.worker_heartbeats where worker_id = p_worker) then
        insert into kernel.worker_heartbeats (worker_id, beat_at) values (p_worker, clock_timestamp())
        on conflict (worker_id) do nothing;
    end if;
end $$;

grant execute on function kernel.beat(text) to ${runtime_role};
