package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// MailDeliverKind is the job kind that delivers one outbox message; its arguments are MailArgs.
const MailDeliverKind = "mail.deliver"

// MailArgs names the outbox message a delivery job sends.
type MailArgs struct {
	ID int64 `json:"id"`
}

// mailAttempts is how often a message is tried: with the worker's backoff, some four days.
const mailAttempts = 20

// EnqueueMail queues a message and the job that delivers it inside the transaction of what caused
// it, so a committed invitation always has its e-mail and a rolled-back one never sends.
func (t *Tx) EnqueueMail(ctx context.Context, m vaern.Mail) error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return vaern.Invalid("email", "contains a line break")
	}
	now := t.s.now()
	id, err := t.insert(ctx, "INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
		m.To, m.Subject, m.Body, ms(now), ms(now))
	if err != nil {
		return err
	}
	_, err = t.EnqueueJob(ctx, MailDeliverKind, MailArgs{ID: id}, JobOpts{MaxAttempts: mailAttempts})
	return err
}

// EnqueueMail queues a message on its own.
func (s *Store) EnqueueMail(ctx context.Context, m vaern.Mail) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.EnqueueMail(ctx, m) })
}

// Mail returns one outbox message.
func (s *Store) Mail(ctx context.Context, id int64) (vaern.Mail, error) {
	m, err := scanMail(s.queryRow(ctx, "SELECT "+mailCols+" FROM outbox WHERE id = ?", id))
	return m, mapErr(err)
}

// MailSent marks a message delivered and its delivery job done in one transaction: a message
// marked sent is never sent again, and its job is not retried.
func (s *Store) MailSent(ctx context.Context, l JobLock, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?", ms(tx.s.now()), id); err != nil {
			return err
		}
		return tx.FinishJob(ctx, l, 1, 1)
	})
}

// MailFailed records a failed attempt on the message, for the operator's view of the outbox; the
// job decides when to try again.
func (s *Store) MailFailed(ctx context.Context, id int64, next time.Time, msg string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?", ms(next), msg, id)
		return err
	})
}

const mailCols = "id, to_addr, subject, body, created_at, attempts, next_attempt_at, sent_at, last_error"

func scanMail(r scanner) (vaern.Mail, error) {
	var m vaern.Mail
	var c, n, st int64
	err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &c, &m.Attempts, &n, &st, &m.LastError)
	m.CreatedAt, m.NextAttemptAt, m.SentAt = fromMS(c), fromMS(n), fromMS(st)
	return m, err
}

// Outbox lists the newest messages (operators, tests).
func (s *Store) Outbox(ctx context.Context, limit int) ([]vaern.Mail, error) {
	rows, err := s.query(ctx, "SELECT "+mailCols+" FROM outbox ORDER BY id DESC LIMIT ?", limit)
	return collect(rows, err, scanMail)
}
