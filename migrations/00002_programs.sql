-- +goose Up

-- A program is a call an owner organization opens for the organizations under it
-- (一团一品, 对标争先, 焦裕禄班 ...).
CREATE TABLE programs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_org_id   bigint NOT NULL REFERENCES orgs (id),
    -- The subtree whose organizations may apply: 校团委 runs 一团一品 for the
    -- 团总支 of every college, so the scope is the school, not the owner.
    scope_org_id   bigint NOT NULL REFERENCES orgs (id),
    year           integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title          text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    kind           text NOT NULL CHECK (kind IN ('league_brand', 'party_benchmark', 'class_creation', 'other')),
    batch          text NOT NULL DEFAULT '' CHECK (char_length(batch) <= 50),
    description    text NOT NULL DEFAULT '' CHECK (char_length(description) <= 20000),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'archived')),
    ban_months     integer NOT NULL DEFAULT 0 CHECK (ban_months BETWEEN 0 AND 120),
    -- Org kinds whose opinion an application needs, in order (单位团组织意见, 单位党组织意见).
    endorsements   text[] NOT NULL DEFAULT '{}',
    -- Org kinds under the owner expected to file at least one application
    -- (every 团总支 submits a 一团一品 project).
    expected_kinds text[] NOT NULL DEFAULT '{}',
    copied_from    bigint REFERENCES programs (id),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX programs_owner_idx ON programs (owner_org_id);
CREATE INDEX programs_status_idx ON programs (status, year DESC);

-- Dated stages of a program; ends_on is the last day (a deadline is the end of it).
CREATE TABLE program_phases (
    program_id bigint NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('application', 'approval', 'implementation', 'midterm', 'final', 'publication')),
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    PRIMARY KEY (program_id, kind),
    CHECK (ends_on >= starts_on)
);

CREATE TABLE themes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id bigint NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 50),
    position   integer NOT NULL DEFAULT 0,
    UNIQUE (program_id, name)
);

CREATE TABLE tracks (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id     bigint NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    position       integer NOT NULL DEFAULT 0,
    quota          integer NOT NULL DEFAULT 0 CHECK (quota >= 0),
    grant_yuan     bigint NOT NULL DEFAULT 0 CHECK (grant_yuan >= 0),
    cycle_months   integer NOT NULL DEFAULT 12 CHECK (cycle_months BETWEEN 0 AND 120),
    eligible_kinds text[] NOT NULL DEFAULT '{}',
    min_age_years  integer NOT NULL DEFAULT 0 CHECK (min_age_years BETWEEN 0 AND 100),
    min_per_org    integer NOT NULL DEFAULT 0 CHECK (min_per_org >= 0),
    max_per_org    integer NOT NULL DEFAULT 0 CHECK (max_per_org >= 0),
    deadline       date,
    -- Custom fields this track adds to the application form (portal.FieldDef).
    fields         jsonb NOT NULL DEFAULT '[]',
    -- Optimistic locking of the track form.
    version        integer NOT NULL DEFAULT 1,
    UNIQUE (program_id, name)
);

-- A later deadline granted to one organization.
CREATE TABLE deadline_extensions (
    program_id bigint NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    org_id     bigint NOT NULL REFERENCES orgs (id),
    until      date NOT NULL,
    reason     text NOT NULL DEFAULT '',
    granted_by bigint REFERENCES users (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, org_id)
);

-- An organization barred from a kind of program until a date (failed acceptance).
CREATE TABLE bans (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id            bigint NOT NULL REFERENCES orgs (id),
    program_kind      text NOT NULL,
    until             date NOT NULL,
    reason            text NOT NULL DEFAULT '',
    source_program_id bigint REFERENCES programs (id),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bans_org_idx ON bans (org_id, program_kind);

CREATE TABLE applications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id      bigint NOT NULL REFERENCES programs (id),
    track_id        bigint NOT NULL REFERENCES tracks (id),
    theme_id        bigint REFERENCES themes (id),
    org_id          bigint NOT NULL REFERENCES orgs (id),
    org_path        text NOT NULL,
    author_id       bigint NOT NULL REFERENCES users (id),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'endorsing', 'returned', 'submitted',
                        'received', 'withdrawn', 'approved', 'rejected')),
    title           text NOT NULL DEFAULT '' CHECK (char_length(title) <= 200),
    -- The form as the secretary last saved it (portal.AppContent).
    content         jsonb NOT NULL DEFAULT '{}',
    budget_cents    bigint NOT NULL DEFAULT 0,
    leader_name     text NOT NULL DEFAULT '',
    -- The endorsement chain resolved when the application was sent: the bodies'
    -- org ids and paths in order, and the step it waits at (0-based).
    endorser_ids    bigint[] NOT NULL DEFAULT '{}',
    endorser_paths  text[] NOT NULL DEFAULT '{}',
    endorse_step    integer NOT NULL DEFAULT 0,
    versions        integer NOT NULL DEFAULT 0,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    submitted_at    timestamptz
);
CREATE INDEX applications_program_idx ON applications (program_id, track_id, status, id);
CREATE INDEX applications_org_idx ON applications (org_id);
CREATE INDEX applications_org_path_idx ON applications (org_path text_pattern_ops);
CREATE INDEX applications_waiting_idx ON applications ((endorser_paths[endorse_step + 1]) text_pattern_ops) WHERE status = 'endorsing';

-- What was sent, frozen: one row each time the secretary sends the application.
CREATE TABLE application_versions (
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    number         integer NOT NULL,
    title          text NOT NULL,
    content        jsonb NOT NULL,
    sent_by        bigint REFERENCES users (id),
    sent_by_name   text NOT NULL DEFAULT '',
    sent_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, number)
);

-- The application's history: sent, endorsed (with the opinion: the electronic
-- counterpart of 签章), returned (with the reason), received, withdrawn.
CREATE TABLE application_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_id       bigint REFERENCES users (id),
    actor_name     text NOT NULL DEFAULT '',
    event          text NOT NULL,
    version_number integer NOT NULL DEFAULT 0,
    step           integer,
    org_id         bigint REFERENCES orgs (id),
    org_name       text NOT NULL DEFAULT '',
    org_kind       text NOT NULL DEFAULT '',
    note           text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000)
);
CREATE INDEX application_events_app_idx ON application_events (application_id, id);

-- Files, stored in the database so that a backup holds everything. Rows are never
-- changed: removing a file from a draft sets removed_at, and frozen versions keep
-- referring to it.
CREATE TABLE attachments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    field_key      text NOT NULL DEFAULT '',
    name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    content_type   text NOT NULL,
    size           bigint NOT NULL CHECK (size >= 0),
    sha256         text NOT NULL,
    data           bytea NOT NULL,
    uploaded_by    bigint REFERENCES users (id),
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    removed_at     timestamptz
);
CREATE INDEX attachments_app_idx ON attachments (application_id);

-- Messages inside the portal.
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT now(),
    message    text NOT NULL,
    args       jsonb NOT NULL DEFAULT '[]',
    link       text NOT NULL DEFAULT '',
    read_at    timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
DROP TABLE attachments;
DROP TABLE application_events;
DROP TABLE application_versions;
DROP TABLE applications;
DROP TABLE bans;
DROP TABLE deadline_extensions;
DROP TABLE tracks;
DROP TABLE themes;
DROP TABLE program_phases;
DROP TABLE programs;
