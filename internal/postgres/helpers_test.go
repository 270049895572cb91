package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/portal"
)

type pgxTx = pgx.Tx

const testPassword = "test-password-1"

// createUserForTest inserts an active account with testPassword at home.
func (s *Store) createUserForTest(ctx context.Context, username string, home int64) (int64, error) {
	hash, err := portal.HashPassword(testPassword)
	if err != nil {
		return 0, err
	}
	var u portal.User
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		u, err = insertUser(ctx, tx, portal.UserInput{Username: username, DisplayName: username, HomeOrgID: home}, hash, false)
		return err
	})
	return u.ID, err
}
