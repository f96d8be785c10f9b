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
	args := func(r vaern.Recipient) []any {
		title := a.Threat
		if t, ok := register.BuiltinThreat(a.Threat, r.Lang); ok {
			title = t.Title
		}
		return []any{a.SystemName, title, due}
	}
	if _, err = w.N.Send(ctx, tx, notify.Event{Kind: notify.RiskReview, OrgID: a.OrgID, Path: fmt.Sprintf("/register/risks/%d", a.ID),
		To: notify.Owners(k, all, d.SystemOwnerID, d.DataOwnerID), Args: args,
		Data: map[string]any{"risk_id": a.ID, "system_id": a.SystemID, "next_review": due}}); err != nil {
		return err
	}
	return w.mailContacts(ctx, tx, notify.RiskReview, all, args, d.SystemOwnerContact, d.DataOwnerContact)
}

// mailContacts tells the owners who are contacts (people without an account, named by their
// e-mail) the same as the users get, by e-mail through the outbox in the transaction that records
// the reminder: the text itself, with no link (they cannot sign in), and why they get it. A person
// who owns the system twice gets one e-mail. The language is the organisation's people's.
func (w *RegisterReminders) mailContacts(ctx context.Context, tx *store.Tx, kind string, all []vaern.Recipient,
	args func(vaern.Recipient) []any, contacts ...vaern.Contact) error {
	lang := "da"
	if len(all) > 0 && all[0].Lang != "" {
		lang = all[0].Lang
	}
	l := w.Cat.For(lang)
	seen := map[string]bool{}
	for _, c := range contacts {
		if c.Email == "" || seen[c.Email] {
			continue
		}
		seen[c.Email] = true
		title, body := w.N.Texts(kind, lang, args(vaern.Recipient{Lang: lang}))
		if err := tx.EnqueueMail(ctx, vaern.Mail{To: c.Email, Subject: title,
			Body: l.T("nt.mail.hello", c.Name) + "\n\n" + body + "\n\n" + l.T("rg.mail.contact")}); err != nil {
			return err
		}
	}
	return nil
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
	args := func(r vaern.Recipient) []any {
		supplier := s.Supplier
		if supplier == "" {
			supplier = w.Cat.For(r.Lang).T("nt.no_supplier")
		}
		return []any{s.Name, supplier, due}
	}
	if _, err = w.N.Send(ctx, tx, notify.Event{Kind: notify.DPAReview, OrgID: s.OrgID, Path: fmt.Sprintf("/register/systems/%d", s.ID),
		Dedupe: store.DPAReminderKey(s.ID, s.DPAReview), To: notify.Owners(k, all, s.SystemOwnerID, s.DataOwnerID), Args: args,
		Data: map[string]any{"system_id": s.ID, "dpa_review": due}}); err != nil {
		return err
	}
	// The system's owner fields hold a contact's name and e-mail when the owner is a contact.
	var contacts []vaern.Contact
	if s.SystemOwnerContactID != 0 {
		contacts = append(contacts, vaern.Contact{Name: s.SystemOwnerName, Email: s.SystemOwnerMail})
	}
	if s.DataOwnerContactID != 0 {
		contacts = append(contacts, vaern.Contact{Name: s.DataOwnerName, Email: s.DataOwnerMail})
	}
	return w.mailContacts(ctx, tx, notify.DPAReview, all, args, contacts...)
}
