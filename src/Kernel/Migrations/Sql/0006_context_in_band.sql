-- The context in band: the kernel sends `call kernel.set_context(...)` in the same round trip as the first statement of
-- a unit of work (or of every statement of a read-only one), so establishing the context costs no round trip of its
-- own. A procedure, not a select, so it yields no result set in front of the statement it travels with.
-- Transaction-scoped (is_local) as before: nothing outlives the transaction, on a pooled connection or behind a
-- transaction-mode PgBouncer. p_read_only makes the rest of the transaction refuse writes.
create procedure kernel.set_context(p_tenant text, p_actor text, p_read_only boolean)
    language sql
as $$
    select set_config('app.tenant_id', p_tenant, true),
           set_config('app.actor_id', p_actor, true),
           case when p_read_only then set_config('transaction_read_only', 'on', true) end;
$$;

grant execute on procedure kernel.set_context(text, text, boolean) to ${runtime_role};

-- Role overrides are cached per tenant by every instance; a change tells them all, on commit.
create function kernel.notify_role_grants_changed() returns trigger
    language plpgsql
as $$
begin
    perform pg_notify('kernel_grants', coalesce(new.tenant_id, old.tenant_id)::text);
    return null;
end $$;

create trigger role_grants_changed after insert or update or delete on kernel.role_grants
    for each row execute function kernel.notify_role_grants_changed();
