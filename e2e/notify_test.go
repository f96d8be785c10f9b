package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// TestNotificationPages shows the bell, the notifications page, the e-mail settings and the
// webhook pages on a phone without JavaScript, checks them with axe-core, and marks a notification
// read with the page's own form.
func TestNotificationPages(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	coord := e.srv.Fix.Users["A:coordinator"]
	org := e.srv.Fix.A
	if err := e.srv.Store.Write(ctx, func(tx *store.Tx) error {
		ev, _, err := tx.NotifyEvent(ctx, org.ID, notify.RoundOpened, "")
		if err != nil {
			return err
		}
		_, err = tx.AddNotification(ctx, vaern.Notification{EventID: ev, OrgID: org.ID, UserID: coord.ID, Kind: notify.RoundOpened,
			Title: "New round for you: Baseline 2026 – a long title that must wrap on a narrow phone screen without scrolling sideways",
			Body:  "The centre has opened the round Baseline 2026 for your organisation.", URL: "/baseline", Lang: "en"}, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Store.CreateWebhook(ctx, vaern.System("test"), org.ID, vaern.Webhook{
		URL: "https://hooks.example.dk/vaern/a/rather/long/path/that/must/wrap/on/a/phone/screen", Lang: "en"}, notify.NewSecret()); err != nil {
		t.Fatal(err)
	}
	tab := e.tab(t, false)
	// Every page visit also checks the page on a 390 px phone (checkPage).
	if got := signIn(t, tab, e.base, coord.Email); got != "/" {
		t.Fatalf("sign-in landed on %s", got)
	}
	bell := eval[string](t, tab, "read the bell", `document.querySelector("a.bell").textContent.replace(/\s+/g, " ").trim()`)
	if bell != "Notifications 1 unread" {
		t.Errorf("the bell reads %q", bell)
	}
	for _, p := range []string{"/notifications", "/account", "/org/webhooks", "/org/settings"} {
		visit(t, tab, e.base+p)
	}
	hooks, _ := e.srv.Store.Webhooks(ctx, org.ID)
	p := "/org/webhooks/" + strconv.FormatInt(hooks[0].ID, 10)
	visit(t, tab, e.base+p)

	visit(t, tab, e.base+"/notifications")
	do(t, tab, "mark read", chromedp.Click(chromedp.CSS(`form[action^="/notifications/"] button`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
	if bell := eval[string](t, tab, "read the bell", `document.querySelector("a.bell").textContent.replace(/\s+/g, " ").trim()`); strings.Contains(bell, "unread") {
		t.Errorf("after marking read the bell reads %q", bell)
	}
}
