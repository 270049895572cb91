-- +goose Up

-- A project's page shows its newest entries, by day and then by id
-- (projectEntriesLimit). The index ran by day alone, so a day with many entries
-- was read whole and sorted to find the newest; with the id in it, the newest are
-- read off the index in order.
DROP INDEX ledger_entries_project_idx;
CREATE INDEX ledger_entries_project_idx ON ledger_entries (project_id, on_date DESC, id DESC) WHERE replaced_by IS NULL;

-- +goose Down
DROP INDEX ledger_entries_project_idx;
CREATE INDEX ledger_entries_project_idx ON ledger_entries (project_id, on_date DESC) WHERE replaced_by IS NULL;
