package postgres

import (
	"context"

	"github.com/campusorg/portal/migrations"
)

// Migrate brings the database at dsn up to the newest embedded migration; several
// processes may call it at once.
func Migrate(ctx context.Context, dsn string) error { return migrations.Up(ctx, dsn) }
