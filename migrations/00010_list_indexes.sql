-- +goose Up

-- Programs newest first (the dashboard's and the program list's choice), so that a
-- list that stops at its first hundred reads no more.
CREATE INDEX programs_year_idx ON programs (year DESC, id DESC);

-- +goose Down
DROP INDEX programs_year_idx;
