-- +goose Up

-- Review rounds of the mid-term and final stages judge projects' reports. Such an
-- item keeps application_id (the project's application, for its title, organization
-- and the conflict rule) and names the report it reviews; approval items leave
-- report_id NULL.
ALTER TABLE round_items ADD COLUMN report_id bigint REFERENCES project_reports (id);

-- A report is reviewed at most once per round; "which rounds hold this report" (the
-- project page, the direct-outcome rule, new rounds) reads this index.
CREATE UNIQUE INDEX round_items_report_idx ON round_items (report_id, round_id) WHERE report_id IS NOT NULL;

-- Whether the committee passed the item (ticked it on the results page). At a
-- mid-term or final round the outcome follows from this and the item's grade
-- (portal.RoundOutcome), and "rectify" comes from either answer, so the answer is
-- kept to show the committee's choice again. NULL on decisions taken before.
ALTER TABLE round_decisions ADD COLUMN passed boolean;

-- An item's decision (the project page's rounds; deleting an item).
CREATE INDEX round_decisions_item_idx ON round_decisions (item_id);

-- +goose Down
DROP INDEX round_decisions_item_idx;
ALTER TABLE round_decisions DROP COLUMN passed;
DROP INDEX round_items_report_idx;
ALTER TABLE round_items DROP COLUMN report_id;
