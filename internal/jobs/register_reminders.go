package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// RegisterReminders tells system owners when a risk assessment or a data-processing agreement is
// due for review: once per assessment (or system) and review date, a week before it falls due (or
// at once when it is already past). The store records each reminder in the transaction that writes
// its notifications, so several app nodes running this worker never send one twice.
type RegisterReminders struct {
	St      *store.Store
	Cat     *i18n.Catalog
	N       *notify.Notifier
	BaseURL string
	Log     *slog.Logger
	Lead    time.Duration // default one week
	Wake    func()        // called after reminders were queued
}

// NewRegisterReminders returns the work of the periodic job ReviewRemindersKind.
func NewRegisterReminders(st *store.Store, cat *i18n.Catalog, baseURL string, log *slog.Logger) *RegisterReminders {
	return &RegisterReminders{St: st, Cat: cat, N: notify.New(cat, baseURL), BaseURL: strings.TrimRight(baseURL, "/"), Log: log, Lead: 7 * 24 * time.Hour}
}

// RunOnce queues the reminders that are due and returns how many.
func (w *RegisterReminders) RunOnce(ctx context.Context) (int, error) {
	lead := w.Lead
	if lead <= 0 {
		lead = 7 * 24 * time.Hour
	}
	now := w.St.Now()
	n, err := w.St.QueueReviewReminders(ctx, now, lead, w.riskReview)
	m, err2 := w.St.QueueDPAReminders(ctx, now, lead, w.dpaReview)
	if n+m > 0 && w.Wake != nil {
		w.Wake()
	}
	return n + m, errors.Join(err, err2)
}

func (w *RegisterReminders) riskReview(tx *store.Tx, d store.DueReview) error {
	ctx := context.Background()
	all, err := tx.Recipients(ctx, d.Assessment.OrgID)
	if err != nil {
		return err
	}
	k, _ := notify.Lookup(notify.RiskReview)
	a := d.Assessment
	due := a.NextReview.In(notify.Zone).Format(time.DateOnly)
	_, err = w.N.Send(ctx, tx, notify.Event{Kind: notify.RiskReview, OrgID: a.OrgID, Path: fmt.Sprintf("/register/risks/%d", a.ID),
		To: notify.Owners(k, all, d.SystemOwnerID, d.DataOwnerID),
		Args: func(r vaern.Recipient) []any {
			title := a.Threat
			if t, ok := register.BuiltinThreat(a.Threat, r.Lang); ok {
				title = t.Title
			}
			return []any{a.SystemName, title, due}
		},
		Data: map[string]any{"risk_id": a.ID, "system_id": a.SystemID, "next_review": due}})
	return err
}

func (w *RegisterReminders) dpaReview(tx *store.Tx, d store.DueDPA) error {
	ctx := context.Background()
	s := d.System
	all, err := tx.Recipients(ctx, s.OrgID)
	if err != nil {
		return err
	}
	k, _ := notify.Lookup(notify.DPAReview)
	due := s.DPAReview.In(notify.Zone).Format(time.DateOnly)
	_, err = w.N.Send(ctx, tx, notify.Event{Kind: notify.DPAReview, OrgID: s.OrgID, Path: fmt.Sprintf("/register/systems/%d", s.ID),
		Dedupe: store.DPAReminderKey(s.ID, s.DPAReview), To: notify.Owners(k, all, s.SystemOwnerID, s.DataOwnerID),
		Args: func(r vaern.Recipient) []any {
			supplier := s.Supplier
			if supplier == "" {
				supplier = w.Cat.For(r.Lang).T("nt.no_supplier")
			}
			return []any{s.Name, supplier, due}
		},
		Data: map[string]any{"system_id": s.ID, "dpa_review": due}})
	return err
}
