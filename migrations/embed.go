// Package migrations holds the numbered goose SQL migrations, embedded into the binary.
// A migration that has landed on main is never edited; a change is a new file.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver for goose
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// FS holds every *.sql migration in this directory.
//
//go:embed *.sql
var FS embed.FS

// Up brings the database at dsn up to the newest embedded migration. It is safe to
// call from several processes at once: goose holds a PostgreSQL advisory lock while
// it migrates.
func Up(ctx context.Context, dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("migrate: open: %w", err)
	}
	defer db.Close()
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migrate: locker: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, FS, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate: up: %w", err)
	}
	return nil
}

// Fingerprint returns a short hash of every migration's name and content. Test
// templates are keyed by it, so that a new or changed migration builds a new one.
func Fingerprint() string {
	h := sha256.New()
	entries, _ := fs.ReadDir(FS, ".")
	for _, e := range entries {
		b, _ := fs.ReadFile(FS, e.Name())
		fmt.Fprintf(h, "%s\x00%d\x00", e.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
