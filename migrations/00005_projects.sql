-- +goose Up

-- Running projects: the people responsible, the acceptance outcome, and whether the
-- milestones were set up from the program's checklist and the application's plan.
ALTER TABLE projects
    ADD COLUMN secretary_id bigint REFERENCES users (id),
    ADD COLUMN counselor_id bigint REFERENCES users (id),
    ADD COLUMN outcome_note text NOT NULL DEFAULT '' CHECK (char_length(outcome_note) <= 2000),
    ADD COLUMN rectify_by   date,
    ADD COLUMN decided_at   timestamptz;
CREATE INDEX projects_org_idx ON projects (org_id);
CREATE INDEX projects_people_idx ON projects (counselor_id, secretary_id);

-- How a program's projects are run: cadence (at least N progress showcases 动态展示
-- a month, the ledger updated at least every N days), whether ledger entries need
-- evidence, whether grants are paid only after completion (一团一品), whether reports
-- after the deadline are accepted as late, and when reminders go out and escalate.
CREATE TABLE program_rules (
    program_id           bigint PRIMARY KEY REFERENCES programs (id) ON DELETE CASCADE,
    showcase_per_month   integer NOT NULL DEFAULT 0 CHECK (showcase_per_month BETWEEN 0 AND 31),
    ledger_every_days    integer NOT NULL DEFAULT 0 CHECK (ledger_every_days BETWEEN 0 AND 366),
    evidence_required    boolean NOT NULL DEFAULT false,
    pay_after_completion boolean NOT NULL DEFAULT false,
    late_reports         boolean NOT NULL DEFAULT false,
    remind_days          integer NOT NULL DEFAULT 7 CHECK (remind_days BETWEEN 1 AND 60),
    escalate_days        integer NOT NULL DEFAULT 7 CHECK (escalate_days BETWEEN 1 AND 90),
    version              integer NOT NULL DEFAULT 1
);

-- A program's checklist template (焦裕禄班's 十个一): each item becomes a milestone of
-- every project, due at the end of the given month of its cycle.
CREATE TABLE checklist_items (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id        bigint NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    position          integer NOT NULL DEFAULT 0,
    title             text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    due_month         integer NOT NULL CHECK (due_month BETWEEN 1 AND 120),
    evidence_required boolean NOT NULL DEFAULT false,
    UNIQUE (program_id, title)
);

CREATE TABLE milestones (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    source            text NOT NULL CHECK (source IN ('checklist', 'plan', 'manual')),
    position          integer NOT NULL DEFAULT 0,
    title             text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    due_on            date NOT NULL,
    status            text NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'done')),
    completed_on      date,
    note              text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    evidence_required boolean NOT NULL DEFAULT false,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'done') = (completed_on IS NOT NULL))
);
CREATE INDEX milestones_project_idx ON milestones (project_id, due_on, position);
-- The reminder job's scan: open milestones by due date.
CREATE INDEX milestones_open_idx ON milestones (due_on) WHERE status <> 'done';

-- A project's history as its manager reads it: milestone changes after approval,
-- reports, outcomes, grants, cases.
CREATE TABLE project_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint REFERENCES users (id),
    actor_name text NOT NULL DEFAULT '',
    event      text NOT NULL,
    subject    text NOT NULL DEFAULT '',
    before     jsonb,
    after      jsonb
);
CREATE INDEX project_events_project_idx ON project_events (project_id, id DESC);

-- The work ledger (工作台账). An entry is edited in place until verified; editing a
-- verified entry writes a new revision (previous_id), and the old row is kept with
-- replaced_by set. root_id is the first revision: evidence hangs on it.
CREATE TABLE ledger_entries (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    org_path      text NOT NULL,
    root_id       bigint REFERENCES ledger_entries (id),
    previous_id   bigint REFERENCES ledger_entries (id),
    replaced_by   bigint REFERENCES ledger_entries (id),
    revision      integer NOT NULL DEFAULT 1,
    on_date       date NOT NULL,
    title         text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    kind          text NOT NULL CHECK (kind IN ('activity', 'theme_meeting', 'publicity', 'competition', 'volunteer',
                      'study_visit', 'lecture', 'other')),
    description   text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    participants  integer NOT NULL DEFAULT 0 CHECK (participants BETWEEN 0 AND 100000),
    place         text NOT NULL DEFAULT '' CHECK (char_length(place) <= 100),
    milestone_id  bigint REFERENCES milestones (id) ON DELETE SET NULL,
    author_id     bigint NOT NULL REFERENCES users (id),
    author_name   text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'returned')),
    reviewer_id   bigint REFERENCES users (id),
    reviewer_name text NOT NULL DEFAULT '',
    reviewed_at   timestamptz,
    review_note   text NOT NULL DEFAULT '' CHECK (char_length(review_note) <= 2000),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_project_idx ON ledger_entries (project_id, on_date DESC) WHERE replaced_by IS NULL;
-- The supervisors' queue: current entries waiting for verification, by organization.
CREATE INDEX ledger_entries_waiting_idx ON ledger_entries (org_path text_pattern_ops) WHERE status = 'pending' AND replaced_by IS NULL;
CREATE INDEX ledger_entries_author_idx ON ledger_entries (author_id, id DESC);
CREATE INDEX ledger_entries_root_idx ON ledger_entries (root_id);

-- Reports of a project at mid-term and at the end (中期报告, 总结报告), and the
-- outcome the manager records on them.
CREATE TABLE project_reports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    stage        text NOT NULL CHECK (stage IN ('midterm', 'final')),
    summary      text NOT NULL DEFAULT '' CHECK (char_length(summary) <= 20000),
    results      text NOT NULL DEFAULT '' CHECK (char_length(results) <= 20000),
    status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    late         boolean NOT NULL DEFAULT false,
    submitted_by bigint REFERENCES users (id),
    submitted_at timestamptz,
    outcome      text NOT NULL DEFAULT '' CHECK (outcome IN ('', 'pass', 'excellent', 'rectify', 'fail')),
    outcome_note text NOT NULL DEFAULT '' CHECK (char_length(outcome_note) <= 2000),
    rectify_by   date,
    decided_by   bigint REFERENCES users (id),
    decided_at   timestamptz,
    version      integer NOT NULL DEFAULT 1,
    UNIQUE (project_id, stage)
);

-- Evidence: files (kept in the database, like attachments) and links (published
-- articles), on a milestone, a ledger entry (its first revision) or a report.
CREATE TABLE evidence (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    milestone_id bigint REFERENCES milestones (id) ON DELETE CASCADE,
    entry_id     bigint REFERENCES ledger_entries (id) ON DELETE CASCADE,
    report_id    bigint REFERENCES project_reports (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('file', 'link')),
    name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    url          text NOT NULL DEFAULT '' CHECK (char_length(url) <= 500),
    content_type text NOT NULL DEFAULT '',
    size         bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
    sha256       text NOT NULL DEFAULT '',
    data         bytea,
    uploaded_by  bigint REFERENCES users (id),
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'file') = (data IS NOT NULL)),
    CHECK (kind = 'file' OR url <> '')
);
CREATE INDEX evidence_project_idx ON evidence (project_id);
CREATE INDEX evidence_entry_idx ON evidence (entry_id) WHERE entry_id IS NOT NULL;
CREATE INDEX evidence_milestone_idx ON evidence (milestone_id) WHERE milestone_id IS NOT NULL;

-- The supervision team's records: daily performance assessments (日常表现考核, a
-- score and a note) and phase material reviews (阶段性材料审查, a result and a note).
CREATE TABLE supervision_records (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('daily', 'phase')),
    on_date     date NOT NULL,
    score       numeric(5, 1) CHECK (score BETWEEN 0 AND 100),
    result      text NOT NULL DEFAULT '' CHECK (result IN ('', 'pass', 'needs_work')),
    title       text NOT NULL DEFAULT '' CHECK (char_length(title) <= 100),
    note        text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    author_id   bigint NOT NULL REFERENCES users (id),
    author_name text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'daily' OR score IS NOT NULL),
    CHECK (kind <> 'phase' OR result <> '')
);
CREATE INDEX supervision_records_project_idx ON supervision_records (project_id, on_date DESC);

-- Grant payments to a project (never more than the award) and its spending against
-- the application's budget lines. Amounts in fen.
CREATE TABLE disbursements (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    paid_on    date NOT NULL,
    cents      bigint NOT NULL CHECK (cents > 0),
    note       text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disbursements_project_idx ON disbursements (project_id);

CREATE TABLE expenses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    spent_on    date NOT NULL,
    budget_item text NOT NULL CHECK (char_length(budget_item) BETWEEN 1 AND 200),
    cents       bigint NOT NULL CHECK (cents > 0),
    note        text NOT NULL DEFAULT '' CHECK (char_length(note) <= 500),
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX expenses_project_idx ON expenses (project_id);

-- Good practice marked by a manager (案例), for later batches to read.
CREATE TABLE project_cases (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL UNIQUE REFERENCES projects (id) ON DELETE CASCADE,
    title      text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    summary    text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 5000),
    marked_by  bigint REFERENCES users (id),
    marked_at  timestamptz NOT NULL DEFAULT now()
);

-- Each reminder the background job posted, under a key unique per reminder and
-- period, so that however many instances run the job it is sent once.
CREATE TABLE reminders_sent (
    key     text PRIMARY KEY,
    sent_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE reminders_sent;
DROP TABLE project_cases;
DROP TABLE expenses;
DROP TABLE disbursements;
DROP TABLE supervision_records;
DROP TABLE evidence;
DROP TABLE project_reports;
DROP TABLE ledger_entries;
DROP TABLE project_events;
DROP TABLE milestones;
DROP TABLE checklist_items;
DROP TABLE program_rules;
DROP INDEX projects_people_idx;
DROP INDEX projects_org_idx;
ALTER TABLE projects DROP COLUMN decided_at, DROP COLUMN rectify_by, DROP COLUMN outcome_note,
    DROP COLUMN counselor_id, DROP COLUMN secretary_id;
