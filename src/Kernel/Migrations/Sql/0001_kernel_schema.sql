-- The kernel's own schema: the migrations journal (created by the runner) and the tenant helper every
-- row-level security policy uses. An unset or empty app.tenant_id yields NULL, and NULL matches no row.
grant usage on schema kernel to ${runtime_role};
grant select on kernel.schema_migrations to ${runtime_role};

create or replace function kernel.current_tenant_id() returns uuid
    language sql stable parallel safe
as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create or replace function kernel.current_actor_id() returns text
    language sql stable parallel safe
as $$ select nullif(current_setting('app.actor_id', true), '') $$;
