-- +goose Up

-- Yearly work plans (工作方案 / 工作要点) of an organization: sections of numbered
-- tasks with responsible people, scheduled months and numeric targets; the
-- month-by-month schedule and the year-round recurring work; progress reports.
CREATE TABLE work_plans (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id     bigint NOT NULL REFERENCES orgs (id),
    year       integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title      text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    intro      text NOT NULL DEFAULT '' CHECK (char_length(intro) <= 20000),
    closing    text NOT NULL DEFAULT '' CHECK (char_length(closing) <= 20000),
    status     text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- The plan list: by organization (scoped by path through orgs), newest year first.
CREATE INDEX work_plans_org_idx ON work_plans (org_id, year DESC, id DESC);

CREATE TABLE plan_sections (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id  bigint NOT NULL REFERENCES work_plans (id) ON DELETE CASCADE,
    position integer NOT NULL DEFAULT 0,
    title    text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    UNIQUE (plan_id, title)
);

CREATE TABLE plan_tasks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES work_plans (id) ON DELETE CASCADE,
    section_id  bigint NOT NULL REFERENCES plan_sections (id),
    number      integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    version     integer NOT NULL DEFAULT 1,
    UNIQUE (plan_id, number)
);
CREATE INDEX plan_tasks_section_idx ON plan_tasks (section_id);

-- Responsible people (责任人), in the order the plan names them.
CREATE TABLE plan_task_people (
    task_id  bigint NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users (id),
    position integer NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, user_id)
);
-- "My tasks" and the person filter of supervision.
CREATE INDEX plan_task_people_user_idx ON plan_task_people (user_id, task_id);

CREATE TABLE plan_task_months (
    task_id bigint NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    month   smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
    PRIMARY KEY (task_id, month)
);
-- This month's work.
CREATE INDEX plan_task_months_month_idx ON plan_task_months (month, task_id);

-- Numeric targets. metric is unique in a plan: progress values and, later, ledger
-- entries tagged with it roll up into the target.
CREATE TABLE plan_targets (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id    bigint NOT NULL REFERENCES work_plans (id) ON DELETE CASCADE,
    task_id    bigint NOT NULL REFERENCES plan_tasks (id) ON DELETE CASCADE,
    position   integer NOT NULL DEFAULT 0,
    metric     text NOT NULL CHECK (metric ~ '^[a-z][a-z0-9_]{0,39}$'),
    label      text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 100),
    comparator text NOT NULL CHECK (comparator IN ('at_least', 'more_than', 'at_most', 'less_than')),
    value      numeric(14, 2) NOT NULL CHECK (value >= 0 AND value <= 1000000000),
    unit       text NOT NULL CHECK (char_length(unit) BETWEEN 1 AND 10),
    CHECK (unit <> '%' OR value <= 100),
    UNIQUE (plan_id, metric)
);
CREATE INDEX plan_targets_task_idx ON plan_targets (task_id, position);

-- Progress reports. A task with reports is not deleted (no cascade from tasks).
CREATE TABLE plan_progress (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES work_plans (id) ON DELETE CASCADE,
    task_id     bigint NOT NULL REFERENCES plan_tasks (id),
    reported_on date NOT NULL,
    status      text NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'stalled')),
    note        text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    evidence    text NOT NULL DEFAULT '' CHECK (char_length(evidence) <= 2000),
    author_id   bigint REFERENCES users (id),
    author_name text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- A task's history and its latest report.
CREATE INDEX plan_progress_task_idx ON plan_progress (task_id, reported_on DESC, id DESC);
-- A plan's facts (the roll-up) in date order.
CREATE INDEX plan_progress_plan_idx ON plan_progress (plan_id, reported_on, id);

-- The value reached so far of each target a report gives.
CREATE TABLE plan_progress_values (
    report_id bigint NOT NULL REFERENCES plan_progress (id) ON DELETE CASCADE,
    target_id bigint NOT NULL REFERENCES plan_targets (id),
    value     numeric(14, 2) NOT NULL CHECK (value >= 0 AND value <= 1000000000),
    PRIMARY KEY (report_id, target_id)
);
CREATE INDEX plan_progress_values_target_idx ON plan_progress_values (target_id);

-- The month-by-month schedule (月份 | 工作内容 | 备注).
CREATE TABLE plan_schedule_items (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id bigint NOT NULL REFERENCES work_plans (id) ON DELETE CASCADE,
    number  integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    months  smallint[] NOT NULL CHECK (cardinality(months) BETWEEN 1 AND 12 AND months <@ '{1,2,3,4,5,6,7,8,9,10,11,12}'::smallint[]),
    text    text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
    note    text NOT NULL DEFAULT '' CHECK (char_length(note) <= 200),
    task_id bigint REFERENCES plan_tasks (id) ON DELETE SET NULL,
    UNIQUE (plan_id, number)
);
-- This month's lines.
CREATE INDEX plan_schedule_items_months_idx ON plan_schedule_items USING gin (months);
CREATE INDEX plan_schedule_items_task_idx ON plan_schedule_items (task_id);

-- Year-round recurring work (贯穿全年工作); rhythms is a JSON list of
-- {label, cadence, from} (portal.Rhythm).
CREATE TABLE plan_recurring_items (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id bigint NOT NULL REFERENCES work_plans (id) ON DELETE CASCADE,
    number  integer NOT NULL CHECK (number BETWEEN 1 AND 999),
    title   text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 50),
    text    text NOT NULL DEFAULT '' CHECK (char_length(text) <= 1000),
    rhythms jsonb NOT NULL DEFAULT '[]',
    task_id bigint REFERENCES plan_tasks (id) ON DELETE SET NULL,
    UNIQUE (plan_id, number)
);
CREATE INDEX plan_recurring_items_task_idx ON plan_recurring_items (task_id);

-- Indicator systems (考核指标体系) and their indicators.
CREATE TABLE indicator_systems (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_org_id bigint NOT NULL REFERENCES orgs (id),
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    description  text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    status_name  text NOT NULL CHECK (char_length(status_name) BETWEEN 1 AND 50),
    threshold    numeric(8, 2) NOT NULL CHECK (threshold > 0),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX indicator_systems_owner_idx ON indicator_systems (owner_org_id, id DESC);

CREATE TABLE indicators (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id     bigint NOT NULL REFERENCES indicator_systems (id) ON DELETE CASCADE,
    position      integer NOT NULL DEFAULT 0,
    code          text NOT NULL DEFAULT '' CHECK (char_length(code) <= 10),
    name          text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    criteria      text NOT NULL DEFAULT '' CHECK (char_length(criteria) <= 1000),
    max_score     numeric(7, 2) NOT NULL CHECK (max_score > 0 AND max_score <= 1000),
    weight        numeric(7, 2) NOT NULL DEFAULT 0 CHECK (weight >= 0 AND weight <= 1000),
    key_indicator boolean NOT NULL DEFAULT false
);
CREATE INDEX indicators_system_idx ON indicators (system_id, position);

-- An assessment round applies a system to every organization of a kind in a scope.
CREATE TABLE assessment_rounds (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id     bigint NOT NULL REFERENCES indicator_systems (id),
    owner_org_id  bigint NOT NULL REFERENCES orgs (id),
    scope_org_id  bigint NOT NULL REFERENCES orgs (id),
    org_kind      text NOT NULL,
    year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title         text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    target_share  numeric(5, 2) NOT NULL CHECK (target_share > 0 AND target_share <= 100),
    stretch_share numeric(5, 2) NOT NULL DEFAULT 0 CHECK (stretch_share >= 0 AND stretch_share <= 100),
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessment_rounds_owner_idx ON assessment_rounds (owner_org_id, year DESC, id DESC);
CREATE INDEX assessment_rounds_system_idx ON assessment_rounds (system_id);

CREATE TABLE assessment_assessors (
    round_id bigint NOT NULL REFERENCES assessment_rounds (id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users (id),
    position integer NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, user_id)
);
-- The rounds a person assesses.
CREATE INDEX assessment_assessors_user_idx ON assessment_assessors (user_id);

-- The organizations of a round, with the assessors' sheet (who scored, when, a note).
CREATE TABLE assessment_orgs (
    round_id       bigint NOT NULL REFERENCES assessment_rounds (id) ON DELETE CASCADE,
    org_id         bigint NOT NULL REFERENCES orgs (id),
    score_note     text NOT NULL DEFAULT '' CHECK (char_length(score_note) <= 5000),
    scored_by      bigint REFERENCES users (id),
    scored_by_name text NOT NULL DEFAULT '',
    scored_at      timestamptz,
    version        integer NOT NULL DEFAULT 1,
    PRIMARY KEY (round_id, org_id)
);
-- The rounds an organization is assessed in (its self-assessment workspace).
CREATE INDEX assessment_orgs_org_idx ON assessment_orgs (org_id);

-- An organization's self-assessment: its own scores (indicator id → score), a note
-- and its evidence; submitted_at is set when it is sent to the assessors.
CREATE TABLE self_assessments (
    round_id     bigint NOT NULL,
    org_id       bigint NOT NULL,
    scores       jsonb NOT NULL DEFAULT '{}',
    note         text NOT NULL DEFAULT '' CHECK (char_length(note) <= 5000),
    evidence     text NOT NULL DEFAULT '' CHECK (char_length(evidence) <= 5000),
    author_id    bigint REFERENCES users (id),
    author_name  text NOT NULL DEFAULT '',
    submitted_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, org_id),
    FOREIGN KEY (round_id, org_id) REFERENCES assessment_orgs (round_id, org_id) ON DELETE CASCADE
);

-- The assessors' scores, one per organization and indicator.
CREATE TABLE assessment_scores (
    round_id     bigint NOT NULL,
    org_id       bigint NOT NULL,
    indicator_id bigint NOT NULL REFERENCES indicators (id),
    score        numeric(7, 2) NOT NULL CHECK (score >= 0),
    PRIMARY KEY (round_id, org_id, indicator_id),
    FOREIGN KEY (round_id, org_id) REFERENCES assessment_orgs (round_id, org_id) ON DELETE CASCADE
);

-- The League's branch grading (团支部对标定级): bands on a 100-point scale and caps
-- on the share of five- and four-star branches, enforced at confirmation.
CREATE TABLE grading_rounds (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_org_id bigint NOT NULL REFERENCES orgs (id),
    scope_org_id bigint NOT NULL REFERENCES orgs (id),
    org_kind     text NOT NULL,
    year         integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title        text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    five_at      numeric(5, 2) NOT NULL,
    four_at      numeric(5, 2) NOT NULL,
    three_at     numeric(5, 2) NOT NULL,
    two_at       numeric(5, 2) NOT NULL,
    five_cap     numeric(5, 2) NOT NULL DEFAULT 0 CHECK (five_cap BETWEEN 0 AND 100),
    four_cap     numeric(5, 2) NOT NULL DEFAULT 0 CHECK (four_cap BETWEEN 0 AND 100),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed')),
    confirmed_at timestamptz,
    confirmed_by bigint REFERENCES users (id),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (100 >= five_at AND five_at > four_at AND four_at > three_at AND three_at > two_at AND two_at > 0)
);
CREATE INDEX grading_rounds_owner_idx ON grading_rounds (owner_org_id, year DESC, id DESC);

CREATE TABLE gradings (
    round_id  bigint NOT NULL REFERENCES grading_rounds (id) ON DELETE CASCADE,
    org_id    bigint NOT NULL REFERENCES orgs (id),
    score     numeric(5, 2) CHECK (score BETWEEN 0 AND 100),
    override  smallint CHECK (override BETWEEN 1 AND 5),
    note      text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    scored_by bigint REFERENCES users (id),
    scored_at timestamptz,
    PRIMARY KEY (round_id, org_id)
);
CREATE INDEX gradings_org_idx ON gradings (org_id);

-- +goose Down
DROP TABLE gradings;
DROP TABLE grading_rounds;
DROP TABLE assessment_scores;
DROP TABLE self_assessments;
DROP TABLE assessment_orgs;
DROP TABLE assessment_assessors;
DROP TABLE assessment_rounds;
DROP TABLE indicators;
DROP TABLE indicator_systems;
DROP TABLE plan_recurring_items;
DROP TABLE plan_schedule_items;
DROP TABLE plan_progress_values;
DROP TABLE plan_progress;
DROP TABLE plan_targets;
DROP TABLE plan_task_months;
DROP TABLE plan_task_people;
DROP TABLE plan_tasks;
DROP TABLE plan_sections;
DROP TABLE work_plans;
