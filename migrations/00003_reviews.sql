-- +goose Up

-- Rubrics saved for reuse (portal.Rubric as JSON).
CREATE TABLE rubric_templates (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_org_id bigint NOT NULL REFERENCES orgs (id),
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    rubric       jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_org_id, name)
);

-- A review round of a program at one stage, over one or more tracks.
CREATE TABLE review_rounds (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id         bigint NOT NULL REFERENCES programs (id),
    stage              text NOT NULL CHECK (stage IN ('approval', 'midterm', 'final')),
    title              text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    starts_on          date NOT NULL,
    ends_on            date NOT NULL,
    status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scoring', 'deciding', 'published', 'final')),
    rubric             jsonb NOT NULL,
    blind              boolean NOT NULL DEFAULT false,
    normalise          boolean NOT NULL DEFAULT false,
    reviewers_per_item integer NOT NULL DEFAULT 3 CHECK (reviewers_per_item BETWEEN 1 AND 20),
    defence            boolean NOT NULL DEFAULT false,
    current_item       bigint,
    publish_days       integer NOT NULL DEFAULT 5 CHECK (publish_days BETWEEN 1 AND 60),
    published_at       timestamptz,
    decision_note      text NOT NULL DEFAULT '',
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX review_rounds_program_idx ON review_rounds (program_id);

CREATE TABLE round_tracks (
    round_id bigint NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    track_id bigint NOT NULL REFERENCES tracks (id),
    PRIMARY KEY (round_id, track_id)
);

-- What a round reviews: one row per application (its frozen newest version).
CREATE TABLE round_items (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id       bigint NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    application_id bigint NOT NULL REFERENCES applications (id),
    track_id       bigint NOT NULL REFERENCES tracks (id),
    version_number integer NOT NULL,
    position       integer NOT NULL DEFAULT 0, -- presentation order (答辩/路演)
    code           text NOT NULL,              -- the blind label, e.g. "A07"
    UNIQUE (round_id, application_id)
);
CREATE INDEX round_items_round_idx ON round_items (round_id, track_id);

-- The reviewer pool of a round.
CREATE TABLE round_reviewers (
    round_id bigint NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, user_id)
);

-- One reviewer's sheet for one item. scores and comments map criterion keys to a
-- score and a comment.
CREATE TABLE review_assignments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id       bigint NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    item_id        bigint NOT NULL REFERENCES round_items (id) ON DELETE CASCADE,
    reviewer_id    bigint NOT NULL REFERENCES users (id),
    status         text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'started', 'submitted', 'declined', 'conflict')),
    scores         jsonb NOT NULL DEFAULT '{}',
    comments       jsonb NOT NULL DEFAULT '{}',
    overall        text NOT NULL DEFAULT '' CHECK (char_length(overall) <= 5000),
    recommendation text NOT NULL DEFAULT '',
    note           text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000), -- why declined
    submitted_at   timestamptz,
    version        integer NOT NULL DEFAULT 1,
    UNIQUE (item_id, reviewer_id)
);
CREATE INDEX review_assignments_reviewer_idx ON review_assignments (reviewer_id, status);
CREATE INDEX review_assignments_round_idx ON review_assignments (round_id, item_id);

-- The committee's decision on an item, or on a unit recognised without applying.
CREATE TABLE round_decisions (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id          bigint NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    item_id           bigint REFERENCES round_items (id) ON DELETE CASCADE,
    org_id            bigint NOT NULL REFERENCES orgs (id),
    track_id          bigint NOT NULL REFERENCES tracks (id),
    outcome           text NOT NULL CHECK (outcome IN ('approved', 'rejected', 'pass', 'excellent', 'rectify', 'fail')),
    auto_recognised   boolean NOT NULL DEFAULT false,
    over_quota_reason text NOT NULL DEFAULT '',
    reason            text NOT NULL DEFAULT '',
    rectify_by        date,
    decided_by        bigint REFERENCES users (id),
    decided_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (round_id, item_id)
);
CREATE INDEX round_decisions_round_idx ON round_decisions (round_id);

-- Objections raised during publication (公示), and the manager's answers.
CREATE TABLE objections (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id    bigint NOT NULL REFERENCES review_rounds (id) ON DELETE CASCADE,
    author_id   bigint NOT NULL REFERENCES users (id),
    text        text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 2000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    answer      text NOT NULL DEFAULT '' CHECK (char_length(answer) <= 2000),
    answered_by bigint REFERENCES users (id),
    answered_at timestamptz
);
CREATE INDEX objections_round_idx ON objections (round_id);

-- An approved application, running: awarded grant and cycle.
CREATE TABLE projects (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id bigint REFERENCES applications (id),
    program_id     bigint NOT NULL REFERENCES programs (id),
    track_id       bigint NOT NULL REFERENCES tracks (id),
    org_id         bigint NOT NULL REFERENCES orgs (id),
    org_path       text NOT NULL,
    title          text NOT NULL,
    grant_yuan     bigint NOT NULL DEFAULT 0 CHECK (grant_yuan >= 0),
    starts_on      date NOT NULL,
    ends_on        date NOT NULL,
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'passed', 'excellent', 'rectify', 'failed')),
    auto_recognised boolean NOT NULL DEFAULT false,
    round_id       bigint REFERENCES review_rounds (id),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (application_id)
);
CREATE INDEX projects_program_idx ON projects (program_id, track_id);
CREATE INDEX projects_org_path_idx ON projects (org_path text_pattern_ops);

-- +goose Down
DROP TABLE projects;
DROP TABLE objections;
DROP TABLE round_decisions;
DROP TABLE review_assignments;
DROP TABLE round_reviewers;
DROP TABLE round_items;
DROP TABLE round_tracks;
DROP TABLE review_rounds;
DROP TABLE rubric_templates;
