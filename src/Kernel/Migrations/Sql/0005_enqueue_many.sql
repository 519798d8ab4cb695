-- Bulk enqueue: one statement and one NOTIFY for many jobs of one type that share an envelope (tenant, actor,
-- trace, correlation, priority, due time, attempts) and differ by id and payload. No unique keys: a batch of
-- jobs sharing one key would be one job.
create function kernel.enqueue_jobs(
    p_ids uuid[], p_type text, p_tenant_id uuid, p_actor_id text, p_actor_roles text[], p_traceparent text,
    p_correlation_id text, p_payloads text[], p_priority integer, p_run_at timestamptz, p_max_attempts integer)
    returns integer
    language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    v_context uuid := kernel.current_tenant_id();
    v_count integer;
begin
    if p_tenant_id is not null and v_context is not null and p_tenant_id <> v_context then
        raise exception 'A job can only be enqueued for the current tenant.' using errcode = '42501';
    end if;

    if coalesce(array_length(p_ids, 1), 0) <> coalesce(array_length(p_payloads, 1), 0) then
        raise exception 'Every job needs one id and one payload.' using errcode = '22023';
    end if;

    insert into kernel.jobs (id, type, tenant_id, actor_id, actor_roles, traceparent, correlation_id, payload,
                             priority, run_at, max_attempts)
    select j.id, p_type, p_tenant_id, p_actor_id, coalesce(p_actor_roles, '{}'), p_traceparent, p_correlation_id,
           j.payload::jsonb, p_priority, coalesce(p_run_at, clock_timestamp()), p_max_attempts
      from unnest(p_ids, p_payloads) as j(id, payload);
    get diagnostics v_count = row_count;

    if v_count > 0 then
        perform pg_notify('kernel_jobs', '');
    end if;
    return v_count;
end $$;

revoke all on function kernel.enqueue_jobs(uuid[], text, uuid, text, text[], text, text, text[], integer, timestamptz, integer) from public;
grant execute on function kernel.enqueue_jobs(uuid[], text, uuid, text, text[], text, text, text[], integer, timestamptz, integer) to ${runtime_role};
