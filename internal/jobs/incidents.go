package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/incident"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// IncidentRemindersKind is the periodic job that reminds of incident deadlines.
const IncidentRemindersKind = "incident.reminders"

// IncidentReminders tells a case's handler (else the member's coordinators) at the centre's
// reminder points before each deadline, and escalates to every coordinator (and the handler)
// when a deadline has passed without a submission. Each reminder is an event with a dedupe key
// (store.IncidentReminderKey), written in the transaction of its notifications, so several app
// nodes never send one twice. Legal deadlines use legal kinds (their e-mail cannot be switched
// off); the centre's own SLAs do not.
type IncidentReminders struct {
	St  *store.Store
	Cat *i18n.Catalog
	N   *notify.Notifier
	Log *slog.Logger
	// Wake is called after reminders were queued (the mail worker picks them up at once).
	Wake func()
}

// NewIncidentReminders returns the work of IncidentRemindersKind.
func NewIncidentReminders(st *store.Store, cat *i18n.Catalog, n *notify.Notifier, log *slog.Logger) *IncidentReminders {
	return &IncidentReminders{St: st, Cat: cat, N: n, Log: log}
}

// RunOnce queues the reminders that are due at the store's clock and returns how many.
func (w *IncidentReminders) RunOnce(ctx context.Context) (int, error) {
	centre, err := w.St.Centre(ctx)
	if err != nil {
		if err == vaern.ErrNotFound {
			return 0, nil
		}
		return 0, err
	}
	b, err := w.St.IncidentSettings(ctx, centre.ID)
	if err != nil {
		return 0, err
	}
	settings, err := incident.ParseSettings(b)
	if err != nil {
		return 0, err
	}
	n, err := w.St.QueueIncidentReminders(ctx, w.St.Now(), settings.ReminderPoints(), func(tx *store.Tx, d store.DueDeadline) error {
		return w.send(ctx, tx, d, settings)
	})
	if n > 0 && w.Wake != nil {
		w.Wake()
	}
	return n, err
}

func (w *IncidentReminders) send(ctx context.Context, tx *store.Tx, d store.DueDeadline, settings incident.Settings) error {
	c, dl := d.Case, d.Deadline
	all, err := tx.Recipients(ctx, c.OrgID)
	if err != nil {
		return err
	}
	kind := notify.IncidentDeadline
	switch {
	case !dl.Legal:
		kind = notify.IncidentSLA
	case d.Point == 0:
		kind = notify.IncidentOverdue
	}
	k, _ := notify.Lookup(kind)
	var to []vaern.Recipient
	if d.Point == 0 {
		// The escalation: every coordinator, and the handler.
		to = append(notify.Coordinators(k, all, 0), notify.People(k, all, 0, c.HandlerID)...)
		to = dedupe(to)
	} else if to = notify.People(k, all, 0, c.HandlerID); len(to) == 0 {
		to = notify.Coordinators(k, all, 0)
	}
	regName := dl.Regime
	if r, ok := settings.Lookup(dl.Regime); ok {
		regName = r.Name
	}
	due := dl.DueAt.In(incident.Zone(c.Country)).Format("2006-01-02 15:04")
	_, err = w.N.Send(ctx, tx, notify.Event{Kind: kind, OrgID: c.OrgID, Path: fmt.Sprintf("/incidents/%d", c.ID),
		Dedupe: store.IncidentReminderKey(dl, d.Point), To: to,
		Args: func(r vaern.Recipient) []any {
			l := w.Cat.For(r.Lang)
			return []any{c.Title, due, l.Maybe("inc.step."+dl.Step, dl.Step), l.Maybe("inc.regime."+dl.Regime, regName)}
		},
		Data: map[string]any{"incident_id": c.ID, "regime": dl.Regime, "step": dl.Step, "due_at": dl.DueAt.UTC().Format(time.RFC3339),
			"overdue": d.Point == 0}})
	return err
}

func dedupe(rs []vaern.Recipient) []vaern.Recipient {
	seen := map[int64]bool{}
	var out []vaern.Recipient
	for _, r := range rs {
		if !seen[r.UserID] {
			seen[r.UserID] = true
			out = append(out, r)
		}
	}
	return out
}
