// Package jobs runs Værn's background work. The mail worker delivers the outbox: messages are
// written in the same transaction as what caused them and sent here, with retries, so nothing that
// was committed is lost when the SMTP server is down or the process restarts.
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

// MailWorker delivers the outbox.
type MailWorker struct {
	St     *store.Store
	Sender Sender
	Log    *slog.Logger
	Every  time.Duration // how often to look for due messages (default 15 s)
	wake   chan struct{}
}

// NewMailWorker returns a worker; call Run to start it.
func NewMailWorker(st *store.Store, s Sender, log *slog.Logger) *MailWorker {
	return &MailWorker{St: st, Sender: s, Log: log, Every: 15 * time.Second, wake: make(chan struct{}, 1)}
}

// Wake makes the worker look at the outbox now (after something queued a message).
func (w *MailWorker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
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

// Run delivers due messages until ctx ends.
func (w *MailWorker) Run(ctx context.Context) {
	t := time.NewTicker(w.Every)
	defer t.Stop()
	for {
		w.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce sends what is due now and reports how many were sent.
func (w *MailWorker) RunOnce(ctx context.Context) int {
	sent := 0
	for {
		msgs, err := w.St.ClaimMail(ctx, w.St.Now(), 10*time.Minute, 20)
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Error("outbox: claim", "err", err)
			}
			return sent
		}
		if len(msgs) == 0 {
			return sent
		}
		for _, m := range msgs {
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			err := w.Sender.Send(sctx, m)
			cancel()
			if err != nil {
				next := w.St.Now().Add(Backoff(m.Attempts + 1))
				w.Log.Warn("outbox: send failed, will retry", "id", m.ID, "to", m.To, "attempt", m.Attempts+1, "next", next, "err", err)
				if err := w.St.MailFailed(ctx, m.ID, next, err.Error()); err != nil {
					w.Log.Error("outbox: record failure", "id", m.ID, "err", err)
				}
				continue
			}
			if err := w.St.MailSent(ctx, m.ID, w.St.Now()); err != nil {
				w.Log.Error("outbox: record delivery", "id", m.ID, "err", err)
				continue
			}
			sent++
		}
	}
}
