-- The reminders addon is optional: the daily sweep reminds only the tenants that have it on (their plan lists it, or
-- an operator switched it on), since enqueueing a reminder for any other tenant fails with ADDON_NOT_ENABLED. The
-- filter is inside the function, so the batch limit counts only requests the sweep can remind. The table itself and
-- the function's first version are the requests addon's (requests/0002_reminders.sql): they were there before
-- reminders were an addon of their own, and migrations already applied stay where they were journaled.
create or replace function requests.overdue_requests(p_now timestamptz, p_limit integer)
    returns table (tenant_id uuid, id uuid)
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select r.tenant_id, r.id
      from requests.requests r
     where kernel.current_tenant_id() is null
       and r.status in ('open', 'in_progress') and r.due_at < p_now
       and kernel.addon_enabled(r.tenant_id, 'requests-reminders')
     order by r.due_at, r.tenant_id, r.id
     limit p_limit;
$$;

-- The remind route counts the reminders a tenant's members asked for since midnight (UTC) against its plan's daily limit.
create index reminders_by_time on requests.reminders (tenant_id, created_at);
