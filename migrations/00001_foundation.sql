-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The organization tree. path is the materialized path of ids from the root,
-- such as '/1/5/23/', so that a subtree is a prefix match.
CREATE TABLE orgs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id      bigint REFERENCES orgs (id),
    path           text NOT NULL UNIQUE,
    kind           text NOT NULL CHECK (kind IN ('school', 'party_committee', 'league_committee',
                       'care_committee', 'college', 'party_general_branch', 'league_general_branch',
                       'college_care_committee', 'party_branch', 'league_branch', 'class', 'department')),
    name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    code           text UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
    founded_on     date,
    league_members integer NOT NULL DEFAULT 0 CHECK (league_members >= 0),
    youth_under_28 integer NOT NULL DEFAULT 0 CHECK (youth_under_28 >= 0),
    league_cadres  integer NOT NULL DEFAULT 0 CHECK (league_cadres >= 0),
    active         boolean NOT NULL DEFAULT true,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orgs_path_idx ON orgs (path text_pattern_ops);
CREATE INDEX orgs_parent_idx ON orgs (parent_id);
CREATE UNIQUE INDEX orgs_sibling_name_idx ON orgs (coalesce(parent_id, 0), name);
CREATE INDEX orgs_name_trgm_idx ON orgs USING gin (name gin_trgm_ops);

CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username             text NOT NULL CHECK (username ~ '^[A-Za-z0-9_.-]{3,40}$'),
    phone                text CHECK (phone ~ '^[0-9+-]{5,20}$'),
    display_name         text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 50),
    password_hash        text NOT NULL,
    home_org_id          bigint NOT NULL REFERENCES orgs (id),
    lang                 text NOT NULL DEFAULT 'zh' CHECK (lang IN ('zh', 'en')),
    active               boolean NOT NULL DEFAULT true,
    must_change_password boolean NOT NULL DEFAULT false,
    -- session_epoch grows whenever a person's roles, password or status change;
    -- a session carrying an older epoch is renewed or ended.
    session_epoch        integer NOT NULL DEFAULT 1,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_idx ON users (lower(username));
CREATE UNIQUE INDEX users_phone_idx ON users (phone) WHERE phone IS NOT NULL;
CREATE INDEX users_home_org_idx ON users (home_org_id);
CREATE INDEX users_name_trgm_idx ON users USING gin (display_name gin_trgm_ops);

CREATE TABLE role_grants (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('admin', 'manager', 'secretary', 'endorser',
                   'counselor', 'supervisor', 'reviewer', 'viewer')),
    org_id     bigint NOT NULL REFERENCES orgs (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, role, org_id)
);
CREATE INDEX role_grants_org_idx ON role_grants (org_id);

-- scs sessions (github.com/alexedwards/scs/pgxstore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Every state change, with who, when, what and the record before and after.
-- org_path scopes who may read the event.
CREATE TABLE audit_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES users (id),
    actor_name text NOT NULL DEFAULT '',
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  bigint,
    org_path   text NOT NULL DEFAULT '/',
    before     jsonb,
    after      jsonb,
    remote     text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id);
CREATE INDEX audit_events_org_path_idx ON audit_events (org_path text_pattern_ops);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE sessions;
DROP TABLE role_grants;
DROP TABLE users;
DROP TABLE orgs;
