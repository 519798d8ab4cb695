-- Tenant tables shaped to exercise export, import and erasure: a foreign-key chain a <- b <- c (keys leading with
-- tenant_id), an identity column generated always, a generated column, arrays, numeric, bytea, json and jsonb, and a
-- table with neither a primary key nor a foreign key (found by the catalog, not by anyone's list).
create schema lt;
grant usage on schema lt to ${runtime_role};

create table lt.a (
    tenant_id  uuid        not null default kernel.current_tenant_id(),
    id         bigint      generated always as identity,
    name       text        not null,
    payload    jsonb       not null default '{}',
    created_at timestamptz not null default clock_timestamp(),
    primary key (tenant_id, id)
);

create table lt.b (
    tenant_id uuid    not null default kernel.current_tenant_id(),
    id        uuid    not null,
    a_id      bigint  not null,
    note      text,
    amount    numeric(12, 2),
    tags      text[]  not null default '{}',
    primary key (tenant_id, id),
    foreign key (tenant_id, a_id) references lt.a (tenant_id, id)
);

create table lt.c (
    tenant_id uuid    not null default kernel.current_tenant_id(),
    b_id      uuid    not null,
    seq       integer not null,
    data      bytea,
    doc       json,
    doubled   integer generated always as (seq * 2) stored,
    primary key (tenant_id, b_id, seq),
    foreign key (tenant_id, b_id) references lt.b (tenant_id, id) on delete cascade
);

create table lt.loose (
    tenant_id uuid not null default kernel.current_tenant_id(),
    label     text not null,
    at        timestamp
);
create index loose_by_tenant on lt.loose (tenant_id);

do $$
declare
    t text;
begin
    foreach t in array array['a', 'b', 'c', 'loose'] loop
        execute format('alter table lt.%I enable row level security', t);
        execute format('alter table lt.%I force row level security', t);
        execute format('create policy tenant_isolation on lt.%I using (tenant_id = kernel.current_tenant_id()) with check (tenant_id = kernel.current_tenant_id())', t);
        execute format('grant select, insert, update, delete on lt.%I to %s', t, '${runtime_role}');
    end loop;
end $$;
