-- +goose Up

-- The due date of a project's earliest open milestone, kept by a trigger in the
-- same transaction as every change of a milestone, so that the dashboard's overdue
-- list reads only the projects that have something overdue (next_due_on before
-- today) instead of every project's milestones. NULL when nothing is open.
ALTER TABLE projects ADD COLUMN next_due_on date;

-- +goose StatementBegin
CREATE FUNCTION project_next_due(p bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE projects SET next_due_on = (SELECT min(due_on) FROM milestones WHERE project_id = p AND status <> 'done')
    WHERE id = p AND next_due_on IS DISTINCT FROM (SELECT min(due_on) FROM milestones WHERE project_id = p AND status <> 'done');
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION milestones_next_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM project_next_due(OLD.project_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.project_id <> OLD.project_id) THEN
        PERFORM project_next_due(NEW.project_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER milestones_next_due AFTER INSERT OR DELETE OR UPDATE OF due_on, status, project_id ON milestones
    FOR EACH ROW EXECUTE FUNCTION milestones_next_due();

-- Whether a program has projects at all, set by a trigger when its first project is
-- made (never unset: a program whose projects were all deleted keeps it), so that
-- the dashboard's choice of programs is a walk over programs alone.
ALTER TABLE programs ADD COLUMN has_projects boolean NOT NULL DEFAULT false;

-- +goose StatementBegin
CREATE FUNCTION projects_program_has() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE programs SET has_projects = true WHERE id = NEW.program_id AND NOT has_projects;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER projects_program_has AFTER INSERT OR UPDATE OF program_id ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_program_has();

-- refresh_project_next_due() sets every project's next_due_on and every program's
-- has_projects (after a bulk load with triggers off).
-- +goose StatementBegin
CREATE FUNCTION refresh_project_next_due() RETURNS void LANGUAGE sql AS $$
    UPDATE projects pr SET next_due_on = m.due
      FROM (SELECT project_id, min(due_on) AS due FROM milestones WHERE status <> 'done' GROUP BY project_id) m
     WHERE m.project_id = pr.id AND pr.next_due_on IS DISTINCT FROM m.due;
    UPDATE programs pg SET has_projects = true
     WHERE NOT pg.has_projects AND EXISTS (SELECT 1 FROM projects pr WHERE pr.program_id = pg.id);
$$;
-- +goose StatementEnd

SELECT refresh_project_next_due();

-- Open projects of a program with something due soonest.
CREATE INDEX projects_next_due_idx ON projects (program_id, next_due_on) WHERE status IN ('running', 'rectify');

-- +goose Down
DROP INDEX projects_next_due_idx;
DROP FUNCTION refresh_project_next_due();
DROP TRIGGER projects_program_has ON projects;
DROP FUNCTION projects_program_has();
ALTER TABLE programs DROP COLUMN has_projects;
DROP TRIGGER milestones_next_due ON milestones;
DROP FUNCTION milestones_next_due();
DROP FUNCTION project_next_due(bigint);
ALTER TABLE projects DROP COLUMN next_due_on;
