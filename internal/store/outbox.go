package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// EnqueueMail queues a message inside the transaction of what caused it, so a committed invitation
// always has its e-mail and a rolled-back one never sends.
func (t *Tx) EnqueueMail(ctx context.Context, m vaern.Mail) error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return vaern.Invalid("email", "contains a line break")
	}
	now := t.s.now()
	_, err := t.exec(ctx, "INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
		m.To, m.Subject, m.Body, ms(now), ms(now))
	return err
}

// EnqueueMail queues a message on its own.
func (s *Store) EnqueueMail(ctx context.Context, m vaern.Mail) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.EnqueueMail(ctx, m) })
}

// ClaimMail takes up to limit due messages and pushes their next attempt forward by lease, so that
// another app node does not send them at the same time.
func (s *Store) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]vaern.Mail, error) {
	var out []vaern.Mail
	err := s.Write(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `SELECT id, to_addr, subject, body, created_at, attempts, next_attempt_at FROM outbox
			WHERE sent_at = 0 AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, ms(now), limit)
		msgs, err := collect(rows, err, func(r scanner) (vaern.Mail, error) {
			var m vaern.Mail
			var c, n int64
			err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &c, &m.Attempts, &n)
			m.CreatedAt, m.NextAttemptAt = fromMS(c), fromMS(n)
			return m, err
		})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			res, err := tx.exec(ctx, "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND next_attempt_at = ? AND sent_at = 0",
				ms(now.Add(lease)), m.ID, ms(m.NextAttemptAt))
			if err := affected(res, err); err == nil {
				out = append(out, m)
			}
		}
		return nil
	})
	return out, err
}

// MailSent marks a message delivered.
func (s *Store) MailSent(ctx context.Context, id int64, now time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE id = ?", ms(now), id)
		return err
	})
}

// MailFailed records a failed attempt and when to try again.
func (s *Store) MailFailed(ctx context.Context, id int64, next time.Time, msg string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?", ms(next), msg, id)
		return err
	})
}

// Outbox lists the newest messages (operators, tests).
func (s *Store) Outbox(ctx context.Context, limit int) ([]vaern.Mail, error) {
	rows, err := s.query(ctx, `SELECT id, to_addr, subject, body, created_at, attempts, next_attempt_at, sent_at, last_error
		FROM outbox ORDER BY id DESC LIMIT ?`, limit)
	return collect(rows, err, func(r scanner) (vaern.Mail, error) {
		var m vaern.Mail
		var c, n, st int64
		err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &c, &m.Attempts, &n, &st, &m.LastError)
		m.CreatedAt, m.NextAttemptAt, m.SentAt = fromMS(c), fromMS(n), fromMS(st)
		return m, err
	})
}
