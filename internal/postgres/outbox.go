package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// MailText composes the mail that goes with a notification: its one-line subject
// and plain-text body in lang (the recipient's language), addressed to name, from
// the notification's catalogue key, link and arguments. mail.Compose is the one
// the portal uses; the store keeps no text of its own.
type MailText func(lang, name, key, link string, args []any) (subject, body string)

// OutboxMail is one mail of the outbox, as handed to the sender.
type OutboxMail struct {
	ID        int64
	MessageID string // stable across attempts: the same mail sent twice has one Message-ID
	To        string
	Subject   string
	Body      string
	Attempts  int // failed attempts before this one
}

// MailMaxAttempts is how many times a mail is tried before the sender gives up on it.
const MailMaxAttempts = 6

// mailBackoff returns how long to wait after the nth failed attempt (n from 1):
// 2 minutes, then three times longer each time (6, 18, 54 minutes, 2 h 42 min), so
// that the six attempts span about four hours, enough for a mail server's restart
// or a full mailbox to clear.
func mailBackoff(n int) time.Duration {
	d := 2 * time.Minute
	for i := 1; i < n; i++ {
		d *= 3
	}
	return d
}

// queueMail queues in tx the mail that goes with a notification to each of users
// who is active and has an e-mail address, composed by compose in the person's
// language. It returns how many mails it queued. Called in the transaction that
// posts the notification, it makes the mail exist exactly when the notification
// does.
func queueMail(ctx context.Context, tx pgx.Tx, compose MailText, users []int64, key, link string, args []any) (int, error) {
	rows, err := tx.Query(ctx, `SELECT id, email, lang, display_name FROM users
		WHERE id = ANY($1) AND active AND email IS NOT NULL ORDER BY id`, users)
	if err != nil {
		return 0, err
	}
	type recipient struct {
		ID                int64
		Email, Lang, Name string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[recipient])
	if err != nil {
		return 0, err
	}
	for _, r := range list {
		subject, body := compose(r.Lang, r.Name, key, link, args)
		if _, err := tx.Exec(ctx, `INSERT INTO mail_outbox (user_id, recipient, subject, body) VALUES ($1, $2, $3, $4)`,
			r.ID, r.Email, subject, body); err != nil {
			return 0, fmt.Errorf("queue mail: %w", err)
		}
	}
	return len(list), nil
}

// MailAttempt reports one call of SendNextMail.
type MailAttempt struct {
	Found  bool  // a mail was due
	Sent   bool  // the server accepted it
	GaveUp bool  // it failed for the last time
	Err    error // why sending failed, when it did
}

// SendNextMail sends the oldest due mail that no other instance is sending, in one
// transaction: it locks the row (FOR UPDATE SKIP LOCKED), hands it to send, and
// records the outcome before committing. Sent, the row's sent_at is set and it is
// never sent again; failed, it counts the attempt, keeps the error and waits its
// backoff, and after MailMaxAttempts it is given up (next_at 'infinity'), with an
// audit event that administrators of the recipient's home organization see. A
// failure whose error has a Permanent method that answers true (the server
// refused the address) is given up at once.
// Delivery is at least once: if the process dies or the commit fails after the
// server accepted the mail, it is sent again. A failure of send is reported in
// the result, not as the error, which is the database's.
func (s *Store) SendNextMail(ctx context.Context, send func(context.Context, OutboxMail) error) (MailAttempt, error) {
	var res MailAttempt
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var m OutboxMail
		var created time.Time
		err := tx.QueryRow(ctx, `SELECT id, recipient, subject, body, attempts, created_at FROM mail_outbox
			WHERE sent_at IS NULL AND next_at <= now() ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`).
			Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Attempts, &created)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		res.Found = true
		m.MessageID = fmt.Sprintf("portal.%d.%d", m.ID, created.UnixMicro())
		res.Err = send(ctx, m)
		if res.Err == nil {
			res.Sent = true
			_, err := tx.Exec(ctx, `UPDATE mail_outbox SET sent_at = now(), attempts = attempts + 1, last_error = '' WHERE id = $1`, m.ID)
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: the attempt does not count
		}
		n := m.Attempts + 1
		msg := res.Err.Error()
		if len(msg) > 1000 {
			msg = strings.ToValidUTF8(msg[:1000], "")
		}
		var perm interface{ Permanent() bool }
		if n < MailMaxAttempts && !(errors.As(res.Err, &perm) && perm.Permanent()) {
			_, err := tx.Exec(ctx, `UPDATE mail_outbox SET attempts = $2, last_error = $3, next_at = now() + $4 * interval '1 second' WHERE id = $1`,
				m.ID, n, msg, int64(mailBackoff(n)/time.Second))
			return err
		}
		res.GaveUp = true
		var path string
		if err := tx.QueryRow(ctx, `UPDATE mail_outbox m SET attempts = $2, last_error = $3, next_at = 'infinity'
			WHERE m.id = $1 RETURNING coalesce((SELECT h.path FROM users u JOIN orgs h ON h.id = u.home_org_id WHERE u.id = m.user_id), '/')`,
			m.ID, n, msg).Scan(&path); err != nil {
			return err
		}
		return audit(ctx, tx, system, "mail.give_up", "mail", m.ID, path, nil,
			map[string]any{"to": m.To, "subject": m.Subject, "attempts": n, "error": msg})
	})
	if err != nil {
		return MailAttempt{}, err
	}
	return res, nil
}

// MailLoop drains the outbox every interval until ctx ends: it sends due mail one
// by one (SendNextMail) until none is left or one fails, since a failure usually
// means the server is unreachable and the next mail would wait for the same
// timeout. Several instances may run it at once; each mail goes to one of them.
func (s *Store) MailLoop(ctx context.Context, log *slog.Logger, send func(context.Context, OutboxMail) error, every time.Duration) {
	repeat(ctx, every, every, func() { s.DrainMail(ctx, log, send) })
}

// DrainMail sends due mail until none is left or one fails, and logs what it did.
// It returns how many mails the server accepted.
func (s *Store) DrainMail(ctx context.Context, log *slog.Logger, send func(context.Context, OutboxMail) error) int {
	sent := 0
	defer func() {
		if sent > 0 {
			log.Info("mail sent", "mails", sent)
		}
	}()
	for ctx.Err() == nil {
		res, err := s.SendNextMail(ctx, send)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				log.Error("mail outbox", "err", err)
			}
			return sent
		case !res.Found:
			return sent
		case res.Sent:
			sent++
		case res.GaveUp:
			log.Error("mail given up", "err", res.Err, "attempts", MailMaxAttempts)
			return sent
		default:
			log.Warn("mail not sent; will retry", "err", res.Err)
			return sent
		}
	}
	return sent
}
