-- +goose Up

-- A program's applications counted per organization at every level of the tree:
-- one row per program, organization (the applicant and each of its ancestors),
-- track and status, kept by a trigger in the same transaction as every change of an
-- application. The application list reads the counts of the organization it looks
-- at (by track and status: a dozen rows) and of that organization's children (the
-- schools of a province's call, the colleges of a school's) instead of summing a
-- row per college.
CREATE TABLE application_org_counts (
    program_id bigint NOT NULL,
    org_id     bigint NOT NULL,
    track_id   bigint NOT NULL,
    status     text NOT NULL,
    n          integer NOT NULL,
    PRIMARY KEY (program_id, org_id, track_id, status)
);

-- +goose StatementBegin
CREATE FUNCTION application_org_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One statement for the rows taken away and added, in key order, so that two
    -- changes at once lock the rows they share in the same order.
    INSERT INTO application_org_counts AS c (program_id, org_id, track_id, status, n)
    SELECT x.program_id, x.org_id, x.track_id, x.status, sum(x.d) FROM (
        SELECT OLD.program_id, u.id, OLD.track_id, OLD.status, -1 FROM unnest(path_ids(OLD.org_path)) AS u(id) WHERE TG_OP <> 'INSERT'
        UNION ALL
        SELECT NEW.program_id, u.id, NEW.track_id, NEW.status, 1 FROM unnest(path_ids(NEW.org_path)) AS u(id) WHERE TG_OP <> 'DELETE'
    ) AS x (program_id, org_id, track_id, status, d)
    GROUP BY 1, 2, 3, 4 HAVING sum(x.d) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (program_id, org_id, track_id, status) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER application_org_counts_insert_delete AFTER INSERT OR DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION application_org_counts_change();
CREATE TRIGGER application_org_counts_update AFTER UPDATE OF program_id, track_id, status, org_path ON applications
    FOR EACH ROW WHEN (OLD.program_id <> NEW.program_id OR OLD.track_id <> NEW.track_id OR OLD.status <> NEW.status
        OR OLD.org_path <> NEW.org_path)
    EXECUTE FUNCTION application_org_counts_change();

-- refresh_application_org_counts() rebuilds the counts (after a bulk load with
-- triggers off).
-- +goose StatementBegin
CREATE FUNCTION refresh_application_org_counts() RETURNS void LANGUAGE sql AS $$
    DELETE FROM application_org_counts;
    INSERT INTO application_org_counts (program_id, org_id, track_id, status, n)
    SELECT a.program_id, u.id, a.track_id, a.status, count(*)
      FROM applications a, unnest(path_ids(a.org_path)) AS u(id)
     GROUP BY 1, 2, 3, 4;
$$;
-- +goose StatementEnd

SELECT refresh_application_org_counts();

-- +goose Down
DROP FUNCTION refresh_application_org_counts();
DROP TRIGGER application_org_counts_update ON applications;
DROP TRIGGER application_org_counts_insert_delete ON applications;
DROP FUNCTION application_org_counts_change();
DROP TABLE application_org_counts;
