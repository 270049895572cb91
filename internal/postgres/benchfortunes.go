package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Fortune is a row of bench_fortunes.
type Fortune struct {
	ID      int32
	Message string
}

// BenchFortunes reads the benchmark's baseline table, bench_fortunes, which only
// the synthetic data generator makes (internal/scale): one query, no transaction,
// as in TechEmpower's Fortunes test.
func (s *Store) BenchFortunes(ctx context.Context) ([]Fortune, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, message FROM bench_fortunes`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Fortune])
}
