// Package jobs runs Værn's background work as durable jobs (see docs/jobs.md): rows in the job
// table, enqueued in the transaction that causes them, claimed with a lease by a Worker, retried
// with backoff. This file delivers the outbox: messages are written in the same transaction as what
// caused them and sent by a job, so nothing that was committed is lost when the SMTP server is down
// or the process restarts.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, m vaern.Mail) error
}

// SMTPConfig configures delivery over SMTP.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // "starttls" (default), "tls" or "none"
}

// SMTPSender sends through an SMTP server.
type SMTPSender struct{ cfg SMTPConfig }

// NewSMTPSender checks the configuration and returns a sender.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, fmt.Errorf("smtp: host and from address are required")
	}
	switch cfg.TLS {
	case "", "starttls", "tls", "none":
	default:
		return nil, fmt.Errorf("smtp: TLS mode %q: use starttls, tls or none", cfg.TLS)
	}
	return &SMTPSender{cfg: cfg}, nil
}

// Send delivers m.
func (s *SMTPSender) Send(ctx context.Context, m vaern.Mail) error {
	msg := mail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(mail.TypeTextPlain, m.Body)
	opts := []mail.Option{mail.WithPort(s.cfg.Port), mail.WithTimeout(30 * time.Second)}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// LogSender writes messages to the log: for development and for installations without SMTP.
type LogSender struct{ Log *slog.Logger }

// Send logs m.
func (l LogSender) Send(_ context.Context, m vaern.Mail) error {
	l.Log.Info("mail (no SMTP server configured, not sent)", "to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// Backoff is how long to wait before attempt n+1 after n failed attempts.
func Backoff(n int) time.Duration {
	steps := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour}
	if n < 1 {
		n = 1
	}
	if n > len(steps) {
		return 6 * time.Hour
	}
	return steps[n-1]
}

// deliverMail is the handler of store.MailDeliverKind: it sends one outbox message and marks it
// sent in the same transaction that finishes its job. A process killed between the send and that
// commit sends the message again when the job is taken up (at least once: no message is lost).
func deliverMail(st *store.Store, sender Sender, log *slog.Logger) Kind {
	return Kind{Timeout: 2 * time.Minute, Handle: func(ctx context.Context, run *Run) error {
		var a store.MailArgs
		if err := run.Decode(&a); err != nil {
			return err
		}
		m, err := st.Mail(ctx, a.ID)
		if err != nil {
			return Permanent(fmt.Errorf("outbox message %d: %w", a.ID, err))
		}
		if !m.SentAt.IsZero() {
			return nil
		}
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		err = sender.Send(sctx, m)
		cancel()
		if err != nil {
			next := st.Now().Add(Backoff(run.Attempts))
			if ferr := st.MailFailed(ctx, m.ID, next, err.Error()); ferr != nil {
				log.Error("outbox: record failure", "id", m.ID, "err", ferr)
			}
			return fmt.Errorf("send to %s: %w", m.To, err)
		}
		if err := st.MailSent(ctx, run.Lock(), m.ID); err != nil {
			return fmt.Errorf("record delivery of message %d: %w", m.ID, err)
		}
		run.FinishedInTx()
		return nil
	}}
}
