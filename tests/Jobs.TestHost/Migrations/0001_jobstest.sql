-- Tables the test job types write, so tests can count effects and see what a handler saw.
create schema jobstest;
grant usage on schema jobstest to ${runtime_role};

-- One row per job that took effect (idempotent: keyed by job id).
create table jobstest.effects (
    tenant_id  uuid        not null default kernel.current_tenant_id(),
    job_id     uuid        not null,
    applied_at timestamptz not null default clock_timestamp(),
    primary key (tenant_id, job_id)
);
alter table jobstest.effects enable row level security;
alter table jobstest.effects force row level security;
create policy tenant_isolation on jobstest.effects
    using (tenant_id = kernel.current_tenant_id()) with check (tenant_id = kernel.current_tenant_id());
grant select, insert on jobstest.effects to ${runtime_role};

-- What a probe job saw of its context and of the database.
create table jobstest.observations (
    tenant_id       uuid        not null default kernel.current_tenant_id(),
    job_id          uuid        not null,
    context_tenant  uuid,
    actor_id        text,
    actor_roles     text,
    correlation_id  text,
    trace_id        text,
    visible_effects integer     not null,
    visible_tenants integer     not null,
    primary key (tenant_id, job_id)
);
alter table jobstest.observations enable row level security;
alter table jobstest.observations force row level security;
create policy tenant_isolation on jobstest.observations
    using (tenant_id = kernel.current_tenant_id()) with check (tenant_id = kernel.current_tenant_id());
grant select, insert on jobstest.observations to ${runtime_role};

-- System jobs' executions (no tenant data), with the worker that ran them.
create table jobstest.executions (
    job_id      uuid        not null primary key,
    worker_id   text        not null,
    started_at  timestamptz not null,
    finished_at timestamptz not null default clock_timestamp()
);
grant select, insert on jobstest.executions to ${runtime_role};

-- Tests count effects across tenants as the owner, which FORCE puts under RLS too: let it read.
do $$ begin
    execute format('create policy owner_reads on jobstest.effects for select to %I using (true)', current_user);
    execute format('create policy owner_reads on jobstest.observations for select to %I using (true)', current_user);
end $$;
