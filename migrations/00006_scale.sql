-- +goose Up

-- Indexes and rollups that keep lists, counts and dashboards fast as the data
-- grows to a province (100 schools, 100,000 applications, millions of ledger
-- entries). internal/postgres/explain_test.go checks the plans of the list and
-- dashboard queries against them; docs/benchmarks.md has the numbers.
--
-- Subtree conditions: a scope is a set of org paths such as '/1/5/'. LIKE ANY
-- over an array of patterns cannot use an index, so queries join the scope's
-- paths and take the range [path, path with its last '/' turned into '0'): that
-- is every path starting with it (paths hold only digits and '/', and '0'
-- follows '/'), and the text_pattern_ops indexes on the path columns serve it.

-- The ids of a materialized path, root first: '/1/5/23/' → {1,5,23}. Ancestor
-- lookups by primary key instead of LIKE over every organization.
-- +goose StatementBegin
CREATE FUNCTION path_ids(path text) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN string_to_array(trim(BOTH '/' FROM path), '/')::bigint[];
-- +goose StatementEnd

-- The college an organization belongs to (its nearest ancestor of that kind, or
-- itself), 0 when none.
-- +goose StatementBegin
CREATE FUNCTION college_of(path text) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN coalesce((SELECT c.id FROM orgs c WHERE c.id = ANY (path_ids(path)) AND c.kind = 'college'
        ORDER BY length(c.path) DESC LIMIT 1), 0);
-- +goose StatementEnd

-- Organizations of a kind within a subtree (colleges of a scope, expected
-- applicants of a program).
CREATE INDEX orgs_kind_path_idx ON orgs (kind, path text_pattern_ops);

-- A secretary's drafts and returned applications (home page), in her subtrees.
CREATE INDEX applications_revise_idx ON applications (org_path text_pattern_ops) WHERE status IN ('draft', 'returned');
-- Submitted applications waiting to be received, by program (the manager's home page).
CREATE INDEX applications_submitted_idx ON applications (program_id) WHERE status = 'submitted';
-- A program's application list (drafts are never listed) in keyset order, with
-- and without a track filter: page 400 costs what page 1 does.
CREATE INDEX applications_list_idx ON applications (program_id, id) WHERE status <> 'draft';
CREATE INDEX applications_track_list_idx ON applications (program_id, track_id, id) WHERE status <> 'draft';
-- A person's own applications, newest first, in her subtrees.
CREATE INDEX applications_org_updated_idx ON applications (org_path text_pattern_ops, updated_at DESC, id DESC);

-- Projects of a program by organization (dashboards, project lists).
CREATE INDEX projects_program_path_idx ON projects (program_id, org_path text_pattern_ops);

-- The rollup behind a program's application counts (by track, by college, in all):
-- one row per program, track, status and college, kept up to date by a trigger in
-- the same transaction as every change of an application, so that a list page
-- never counts tens of thousands of rows. refresh_application_counts() rebuilds it
-- (after a bulk load, or after organizations moved between colleges).
CREATE TABLE application_counts (
    program_id bigint NOT NULL,
    track_id   bigint NOT NULL,
    status     text NOT NULL,
    college_id bigint NOT NULL,
    n          integer NOT NULL,
    PRIMARY KEY (program_id, track_id, status, college_id)
);

-- +goose StatementBegin
CREATE FUNCTION application_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_college bigint;
    new_college bigint;
    new_first boolean := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_college := college_of(OLD.org_path);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_college := college_of(NEW.org_path);
    END IF;
    -- Two changes in opposite directions at once must not deadlock: the rows are
    -- always locked in key order.
    IF TG_OP = 'UPDATE' THEN
        new_first := (NEW.program_id, NEW.track_id, NEW.status, new_college) < (OLD.program_id, OLD.track_id, OLD.status, old_college);
    END IF;
    IF TG_OP <> 'DELETE' AND new_first THEN
        INSERT INTO application_counts AS c (program_id, track_id, status, college_id, n)
        VALUES (NEW.program_id, NEW.track_id, NEW.status, new_college, 1)
        ON CONFLICT (program_id, track_id, status, college_id) DO UPDATE SET n = c.n + 1;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE application_counts SET n = n - 1
        WHERE program_id = OLD.program_id AND track_id = OLD.track_id AND status = OLD.status AND college_id = old_college;
    END IF;
    IF TG_OP <> 'DELETE' AND NOT new_first THEN
        INSERT INTO application_counts AS c (program_id, track_id, status, college_id, n)
        VALUES (NEW.program_id, NEW.track_id, NEW.status, new_college, 1)
        ON CONFLICT (program_id, track_id, status, college_id) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER application_counts_insert_delete AFTER INSERT OR DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION application_counts_change();
CREATE TRIGGER application_counts_update AFTER UPDATE OF program_id, track_id, status, org_path ON applications
    FOR EACH ROW WHEN (OLD.program_id <> NEW.program_id OR OLD.track_id <> NEW.track_id OR OLD.status <> NEW.status
        OR OLD.org_path <> NEW.org_path)
    EXECUTE FUNCTION application_counts_change();

-- +goose StatementBegin
CREATE FUNCTION refresh_application_counts() RETURNS void LANGUAGE sql AS $$
    DELETE FROM application_counts;
    INSERT INTO application_counts (program_id, track_id, status, college_id, n)
    SELECT program_id, track_id, status, college_of(org_path), count(*) FROM applications
    GROUP BY 1, 2, 3, 4;
$$;
-- +goose StatementEnd

SELECT refresh_application_counts();

-- +goose Down
DROP FUNCTION refresh_application_counts();
DROP TRIGGER application_counts_update ON applications;
DROP TRIGGER application_counts_insert_delete ON applications;
DROP FUNCTION application_counts_change();
DROP TABLE application_counts;
DROP INDEX projects_program_path_idx;
DROP INDEX applications_org_updated_idx;
DROP INDEX applications_track_list_idx;
DROP INDEX applications_list_idx;
DROP INDEX applications_submitted_idx;
DROP INDEX applications_revise_idx;
DROP INDEX orgs_kind_path_idx;
DROP FUNCTION college_of(text);
DROP FUNCTION path_ids(text);
