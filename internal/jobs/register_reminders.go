package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

// RegisterReminders reminds system owners by e-mail when a risk assessment is due for review: once
// per assessment and review date, a week before it falls due (or at once when it is already past).
// The store records each reminder in the transaction that queues its e-mail, so several app nodes
// running this worker never send one twice.
type RegisterReminders struct {
	St      *store.Store
	Cat     *i18n.Catalog
	BaseURL string
	Log     *slog.Logger
	Lead    time.Duration // default one week
	Wake    func()        // called after reminders were queued
}

// NewRegisterReminders returns the work of the periodic job ReviewRemindersKind.
func NewRegisterReminders(st *store.Store, cat *i18n.Catalog, baseURL string, log *slog.Logger) *RegisterReminders {
	return &RegisterReminders{St: st, Cat: cat, BaseURL: strings.TrimRight(baseURL, "/"), Log: log, Lead: 7 * 24 * time.Hour}
}

// RunOnce queues the reminders that are due and returns how many.
func (w *RegisterReminders) RunOnce(ctx context.Context) (int, error) {
	lead := w.Lead
	if lead <= 0 {
		lead = 7 * 24 * time.Hour
	}
	n, err := w.St.QueueReviewReminders(ctx, w.St.Now(), lead, w.compose)
	if n > 0 && w.Wake != nil {
		w.Wake()
	}
	return n, err
}

func (w *RegisterReminders) compose(d store.DueReview) vaern.Mail {
	lang := d.OwnerLang
	if lang == "" {
		lang = "da"
	}
	l := w.Cat.For(lang)
	title := d.Assessment.Threat
	if t, ok := register.BuiltinThreat(d.Assessment.Threat, l.Lang); ok {
		title = t.Title
	}
	link := fmt.Sprintf("%s/register/risks/%d", w.BaseURL, d.Assessment.ID)
	return vaern.Mail{To: d.OwnerMail,
		Subject: l.T("reg.mail.review_subject", d.Assessment.SystemName),
		Body: l.T("reg.mail.review_body", d.OwnerName, d.Assessment.SystemName, title, d.Assessment.NextReview.Format("2006-01-02"),
			d.OrgName, link)}
}
