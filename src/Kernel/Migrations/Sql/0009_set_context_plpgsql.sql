-- kernel.set_context runs in front of every read and every unit of work. As a SQL-language procedure its body was
-- parsed and planned again on every CALL; PL/pgSQL keeps its plan for the session, which costs the server about a
-- third less per call (measured with pgbench: a CALL of each, two clients). Same signature, same transaction-scoped
-- settings.
create or replace procedure kernel.set_context(p_tenant text, p_actor text, p_read_only boolean)
    language plpgsql
as $$
begin
    perform set_config('app.tenant_id', p_tenant, true), set_config('app.actor_id', p_actor, true);
    if p_read_only then
        perform set_config('transaction_read_only', 'on', true);
    end if;
end $$;
