-- +goose Up

-- Indexes for running projects at a province's size (25,000 projects, 130,000
-- milestones, 5,000,000 ledger entries), and a faster college_of. The queries they
-- serve are in internal/postgres/explain_test.go, which fails on a sequential
-- scan over a large table.

-- college_of looked the path's ids up with id = ANY(...) AND kind = 'college', which
-- the planner may answer from the (kind, path) index by reading every college
-- (2.5 ms a call at a province's 1,000 colleges, three minutes to rebuild the
-- application counts). It now looks each id of the path up by primary key, at most
-- one row per level of the tree (OFFSET 0 keeps the lookup a parameterized index
-- scan instead of a join the planner could hash over all colleges).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION college_of(path text) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN coalesce((SELECT c.id FROM unnest(path_ids(path)) WITH ORDINALITY AS u(id, n),
        LATERAL (SELECT o.id, o.kind FROM orgs o WHERE o.id = u.id OFFSET 0) c
        WHERE c.kind = 'college' ORDER BY u.n DESC LIMIT 1), 0);
-- +goose StatementEnd

-- Revisions of ledger entries: deleting an entry (or a project, which cascades to
-- its entries) checks that no revision refers to it, which without these reads
-- the whole ledger once per deleted entry.
CREATE INDEX ledger_entries_previous_idx ON ledger_entries (previous_id) WHERE previous_id IS NOT NULL;
CREATE INDEX ledger_entries_replaced_idx ON ledger_entries (replaced_by) WHERE replaced_by IS NOT NULL;

-- What waits to be received, for the managers' home pages.
CREATE INDEX application_counts_status_idx ON application_counts (status, program_id);

-- Open projects in a subtree (the supervision team's workbench).
CREATE INDEX projects_open_path_idx ON projects (org_path text_pattern_ops) WHERE status IN ('running', 'rectify');
-- Projects kept by a person named on them.
CREATE INDEX projects_secretary_idx ON projects (secretary_id) WHERE secretary_id IS NOT NULL;
-- A project's ledger entries not yet verified (waiting, or returned for work); also
-- the queue of a program's manager, by project.
CREATE INDEX ledger_entries_unverified_idx ON ledger_entries (project_id, status) WHERE replaced_by IS NULL AND status <> 'verified';
-- Open milestones of a program's projects by due date (the dashboard's overdue list).
CREATE INDEX milestones_project_open_idx ON milestones (project_id, due_on) WHERE status <> 'done';

-- The ledger's rollup: one row per project and month with the entries that count
-- for the cadence (current revisions not returned, portal.LedgerEntry.Counts), of
-- which showcases (kind 'publicity', portal.EntryKind.Showcase) and verified ones,
-- the first and last day with an entry, and the longest run of days without one
-- between two entry days of the month (inner_gap). portal.ComplianceFromMonths
-- judges the cadence from these rows alone, so that dashboards and workbenches
-- never read the ledger itself. The trigger below keeps it in step, in the same
-- transaction as every change of an entry.
CREATE TABLE ledger_months (
    project_id bigint NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    month      date NOT NULL,
    entries    integer NOT NULL,
    showcases  integer NOT NULL,
    verified   integer NOT NULL,
    first_day  date,
    last_day   date,
    inner_gap  integer NOT NULL,
    PRIMARY KEY (project_id, month)
);

-- The same per organization: one row per program, month and ancestor (or self) of
-- the project's organization, with how many of its projects had an entry that
-- counts that month, for the dashboards of a program over many schools.
CREATE TABLE ledger_org_months (
    program_id bigint NOT NULL,
    org_id     bigint NOT NULL,
    month      date NOT NULL,
    entries    integer NOT NULL,
    verified   integer NOT NULL,
    projects   integer NOT NULL,
    PRIMARY KEY (program_id, org_id, month)
);

-- ledger_month_refresh recomputes one project's month from its entries (a few rows
-- through ledger_entries_project_idx) and passes the difference on to the
-- organizations' rollup. The project's row in ledger_months is locked first, so that
-- two transactions adding entries to the same project and month one after the
-- other each count what the other committed.
-- +goose StatementBegin
CREATE FUNCTION ledger_month_refresh(p bigint, m date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    old_row ledger_months;
    new_row ledger_months;
    prog bigint;
    path text;
BEGIN
    INSERT INTO ledger_months (project_id, month, entries, showcases, verified, inner_gap)
    VALUES (p, m, 0, 0, 0, 0) ON CONFLICT DO NOTHING;
    SELECT * INTO old_row FROM ledger_months WHERE project_id = p AND month = m FOR UPDATE;
    SELECT p, m, count(*), count(*) FILTER (WHERE kind = 'publicity'), count(*) FILTER (WHERE status = 'verified'),
           min(on_date), max(on_date), coalesce(max(gap), 0)
      INTO new_row
      FROM (SELECT kind, status, on_date, on_date - lag(on_date) OVER (ORDER BY on_date) - 1 AS gap
              FROM ledger_entries
             WHERE project_id = p AND replaced_by IS NULL AND status <> 'returned'
               AND on_date >= m AND on_date < (m + interval '1 month')::date) x;
    IF new_row IS NOT DISTINCT FROM old_row THEN
        RETURN;
    END IF;
    UPDATE ledger_months SET entries = new_row.entries, showcases = new_row.showcases, verified = new_row.verified,
        first_day = new_row.first_day, last_day = new_row.last_day, inner_gap = new_row.inner_gap
     WHERE project_id = p AND month = m;
    SELECT pr.program_id, pr.org_path INTO prog, path FROM projects pr WHERE pr.id = p;
    PERFORM ledger_org_months_add(prog, path, m, new_row.entries - old_row.entries, new_row.verified - old_row.verified,
        (new_row.entries > 0)::int - (old_row.entries > 0)::int);
END
$$;
-- +goose StatementEnd

-- ledger_org_months_add adds to the rollup of every organization on path.
-- +goose StatementBegin
CREATE FUNCTION ledger_org_months_add(prog bigint, path text, m date, d_entries int, d_verified int, d_projects int)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO ledger_org_months AS r (program_id, org_id, month, entries, verified, projects)
    SELECT prog, id, m, d_entries, d_verified, d_projects FROM unnest(path_ids(path)) AS u(id) ORDER BY id
    ON CONFLICT (program_id, org_id, month) DO UPDATE
        SET entries = r.entries + excluded.entries, verified = r.verified + excluded.verified,
            projects = r.projects + excluded.projects;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION ledger_entries_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM ledger_month_refresh(OLD.project_id, date_trunc('month', OLD.on_date)::date);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR date_trunc('month', NEW.on_date) <> date_trunc('month', OLD.on_date)
            OR NEW.project_id <> OLD.project_id) THEN
        PERFORM ledger_month_refresh(NEW.project_id, date_trunc('month', NEW.on_date)::date);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER ledger_entries_rollup AFTER INSERT OR DELETE OR UPDATE OF on_date, kind, status, replaced_by, project_id
    ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_rollup();

-- A project that moves (its organization moved in the tree) or changes program
-- takes its months along in the organizations' rollup.
-- +goose StatementBegin
CREATE FUNCTION projects_ledger_rollup_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r ledger_months;
BEGIN
    FOR r IN SELECT * FROM ledger_months WHERE project_id = NEW.id AND entries > 0 LOOP
        PERFORM ledger_org_months_add(OLD.program_id, OLD.org_path, r.month, -r.entries, -r.verified, -1);
        PERFORM ledger_org_months_add(NEW.program_id, NEW.org_path, r.month, r.entries, r.verified, 1);
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER projects_ledger_rollup_move AFTER UPDATE OF org_path, program_id ON projects
    FOR EACH ROW WHEN (OLD.org_path <> NEW.org_path OR OLD.program_id <> NEW.program_id)
    EXECUTE FUNCTION projects_ledger_rollup_move();

-- What a project has been paid and has spent, kept with the project by the store
-- in the same transaction as each disbursement or expense, so that grant totals per
-- college and program are sums over projects alone.
ALTER TABLE projects ADD COLUMN paid_cents bigint NOT NULL DEFAULT 0, ADD COLUMN spent_cents bigint NOT NULL DEFAULT 0;

-- refresh_project_rollups() rebuilds the ledger's rollups and the projects' paid and
-- spent totals (after a bulk load with triggers off).
-- +goose StatementBegin
CREATE FUNCTION refresh_project_rollups() RETURNS void LANGUAGE sql AS $$
    UPDATE projects pr SET paid_cents = coalesce((SELECT sum(cents) FROM disbursements d WHERE d.project_id = pr.id), 0),
        spent_cents = coalesce((SELECT sum(cents) FROM expenses x WHERE x.project_id = pr.id), 0);
    DELETE FROM ledger_org_months;
    DELETE FROM ledger_months;
    INSERT INTO ledger_months (project_id, month, entries, showcases, verified, first_day, last_day, inner_gap)
    SELECT project_id, month, count(*), count(*) FILTER (WHERE kind = 'publicity'), count(*) FILTER (WHERE status = 'verified'),
           min(on_date), max(on_date), coalesce(max(gap), 0)
      FROM (SELECT project_id, date_trunc('month', on_date)::date AS month, kind, status, on_date,
                   on_date - lag(on_date) OVER (PARTITION BY project_id, date_trunc('month', on_date) ORDER BY on_date) - 1 AS gap
              FROM ledger_entries WHERE replaced_by IS NULL AND status <> 'returned') x
     GROUP BY project_id, month;
    INSERT INTO ledger_org_months (program_id, org_id, month, entries, verified, projects)
    SELECT pr.program_id, u.id, lm.month, sum(lm.entries), sum(lm.verified), count(*)
      FROM ledger_months lm JOIN projects pr ON pr.id = lm.project_id, unnest(path_ids(pr.org_path)) AS u(id)
     WHERE lm.entries > 0
     GROUP BY 1, 2, 3;
$$;
-- +goose StatementEnd

SELECT refresh_project_rollups();

-- +goose Down
ALTER TABLE projects DROP COLUMN spent_cents, DROP COLUMN paid_cents;
DROP FUNCTION refresh_project_rollups();
DROP TRIGGER projects_ledger_rollup_move ON projects;
DROP FUNCTION projects_ledger_rollup_move();
DROP TRIGGER ledger_entries_rollup ON ledger_entries;
DROP FUNCTION ledger_entries_rollup();
DROP FUNCTION ledger_month_refresh(bigint, date);
DROP FUNCTION ledger_org_months_add(bigint, text, date, int, int, int);
DROP TABLE ledger_org_months;
DROP TABLE ledger_months;
DROP INDEX milestones_project_open_idx;
DROP INDEX ledger_entries_unverified_idx;
DROP INDEX projects_secretary_idx;
DROP INDEX projects_open_path_idx;
DROP INDEX application_counts_status_idx;
DROP INDEX ledger_entries_replaced_idx;
DROP INDEX ledger_entries_previous_idx;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION college_of(path text) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN coalesce((SELECT c.id FROM orgs c WHERE c.id = ANY (path_ids(path)) AND c.kind = 'college'
        ORDER BY length(c.path) DESC LIMIT 1), 0);
-- +goose StatementEnd
