-- Reminders recorded by the requests.reminder job. The id is the job's id, so a job delivered twice records one
-- reminder (the handler inserts with on conflict do nothing).
create table requests.reminders (
    tenant_id   uuid        not null default kernel.current_tenant_id(),
    id          uuid        not null,
    request_id  uuid        not null,
    reminded_by text        not null,
    created_at  timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, request_id) references requests.requests (tenant_id, id)
);

create index reminders_by_request on requests.reminders (tenant_id, request_id, created_at desc);

alter table requests.reminders enable row level security;
alter table requests.reminders force row level security;
create policy tenant_isolation on requests.reminders
    using (tenant_id = kernel.current_tenant_id())
    with check (tenant_id = kernel.current_tenant_id());

grant select, insert on requests.reminders to ${runtime_role};

-- The daily sweep's one cross-tenant read: ids of overdue requests that are still open or in progress, in every
-- tenant. SECURITY DEFINER as the owner (whose policy below is for this function alone), and it answers only
-- system work: called with a tenant in context it returns nothing.
do $$ begin
    execute format('create policy overdue_sweep on requests.requests for select to %I using (true)', current_user);
end $$;

create function requests.overdue_requests(p_now timestamptz, p_limit integer)
    returns table (tenant_id uuid, id uuid)
    language sql stable security definer set search_path = pg_catalog, pg_temp
as $$
    select r.tenant_id, r.id
      from requests.requests r
     where kernel.current_tenant_id() is null
       and r.status in ('open', 'in_progress') and r.due_at < p_now
     order by r.due_at, r.tenant_id, r.id
     limit p_limit;
$$;

revoke all on function requests.overdue_requests(timestamptz, integer) from public;
grant execute on function requests.overdue_requests(timestamptz, integer) to ${runtime_role};

-- The sweep walks overdue, unfinished requests by due date.
create index requests_overdue on requests.requests (due_at) where status in ('open', 'in_progress') and due_at is not null;
