package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// The notifications' id kinds: a "notification" is one person's (another person's, in the same
// organisation or another, is not found); a "webhook" is a member's.
func init() {
	idKinds["notification"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(notificationFor(t, s, memberOf(s, role), s.Fix.Users[role], "Til dig"))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, role string) (string, bool) {
			return fmt.Sprint(notificationFor(t, s, s.Fix.B, s.Fix.Users["B:viewer"], "Til en anden")), true
		},
	}
	idKinds["webhook"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			if org.IsCentre() {
				org = s.Fix.A // centre roles are refused before the id matters
			}
			return fmt.Sprint(webhookOf(t, s, org))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, role string) (string, bool) {
			return fmt.Sprint(webhookOf(t, s, s.Fix.B)), memberOf(s, role).ID != s.Fix.B.ID
		},
	}
}

// notificationFor writes a notification for u in org as the notifications module would.
func notificationFor(t *testing.T, s *testserver.Server, org vaern.Org, u vaern.User, title string) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := s.Store.Write(ctx, func(tx *store.Tx) error {
		ev, _, err := tx.NotifyEvent(ctx, org.ID, notify.Delegated, "")
		if err != nil {
			return err
		}
		id, err = tx.AddNotification(ctx, vaern.Notification{EventID: ev, OrgID: org.ID, UserID: u.ID, Kind: notify.Delegated,
			Title: title, URL: "/tasks", Lang: "da"}, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func webhookOf(t *testing.T, s *testserver.Server, org vaern.Org) int64 {
	t.Helper()
	counter++
	h, err := s.Store.CreateWebhook(context.Background(), vaern.System("test"), org.ID,
		vaern.Webhook{URL: fmt.Sprintf("https://hooks.example.dk/%d", counter), Lang: "da"}, notify.NewSecret())
	if err != nil {
		t.Fatal(err)
	}
	return h.ID
}
