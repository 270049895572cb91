-- +goose Up

-- A program's application list keeps its pages in memory too (internal/postgres,
-- applists.go), so a change of any listed application, that is any application
-- that is or was other than a draft, announces its program (p:<program id>, see
-- migration 00013). Drafts are the secretary's own and not listed: saving one
-- announces nothing, until it is submitted.
-- +goose StatementBegin
CREATE FUNCTION applications_notify_cache() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status <> 'draft' THEN
        PERFORM pg_notify('portal_cache', 'p:' || OLD.program_id);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status <> 'draft' THEN
        PERFORM pg_notify('portal_cache', 'p:' || NEW.program_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER applications_notify_cache AFTER INSERT OR UPDATE OR DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_notify_cache();

-- +goose Down
DROP TRIGGER applications_notify_cache ON applications;
DROP FUNCTION applications_notify_cache();
