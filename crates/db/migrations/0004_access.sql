-- Access control: branches, roles with permissions and access levels,
-- each user's roles and branch, each party's branch (its owner is the
-- responsible seller, parties.seller_id).
CREATE TABLE branches (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX branches_name ON branches (org_id, name);

CREATE TABLE roles (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    permissions TEXT NOT NULL,
    read_level TEXT NOT NULL,
    write_level TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX roles_key ON roles (org_id, key);

CREATE TABLE user_roles (
    org_id UUID NOT NULL REFERENCES organisations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    role_id UUID NOT NULL REFERENCES roles (id),
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX user_roles_role ON user_roles (role_id);

ALTER TABLE users ADD COLUMN branch_id UUID REFERENCES branches (id);
ALTER TABLE parties ADD COLUMN branch_id UUID REFERENCES branches (id);
CREATE INDEX parties_branch ON parties (org_id, branch_id, sort_name, id) WHERE merged_into IS NULL AND archived_at IS NULL;
