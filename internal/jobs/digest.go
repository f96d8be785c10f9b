package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// DigestKind is the periodic job that sends the daily digests.
const DigestKind = "notify.digest"

// DigestWorker sends the daily digest: from Hour in Copenhagen, everyone who chose a digest for
// some kind gets one e-mail listing the notifications of those kinds made before that hour. It runs
// as a periodic job; taking the notifications and queueing the e-mail happen in one transaction,
// so a digest goes out once even when two runs overlap, and a crash loses none.
type DigestWorker struct {
	St   *store.Store
	N    *notify.Notifier
	Log  *slog.Logger
	Hour int // local hour from which the day's digest goes out (default 7)
}

// NewDigestWorker returns the work of the periodic job DigestKind.
func NewDigestWorker(st *store.Store, n *notify.Notifier, log *slog.Logger) *DigestWorker {
	return &DigestWorker{St: st, N: n, Log: log, Hour: 7}
}

// Cutoff is the moment of the most recent digest at now: Hour o'clock today in Copenhagen, or
// yesterday's when that has not come yet.
func (w *DigestWorker) Cutoff(now time.Time) time.Time {
	l := now.In(notify.Zone)
	c := time.Date(l.Year(), l.Month(), l.Day(), w.Hour, 0, 0, 0, notify.Zone)
	if c.After(now) {
		c = c.AddDate(0, 0, -1)
	}
	return c
}

// RunOnce queues the digests due at the store's time and reports how many.
func (w *DigestWorker) RunOnce(ctx context.Context) (int, error) {
	cutoff := w.Cutoff(w.St.Now())
	users, err := w.St.DigestRecipients(ctx, cutoff)
	if err != nil {
		return 0, fmt.Errorf("digest recipients: %w", err)
	}
	n := 0
	var errs []error
	for _, id := range users {
		ok, err := w.St.SendDigest(ctx, id, cutoff, func(u vaern.User, ns []vaern.Notification) vaern.Mail {
			return w.N.Digest(u, "", ns)
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("digest for user %d: %w", id, err))
			continue
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(errs...)
}
