-- +goose Up

-- Adding an entry recounted its project's month (ledger_month_refresh), so the
-- cost of an entry grew with the entries of its month, all under the month's row
-- lock. An entry added on or after the month's last day (nearly always: entries
-- are kept as the work goes on) now adds itself to the month's sums instead: one
-- more entry, showcase or verified one, the last day moved, and the longest inner
-- gap widened by the gap before it. Any other change still recounts the month.
-- ledger_month_append(e) is for an entry already inserted, alone in its statement.
-- +goose StatementBegin
CREATE FUNCTION ledger_month_append(e ledger_entries) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', e.on_date)::date;
    old_row ledger_months;
    prog bigint;
    path text;
BEGIN
    IF e.replaced_by IS NOT NULL OR e.status = 'returned' THEN
        PERFORM ledger_month_refresh(e.project_id, m);
        RETURN;
    END IF;
    INSERT INTO ledger_months (project_id, month, entries, showcases, verified, inner_gap)
    VALUES (e.project_id, m, 0, 0, 0, 0) ON CONFLICT DO NOTHING;
    SELECT * INTO old_row FROM ledger_months WHERE project_id = e.project_id AND month = m FOR UPDATE;
    IF old_row.entries > 0 AND e.on_date < old_row.last_day THEN
        PERFORM ledger_month_refresh(e.project_id, m);
        RETURN;
    END IF;
    UPDATE ledger_months SET entries = entries + 1,
        showcases = showcases + (e.kind = 'publicity')::int,
        verified = verified + (e.status = 'verified')::int,
        first_day = CASE WHEN old_row.entries = 0 THEN e.on_date ELSE first_day END,
        last_day = e.on_date,
        inner_gap = CASE WHEN old_row.entries = 0 THEN 0
                         ELSE greatest(inner_gap, e.on_date - old_row.last_day - 1) END
     WHERE project_id = e.project_id AND month = m;
    SELECT pr.program_id, pr.org_path INTO prog, path FROM projects pr WHERE pr.id = e.project_id;
    PERFORM ledger_org_months_add(prog, path, m, 1, (e.status = 'verified')::int, (old_row.entries = 0)::int);
END
$$;
-- +goose StatementEnd

-- An INSERT statement rolls its entries up once they are all in: one entry adds
-- itself (ledger_month_append), several recount each month they fall in (so that
-- an entry is never both recounted and added). Updates and deletes keep the row
-- trigger of migration 00007, which recounts.
-- +goose StatementBegin
CREATE FUNCTION ledger_entries_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e ledger_entries;
    r record;
BEGIN
    IF (SELECT count(*) FROM inserted) = 1 THEN
        SELECT * INTO e FROM inserted;
        PERFORM ledger_month_append(e);
        RETURN NULL;
    END IF;
    FOR r IN SELECT DISTINCT project_id, date_trunc('month', on_date)::date AS month FROM inserted ORDER BY 1, 2 LOOP
        PERFORM ledger_month_refresh(r.project_id, r.month);
    END LOOP;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

DROP TRIGGER ledger_entries_rollup ON ledger_entries;
CREATE TRIGGER ledger_entries_rollup AFTER DELETE OR UPDATE OF on_date, kind, status, replaced_by, project_id
    ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_rollup();
CREATE TRIGGER ledger_entries_rollup_insert AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_rollup_insert();

-- The longest inner gap of a month whose entries all fall on one day is 0, as the
-- domain counts it (portal.LedgerMonths), not -1 as the recount made it: the two
-- recounts below say so, and the months already kept are corrected.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ledger_month_refresh(p bigint, m date) RETURNS void LANGUAGE plpgsql AS $$
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
           min(on_date), max(on_date), greatest(max(gap), 0)
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_project_rollups() RETURNS void LANGUAGE sql AS $$
    UPDATE projects pr SET paid_cents = coalesce((SELECT sum(cents) FROM disbursements d WHERE d.project_id = pr.id), 0),
        spent_cents = coalesce((SELECT sum(cents) FROM expenses x WHERE x.project_id = pr.id), 0);
    DELETE FROM ledger_org_months;
    DELETE FROM ledger_months;
    INSERT INTO ledger_months (project_id, month, entries, showcases, verified, first_day, last_day, inner_gap)
    SELECT project_id, month, count(*), count(*) FILTER (WHERE kind = 'publicity'), count(*) FILTER (WHERE status = 'verified'),
           min(on_date), max(on_date), greatest(max(gap), 0)
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

UPDATE ledger_months SET inner_gap = 0 WHERE inner_gap < 0;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION ledger_month_refresh(p bigint, m date) RETURNS void LANGUAGE plpgsql AS $$
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_project_rollups() RETURNS void LANGUAGE sql AS $$
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

DROP TRIGGER ledger_entries_rollup_insert ON ledger_entries;
DROP FUNCTION ledger_entries_rollup_insert();
DROP TRIGGER ledger_entries_rollup ON ledger_entries;
CREATE TRIGGER ledger_entries_rollup AFTER INSERT OR DELETE OR UPDATE OF on_date, kind, status, replaced_by, project_id
    ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_rollup();
DROP FUNCTION ledger_month_append(ledger_entries);
