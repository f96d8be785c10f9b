package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestNotificationStorage: events with a key happen once, a notification only ever reaches a person
// of the event's organisation, reads are scoped to the person, the legal rule holds in the store,
// a digest is taken once, and a webhook delivery is queued with its job, for its own member only.
func TestNotificationStorage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		const kind = "baseline.delegated"
		var first int64
		ok(t, s.Write(ctx, func(tx *store.Tx) error {
			id, fresh, err := tx.NotifyEvent(ctx, f.A.Org.ID, kind, "once")
			if err != nil || !fresh {
				t.Fatalf("first event: %v %v", fresh, err)
			}
			first = id
			_, fresh, err = tx.NotifyEvent(ctx, f.A.Org.ID, kind, "once")
			if err != nil || fresh {
				t.Fatalf("the same key twice: fresh %v, %v", fresh, err)
			}
			if _, fresh, _ := tx.NotifyEvent(ctx, f.A.Org.ID, kind, ""); !fresh {
				t.Fatal("an event without a key is refused")
			}
			if _, fresh, _ := tx.NotifyEvent(ctx, f.A.Org.ID, kind, ""); !fresh {
				t.Fatal("a second event without a key is refused")
			}
			// Recipients are the organisation's people, with their language.
			rs, err := tx.Recipients(ctx, f.A.Org.ID)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if strings.Contains(r.Email, "@b.") || r.Lang == "" {
					t.Errorf("recipient %+v", r)
				}
			}
			return nil
		}))
		add := func(org int64, u vaern.User, m *vaern.Mail, mode string) (int64, error) {
			var id int64
			err := s.Write(ctx, func(tx *store.Tx) error {
				var err error
				id, err = tx.AddNotification(ctx, vaern.Notification{EventID: first, OrgID: org, UserID: u.ID, Kind: kind, Title: "T " + u.Email,
					URL: "/tasks", Lang: "da", Mail: mode}, m)
				return err
			})
			return id, err
		}
		// B's respondent cannot be told about A's event.
		if _, err := add(f.A.Org.ID, f.B.Respondent, nil, ""); err != vaern.ErrNotFound {
			t.Fatalf("a person of another member: %v, want not found", err)
		}
		n1 := must(add(f.A.Org.ID, f.A.Respondent, &vaern.Mail{To: f.A.Respondent.Email, Subject: "S", Body: "B"}, "sent"))(t)
		must(add(f.A.Org.ID, f.A.Respondent, nil, "digest"))(t)
		must(add(f.A.Org.ID, f.A.Viewer, nil, "digest"))(t)
		if _, err := add(f.A.Org.ID, f.A.Viewer, nil, "sent"); err == nil {
			t.Fatal("mode sent without an e-mail accepted")
		}
		box := must(s.Outbox(ctx, 10))(t)
		if len(box) != 1 || box[0].To != f.A.Respondent.Email {
			t.Fatalf("outbox %+v", box)
		}
		if n := must(s.UnreadNotifications(ctx, f.A.Org.ID, f.A.Respondent.ID))(t); n != 2 {
			t.Fatalf("unread %d", n)
		}
		// Another person, or the same person in another organisation, does not reach it.
		wantErr(t, s.MarkNotificationRead(ctx, f.A.Org.ID, f.A.Viewer.ID, n1), vaern.ErrNotFound)
		wantErr(t, s.MarkNotificationRead(ctx, f.B.Org.ID, f.A.Respondent.ID, n1), vaern.ErrNotFound)
		if _, err := s.Notification(ctx, f.A.Org.ID, f.A.Viewer.ID, n1); err != vaern.ErrNotFound {
			t.Fatalf("another's notification: %v", err)
		}
		ok(t, s.MarkNotificationRead(ctx, f.A.Org.ID, f.A.Respondent.ID, n1))
		ok(t, s.MarkNotificationRead(ctx, f.A.Org.ID, f.A.Respondent.ID, n1)) // twice is fine
		if got := must(s.Notification(ctx, f.A.Org.ID, f.A.Respondent.ID, n1))(t); !got.Read() || got.Title != "T "+f.A.Respondent.Email {
			t.Fatalf("notification %+v", got)
		}
		if n := must(s.MarkAllNotificationsRead(ctx, f.A.Org.ID, f.A.Respondent.ID))(t); n != 1 {
			t.Fatalf("marked %d", n)
		}

		// Preferences: the legal rule is checked in the transaction; a refused save changes nothing.
		legal := func(k string) bool { return k == "register.dpa_review" }
		ok(t, s.SetNotifyPrefs(ctx, f.coordA(), f.A.Org.ID, f.A.Coordinator.ID, []vaern.NotifyPref{{Kind: kind, Mode: vaern.NotifyOff}}, legal))
		var ve *vaern.ValidationError
		err := s.SetNotifyPrefs(ctx, f.coordA(), f.A.Org.ID, f.A.Coordinator.ID, []vaern.NotifyPref{{Kind: kind, Mode: vaern.NotifyDigest},
			{Kind: "register.dpa_review", Mode: vaern.NotifyOff}}, legal)
		if !asValidation(err, &ve) || ve.Field != "pref.register.dpa_review" {
			t.Fatalf("legal off: %v", err)
		}
		if err := s.SetNotifyPrefs(ctx, f.coordA(), f.A.Org.ID, f.A.Coordinator.ID, []vaern.NotifyPref{{Kind: kind, Mode: "sometimes"}}, legal); !asValidation(err, &ve) {
			t.Fatalf("bad mode: %v", err)
		}
		prefs := must(s.NotifyPrefs(ctx, f.A.Coordinator.ID))(t)
		if len(prefs) != 1 || prefs[kind] != vaern.NotifyOff {
			t.Fatalf("prefs %v", prefs)
		}
		ok(t, s.Write(ctx, func(tx *store.Tx) error {
			if m, _ := tx.NotifyMode(ctx, f.A.Coordinator.ID, kind); m != vaern.NotifyOff {
				t.Errorf("mode %q", m)
			}
			// Never chosen: "", so that the kind's own default applies (notify.Mode).
			if m, _ := tx.NotifyMode(ctx, f.A.Viewer.ID, kind); m != "" {
				t.Errorf("mode never chosen = %q, want \"\"", m)
			}
			return nil
		}))

		// Digests: taken once, each person's own.
		f.clock.Add(time.Hour)
		users := must(s.DigestRecipients(ctx, f.clock.Now()))(t)
		if len(users) != 2 {
			t.Fatalf("digest recipients %v", users)
		}
		compose := func(u vaern.User, ns []vaern.Notification) vaern.Mail {
			for _, n := range ns {
				if n.UserID != u.ID {
					t.Errorf("%s's digest holds %d's notification", u.Email, n.UserID)
				}
			}
			return vaern.Mail{To: u.Email, Subject: "Digest", Body: "x"}
		}
		if sent := must(s.SendDigest(ctx, f.A.Viewer.ID, f.clock.Now(), compose))(t); !sent {
			t.Fatal("no digest")
		}
		if sent := must(s.SendDigest(ctx, f.A.Viewer.ID, f.clock.Now(), compose))(t); sent {
			t.Fatal("digest sent twice")
		}
		if users := must(s.DigestRecipients(ctx, f.clock.Now()))(t); len(users) != 1 || users[0] != f.A.Respondent.ID {
			t.Fatalf("digest recipients after one digest %v", users)
		}

		// Webhooks: another member's id is not found; two claims never return the same delivery.
		h := must(s.CreateWebhook(ctx, f.coordA(), f.A.Org.ID, vaern.Webhook{URL: "https://hooks.example.dk/a", Lang: "da"}, strings.Repeat("k", 40)))(t)
		if _, err := s.CreateWebhook(ctx, f.coordA(), f.A.Org.ID, vaern.Webhook{URL: "http://hooks.example.dk/a", Lang: "da"}, strings.Repeat("k", 40)); !asValidation(err, &ve) || ve.Field != "url" {
			t.Fatalf("http webhook: %v", err)
		}
		if _, err := s.Webhook(ctx, f.B.Org.ID, h.ID); err != vaern.ErrNotFound {
			t.Fatalf("B reads A's webhook: %v", err)
		}
		wantErr(t, s.DeleteWebhook(ctx, f.coordB(), f.B.Org.ID, h.ID), vaern.ErrNotFound)
		var delivery int64
		ok(t, s.Write(ctx, func(tx *store.Tx) error {
			hooks, err := tx.ActiveWebhooks(ctx, f.A.Org.ID)
			if err != nil || len(hooks) != 1 {
				t.Fatalf("active webhooks %v %v", hooks, err)
			}
			if hooks, _ := tx.ActiveWebhooks(ctx, f.B.Org.ID); len(hooks) != 0 {
				t.Fatalf("B's active webhooks %v", hooks)
			}
			id, err := tx.AddWebhookDelivery(ctx, vaern.WebhookDelivery{WebhookID: h.ID, OrgID: f.A.Org.ID, EventID: first, Kind: kind, Payload: []byte(`{"a":1}`)})
			delivery = id
			return err
		}))
		// Its job is queued with it, for the organisation.
		js := must(s.Jobs(ctx, store.JobFilter{}))(t)
		found := false
		for _, j := range js {
			found = found || (j.Kind == store.WebhookDeliverKind && j.OrgID == f.A.Org.ID)
		}
		if !found {
			t.Fatalf("no delivery job among %+v", js)
		}
		// Another member cannot queue a delivery for A's webhook.
		err = s.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.AddWebhookDelivery(ctx, vaern.WebhookDelivery{WebhookID: h.ID, OrgID: f.B.Org.ID, EventID: first, Kind: kind, Payload: []byte(`{}`)})
			return err
		})
		wantErr(t, err, vaern.ErrNotFound)
		got := must(s.WebhookDeliveryToSend(ctx, delivery))(t)
		if got.URL != h.URL || got.Secret != strings.Repeat("k", 40) || string(got.Payload) != `{"a":1}` || got.State() != "pending" {
			t.Fatalf("to send %+v", got)
		}
		now := f.clock.Now()
		ok(t, s.WebhookFailed(ctx, delivery, now, now.Add(time.Minute), 502, strings.Repeat("ø", 400)))
		ok(t, s.WebhookDelivered(ctx, delivery, now.Add(time.Minute), 200))
		ds := must(s.WebhookDeliveries(ctx, f.A.Org.ID, h.ID, 10))(t)
		if len(ds) != 1 || ds[0].State() != "delivered" || ds[0].Attempts != 2 || ds[0].LastStatus != 200 {
			t.Fatalf("deliveries %+v", ds)
		}
		if ds := must(s.WebhookDeliveries(ctx, f.B.Org.ID, h.ID, 10))(t); len(ds) != 0 {
			t.Fatal("B reads A's delivery log")
		}
		ok(t, s.DeleteWebhook(ctx, f.coordA(), f.A.Org.ID, h.ID))
		if _, err := s.WebhookDeliveryToSend(ctx, delivery); err != vaern.ErrNotFound {
			t.Fatalf("a deleted webhook's delivery: %v", err)
		}
		if hooks := must(s.Webhooks(ctx, f.A.Org.ID))(t); len(hooks) != 0 {
			t.Fatalf("deleted webhook listed: %+v", hooks)
		}
	})
}

func asValidation(err error, ve **vaern.ValidationError) bool {
	v, ok := err.(*vaern.ValidationError)
	if ok {
		*ve = v
	}
	return ok
}
