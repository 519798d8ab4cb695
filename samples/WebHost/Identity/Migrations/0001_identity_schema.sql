-- The dev identity provider's own schema. Identity is cross-tenant (one user, many tenants), so these tables are
-- not tenant tables under RLS: they belong to the identity provider, which connects with its own role. The
-- runtime role of the API is granted nothing here, so API code cannot read password hashes or refresh tokens.
-- Columns naming a tenant are called "tenant", not "tenant_id": the kernel reserves tenant_id for tenant-owned
-- tables under row-level security (and refuses to start with a tenant_id table outside it).
create schema idp;

create table idp.tenants (
    id         uuid        primary key,
    name       text        not null check (char_length(name) between 1 and 200),
    created_at timestamptz not null
);

create table idp.users (
    id            uuid        primary key,
    email         text        not null unique check (email = lower(email) and char_length(email) between 3 and 254),
    password_hash text        not null,
    created_at    timestamptz not null
);

create table idp.memberships (
    tenant     uuid        not null references idp.tenants (id),
    user_id    uuid        not null references idp.users (id),
    role       text        not null check (role in ('admin', 'member')),
    created_at timestamptz not null,
    primary key (tenant, user_id)
);
create index memberships_by_user on idp.memberships (user_id);

-- Refresh tokens are stored hashed. A family is one login's chain of rotations: presenting a used token again
-- revokes the whole family.
create table idp.refresh_tokens (
    token_hash bytea       primary key,
    family_id  uuid        not null,
    user_id    uuid        not null references idp.users (id),
    tenant     uuid,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz,
    revoked_at timestamptz
);
create index refresh_tokens_by_family on idp.refresh_tokens (family_id);
