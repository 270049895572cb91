-- +goose Up

-- The portal keeps a few things it reads on every request in memory (sessions, the
-- signed-in person with her grants, a program's dashboard figures and list counts).
-- Every change that could make such a copy wrong sends a notification on the
-- channel portal_cache, delivered to every instance when the transaction commits;
-- each instance listens and forgets what the payload names (internal/postgres,
-- cache.go):
--   u:<user id>     an account or its grants changed
--   o               an organization changed (names and paths are in everything)
--   p:<program id>  something a program's dashboard or application list shows
--   s:<token>       a session (sent by the session store, not by a trigger)
-- PostgreSQL folds identical notifications of one transaction into one.

-- notify_cache(prefix, column) sends prefix:<column> for the row changed (both the
-- old and the new value when an update moved it).
-- +goose StatementBegin
CREATE FUNCTION notify_cache() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key text;
    new_key text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_key := to_jsonb(OLD) ->> TG_ARGV[1];
        PERFORM pg_notify('portal_cache', TG_ARGV[0] || ':' || old_key);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_key := to_jsonb(NEW) ->> TG_ARGV[1];
        IF new_key IS DISTINCT FROM old_key THEN
            PERFORM pg_notify('portal_cache', TG_ARGV[0] || ':' || new_key);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER users_notify_cache AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_cache('u', 'id');
CREATE TRIGGER role_grants_notify_cache AFTER INSERT OR UPDATE OR DELETE ON role_grants
    FOR EACH ROW EXECUTE FUNCTION notify_cache('u', 'user_id');

-- +goose StatementBegin
CREATE FUNCTION notify_cache_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_cache', TG_ARGV[0]);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER orgs_notify_cache AFTER INSERT OR UPDATE OR DELETE ON orgs
    FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_all('o');

CREATE TRIGGER programs_notify_cache AFTER UPDATE OR DELETE ON programs
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'id');
CREATE TRIGGER tracks_notify_cache AFTER INSERT OR UPDATE OR DELETE ON tracks
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');
CREATE TRIGGER themes_notify_cache AFTER INSERT OR UPDATE OR DELETE ON themes
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');
CREATE TRIGGER program_rules_notify_cache AFTER INSERT OR UPDATE OR DELETE ON program_rules
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');
CREATE TRIGGER checklist_items_notify_cache AFTER INSERT OR UPDATE OR DELETE ON checklist_items
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');
CREATE TRIGGER program_phases_notify_cache AFTER INSERT OR UPDATE OR DELETE ON program_phases
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');
CREATE TRIGGER application_org_counts_notify_cache AFTER INSERT OR UPDATE OR DELETE ON application_org_counts
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');
CREATE TRIGGER projects_notify_cache AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');
CREATE TRIGGER ledger_org_months_notify_cache AFTER INSERT OR UPDATE OR DELETE ON ledger_org_months
    FOR EACH ROW EXECUTE FUNCTION notify_cache('p', 'program_id');

-- Milestones name their project, not its program.
-- +goose StatementBegin
CREATE FUNCTION milestones_notify_cache() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_cache', 'p:' || pr.program_id)
       FROM projects pr WHERE pr.id IN (OLD.project_id, NEW.project_id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER milestones_notify_cache AFTER INSERT OR UPDATE OR DELETE ON milestones
    FOR EACH ROW EXECUTE FUNCTION milestones_notify_cache();

-- +goose Down
DROP TRIGGER milestones_notify_cache ON milestones;
DROP FUNCTION milestones_notify_cache();
DROP TRIGGER ledger_org_months_notify_cache ON ledger_org_months;
DROP TRIGGER projects_notify_cache ON projects;
DROP TRIGGER application_org_counts_notify_cache ON application_org_counts;
DROP TRIGGER program_phases_notify_cache ON program_phases;
DROP TRIGGER checklist_items_notify_cache ON checklist_items;
DROP TRIGGER program_rules_notify_cache ON program_rules;
DROP TRIGGER themes_notify_cache ON themes;
DROP TRIGGER tracks_notify_cache ON tracks;
DROP TRIGGER programs_notify_cache ON programs;
DROP TRIGGER orgs_notify_cache ON orgs;
DROP FUNCTION notify_cache_all();
DROP TRIGGER role_grants_notify_cache ON role_grants;
DROP TRIGGER users_notify_cache ON users;
DROP FUNCTION notify_cache();
