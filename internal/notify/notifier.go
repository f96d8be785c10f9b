package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/store"
)

// Notifier writes notifications. It holds no state of its own beyond the texts and the public
// address for links, so every app node can use its own.
type Notifier struct {
	cat     *i18n.Catalog
	baseURL string
}

// New returns a notifier whose e-mails and webhook payloads link to baseURL.
func New(cat *i18n.Catalog, baseURL string) *Notifier {
	return &Notifier{cat: cat, baseURL: strings.TrimRight(baseURL, "/")}
}

// Attach makes st tell people about the changes it makes (see store.ChangeHook).
func (n *Notifier) Attach(st *store.Store) { st.SetChangeHook(n.Hook) }

// Event is something to tell the people of one organisation.
type Event struct {
	Kind  string
	OrgID int64
	Path  string // the object's page, e.g. /baseline/12
	// Dedupe, when set, makes the event happen once: a second event with the same key tells nobody.
	Dedupe string
	To     []vaern.Recipient
	// Args are the arguments of the kind's texts for one recipient, in their language (dates and
	// framework texts differ by language). A webhook is asked with a Recipient that has only Lang.
	Args func(r vaern.Recipient) []any
	// Data is what a webhook receives besides the kind, title and link: ids, never personal data.
	Data map[string]any
}

// Payload is the JSON body a webhook receives (docs/notifications.md).
type Payload struct {
	ID        int64          `json:"id"`
	Kind      string         `json:"kind"`
	OrgID     int64          `json:"org_id"`
	CreatedAt string         `json:"created_at"`
	Title     string         `json:"title"`
	URL       string         `json:"url"`
	Legal     bool           `json:"legal"`
	Data      map[string]any `json:"data"`
}

// Link is the absolute address of a path.
func (n *Notifier) Link(path string) string { return n.baseURL + path }

// Texts returns the title and text of kind in lang.
func (n *Notifier) Texts(kind, lang string, args []any) (title, body string) {
	l := n.cat.For(lang)
	return l.T("nt."+kind+".title", args...), l.T("nt."+kind+".body", args...)
}

// Send tells the event's recipients inside tx: one notification each, in their language, an e-mail
// as each has chosen, and one delivery per webhook of the organisation. It reports how many people
// were told (0 when the event had already happened).
func (n *Notifier) Send(ctx context.Context, tx *store.Tx, ev Event) (int, error) {
	k, ok := Lookup(ev.Kind)
	if !ok {
		return 0, fmt.Errorf("notify: unknown kind %q", ev.Kind)
	}
	args := ev.Args
	if args == nil {
		args = func(vaern.Recipient) []any { return nil }
	}
	id, fresh, err := tx.NotifyEvent(ctx, ev.OrgID, ev.Kind, ev.Dedupe)
	if err != nil || !fresh {
		return 0, err
	}
	told := 0
	for _, r := range ev.To {
		title, body := n.Texts(ev.Kind, r.Lang, args(r))
		chosen, err := tx.NotifyMode(ctx, r.UserID, ev.Kind)
		if err != nil {
			return told, err
		}
		note := vaern.Notification{EventID: id, OrgID: ev.OrgID, UserID: r.UserID, Kind: ev.Kind, Title: title, Body: body,
			URL: ev.Path, Lang: r.Lang, Mail: "none"}
		var m *vaern.Mail
		switch Mode(k, chosen, r) {
		case vaern.NotifyImmediate:
			note.Mail = "sent"
			m = &vaern.Mail{To: r.Email, Subject: title, Body: n.mailBody(r, body, ev.Path)}
		case vaern.NotifyDigest:
			note.Mail = "digest"
		}
		if _, err := tx.AddNotification(ctx, note, m); err != nil {
			if errors.Is(err, vaern.ErrNotFound) {
				continue // not (or no longer) in the organisation: never told
			}
			return told, fmt.Errorf("notify %s: %w", ev.Kind, err)
		}
		told++
	}
	hooks, err := tx.ActiveWebhooks(ctx, ev.OrgID)
	if err != nil {
		return told, err
	}
	for _, h := range hooks {
		title, _ := n.Texts(ev.Kind, h.Lang, args(vaern.Recipient{Lang: h.Lang}))
		data := ev.Data
		if data == nil {
			data = map[string]any{}
		}
		b, err := json.Marshal(Payload{ID: id, Kind: ev.Kind, OrgID: ev.OrgID, CreatedAt: tx.Now().UTC().Format(time.RFC3339),
			Title: title, URL: n.Link(ev.Path), Legal: k.Legal, Data: data})
		if err != nil {
			return told, err
		}
		if _, err := tx.AddWebhookDelivery(ctx, vaern.WebhookDelivery{WebhookID: h.ID, OrgID: ev.OrgID, EventID: id, Kind: ev.Kind, Payload: b}); err != nil {
			return told, fmt.Errorf("notify %s: webhook %d: %w", ev.Kind, h.ID, err)
		}
	}
	return told, nil
}

// mailBody wraps a notification's text in the e-mail around it.
func (n *Notifier) mailBody(r vaern.Recipient, body, path string) string {
	l := n.cat.For(r.Lang)
	name := r.Name
	if name == "" {
		name = r.Email
	}
	var b strings.Builder
	b.WriteString(l.T("nt.mail.hello", name))
	b.WriteString("\n\n")
	b.WriteString(body)
	b.WriteString("\n\n")
	if path != "" {
		b.WriteString(l.T("nt.mail.open", n.Link(path)))
		b.WriteString("\n\n")
	}
	b.WriteString(l.T("nt.mail.footer", n.Link("/account#notifications")))
	return b.String()
}

// Digest is the one e-mail listing a person's notifications of the last day.
func (n *Notifier) Digest(u vaern.User, lang string, ns []vaern.Notification) vaern.Mail {
	if u.Lang != "" {
		lang = u.Lang
	}
	if lang == "" && len(ns) > 0 {
		lang = ns[0].Lang
	}
	l := n.cat.For(lang)
	name := u.Name
	if name == "" {
		name = u.Email
	}
	var b strings.Builder
	b.WriteString(l.T("nt.mail.hello", name))
	b.WriteString("\n\n")
	b.WriteString(l.T("nt.digest.intro", len(ns)))
	b.WriteString("\n")
	for _, x := range ns {
		b.WriteString("\n- ")
		b.WriteString(x.Title)
		if x.URL != "" {
			b.WriteString("\n  ")
			b.WriteString(n.Link(x.URL))
		}
	}
	b.WriteString("\n\n")
	b.WriteString(l.T("nt.digest.all", n.Link("/notifications")))
	b.WriteString("\n\n")
	b.WriteString(l.T("nt.mail.footer", n.Link("/account#notifications")))
	return vaern.Mail{To: u.Email, Subject: l.T("nt.digest.subject", len(ns)), Body: b.String()}
}
