-- +goose Up

-- An optional e-mail address on each account, where the portal sends the mail that
-- goes with its reminders. The store checks the format first (portal.CheckEmail:
-- ASCII, one "@", a dotted domain, at most 254 characters); the check below is the
-- backstop and keeps line breaks out of mail headers. An address is unique ignoring
-- case, like the phone number: it names one person's mailbox, an address typed on
-- the wrong account shows as a conflict instead of sending someone's reminders to a
-- colleague, and a later sign-in or password reset by mail needs it to be unique.
-- People who share an office mailbox give it to one account.
ALTER TABLE users ADD COLUMN email text
    CHECK (char_length(email) <= 254 AND email ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+\.[^@[:space:][:cntrl:]]+$');
CREATE UNIQUE INDEX users_email_idx ON users (lower(email)) WHERE email IS NOT NULL;

-- Mail waiting to be sent, or sent. A row is written in the same transaction as
-- the notification it goes with, so that a mail exists exactly when its
-- notification does; a sender drains the table after commit. The sender locks a
-- row (FOR UPDATE SKIP LOCKED, so that instances share the work without waiting
-- on each other), hands it to the SMTP server, and marks it sent in the same
-- transaction. Delivery is at least once: a crash or a failed commit between the
-- SMTP server's acceptance and that commit sends the mail again later, but a row
-- whose sent_at has been committed is never sent again. A failed attempt counts in
-- attempts, keeps its error in last_error and waits until next_at (a growing
-- backoff); after the last attempt next_at is 'infinity' and the row stays, unsent,
-- as the record of the failure.
CREATE TABLE mail_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    recipient  text NOT NULL CHECK (char_length(recipient) <= 254 AND recipient ~ '^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+\.[^@[:space:][:cntrl:]]+$'),
    subject    text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 500 AND subject !~ '[[:cntrl:]]'),
    body       text NOT NULL CHECK (char_length(body) <= 20000),
    created_at timestamptz NOT NULL DEFAULT now(),
    next_at    timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error text NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_at, id) WHERE sent_at IS NULL;
CREATE INDEX mail_outbox_user_idx ON mail_outbox (user_id);

-- +goose Down
DROP TABLE mail_outbox;
DROP INDEX users_email_idx;
ALTER TABLE users DROP COLUMN email;
