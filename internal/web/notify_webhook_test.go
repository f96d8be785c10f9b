package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// receiver is a member's system behind a webhook: an HTTPS server that checks every request's
// signature with the secret it was given and fails the first fails requests.
type receiver struct {
	mu     sync.Mutex
	secret string
	fails  int
	got    []notify.Payload
	ids    []string
	errs   []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if err := notify.Verify(rc.secret, r.Header.Get(notify.HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
		rc.errs = append(rc.errs, err.Error())
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	rc.ids = append(rc.ids, r.Header.Get(notify.HeaderDelivery))
	if rc.fails > 0 {
		rc.fails--
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	var p notify.Payload
	if err := json.Unmarshal(body, &p); err != nil || r.Header.Get(notify.HeaderEvent) != p.Kind {
		rc.errs = append(rc.errs, fmt.Sprintf("payload %s: %v", body, err))
	}
	rc.got = append(rc.got, p)
	w.WriteHeader(http.StatusNoContent)
}

// TestWebhookDelivery registers a webhook through the coordinator's page, makes an event happen,
// and delivers it to a local TLS server that verifies the HMAC signature: the first attempt fails
// and is retried after its backoff, the delivery log shows both, and the secret is shown once.
func TestWebhookDelivery(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{WebhookAllowPrivate: true})
			ctx := context.Background()
			rc := &receiver{fails: 1}
			ts := httptest.NewTLSServer(rc)
			defer ts.Close()
			coord := s.Login(t, "A:coordinator")
			f := baselineFor(t, s) // the round opens before the webhook exists: that event is not posted

			// Plain http is refused, also where private addresses are allowed.
			if st, _, body := postForm(t, coord, s.URL+"/org/webhooks", url.Values{"url": {strings.Replace(ts.URL, "https", "http", 1)}, "lang": {"en"}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "must be an https:// address") {
				t.Fatalf("http webhook: %d %.300s", st, body)
			}
			st, _, body := postForm(t, coord, s.URL+"/org/webhooks", url.Values{"url": {ts.URL + "/hook"}, "description": {"Sagssystem"}, "lang": {"en"}})
			m := regexp.MustCompile(`data-secret>(whsec_[0-9a-f]{64})<`).FindStringSubmatch(body)
			if st != http.StatusOK || m == nil {
				t.Fatalf("create webhook: %d %.600s", st, body)
			}
			rc.secret = m[1]
			_, page := get(t, coord, s.URL+"/org/webhooks")
			if strings.Contains(page, rc.secret) || !strings.Contains(page, ts.URL+"/hook") {
				t.Fatal("the webhook list shows the secret again, or not the webhook")
			}
			hooks, _ := s.Store.Webhooks(ctx, s.Fix.A.ID)
			if len(hooks) != 1 {
				t.Fatalf("webhooks %+v", hooks)
			}

			// An event in member A: a question delegated (member B's events never reach A's webhook).
			due := s.Store.Now().AddDate(0, 0, 5).Format("2006-01-02")
			if st, _, body := postForm(t, coord, fmt.Sprintf("%s/baseline/%d/delegations", s.URL, f.byOrg[s.Fix.A.ID]), url.Values{"scope": {"a:GOV"},
				"assignee": {fmt.Sprintf("u:%d", s.Fix.Users["A:respondent"].ID)}, "due": {due}}); st != http.StatusSeeOther {
				t.Fatalf("delegate: %d %.300s", st, body)
			}
			ds, _ := s.Store.WebhookDeliveries(ctx, s.Fix.A.ID, hooks[0].ID, 10)
			if len(ds) != 1 || ds[0].Kind != notify.Delegated {
				t.Fatalf("%d deliveries, want the delegation's only", len(ds))
			}

			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			// In production the worker refuses the loopback address outright.
			strict := jobs.NewWebhookWorker(s.Store, false, log)
			strict.HTTP.Transport.(*http.Transport).TLSClientConfig = ts.Client().Transport.(*http.Transport).TLSClientConfig
			if n := strict.RunOnce(ctx); n != 0 {
				t.Fatal("the strict worker delivered to loopback")
			}
			ds, _ = s.Store.WebhookDeliveries(ctx, s.Fix.A.ID, hooks[0].ID, 10)
			if ds[0].Attempts != 1 || !strings.Contains(ds[0].LastError, "internal address") || ds[0].State() != "pending" {
				t.Fatalf("after the refused attempt: %+v", ds[0])
			}
			if len(rc.ids) != 0 {
				t.Fatal("the receiver was reached by the strict worker")
			}

			w := jobs.NewWebhookWorker(s.Store, true, log)
			w.HTTP.Transport.(*http.Transport).TLSClientConfig = ts.Client().Transport.(*http.Transport).TLSClientConfig
			// Not due yet: the backoff after the first failure holds it back.
			if n := w.RunOnce(ctx); n != 0 || len(rc.ids) != 0 {
				t.Fatalf("delivered before its backoff: %d", n)
			}
			clock := s.Store.Now()
			s.Store.SetClock(func() time.Time { return clock.Add(2 * time.Minute) })
			if n := w.RunOnce(ctx); n != 0 || len(rc.ids) != 1 {
				t.Fatalf("second attempt: delivered %d, receiver saw %d", n, len(rc.ids))
			}
			ds, _ = s.Store.WebhookDeliveries(ctx, s.Fix.A.ID, hooks[0].ID, 10)
			if ds[0].Attempts != 2 || ds[0].LastStatus != 503 || ds[0].State() != "pending" || !ds[0].NextAttemptAt.After(clock.Add(5*time.Minute)) {
				t.Fatalf("after the 503: %+v", ds[0])
			}
			s.Store.SetClock(func() time.Time { return clock.Add(time.Hour) })
			if n := w.RunOnce(ctx); n != 1 {
				t.Fatalf("third attempt delivered %d", n)
			}
			if n := w.RunOnce(ctx); n != 0 || len(rc.ids) != 2 {
				t.Fatalf("delivered twice: %d, %v", n, rc.ids)
			}
			if len(rc.errs) != 0 {
				t.Fatalf("the receiver rejected requests: %v", rc.errs)
			}
			if rc.ids[0] != rc.ids[1] || rc.ids[0] != fmt.Sprint(ds[0].ID) {
				t.Errorf("delivery ids %v, want the same id on each retry", rc.ids)
			}
			p := rc.got[0]
			if p.Kind != notify.Delegated || p.OrgID != s.Fix.A.ID || p.URL != s.URL+"/tasks" || !strings.HasPrefix(p.Title, "Questions for you") ||
				p.Data["scope"] != vaern.DelegateArea || p.Data["due"] != due {
				t.Errorf("payload %+v", p)
			}
			if b, _ := json.Marshal(p); strings.Contains(string(b), s.Fix.Users["A:respondent"].Email) {
				t.Errorf("the payload carries a person's address: %s", b)
			}

			// The coordinator reads the delivery log; deleting the webhook keeps it.
			_, page = get(t, coord, fmt.Sprintf("%s/org/webhooks/%d", s.URL, hooks[0].ID))
			if !strings.Contains(page, "delivered") || !strings.Contains(page, notify.Delegated) || !strings.Contains(page, "1 delivered, 0 failed, 0 waiting") {
				t.Errorf("delivery log page: %.3000s", page)
			}
			if st, _, _ := postForm(t, coord, fmt.Sprintf("%s/org/webhooks/%d/delete", s.URL, hooks[0].ID), nil); st != http.StatusSeeOther {
				t.Fatalf("delete: %d", st)
			}
			if st, _ := get(t, coord, fmt.Sprintf("%s/org/webhooks/%d", s.URL, hooks[0].ID)); st != http.StatusNotFound {
				t.Errorf("deleted webhook: %d", st)
			}
		})
	}
}

// TestWebhookGivesUp: a receiver that keeps failing is tried MaxAttempts times, then the delivery
// is marked failed with the last answer, and nothing is tried again.
func TestWebhookGivesUp(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ctx := context.Background()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusInternalServerError) }))
	defer ts.Close()
	hook, err := s.Store.CreateWebhook(ctx, vaern.System("test"), s.Fix.A.ID, vaern.Webhook{URL: ts.URL, Lang: "da"}, notify.NewSecret())
	if err != nil {
		t.Fatal(err)
	}
	h := hook.ID
	if err := s.Store.Write(ctx, func(tx *store.Tx) error {
		ev, _, err := tx.NotifyEvent(ctx, s.Fix.A.ID, notify.ActionOwner, "")
		if err != nil {
			return err
		}
		return tx.AddWebhookDelivery(ctx, vaern.WebhookDelivery{WebhookID: h, OrgID: s.Fix.A.ID, EventID: ev, Kind: notify.ActionOwner, Payload: []byte(`{}`)})
	}); err != nil {
		t.Fatal(err)
	}
	// Another member cannot queue deliveries for A's webhook.
	err = s.Store.Write(ctx, func(tx *store.Tx) error {
		ev, _, _ := tx.NotifyEvent(ctx, s.Fix.B.ID, notify.ActionOwner, "")
		return tx.AddWebhookDelivery(ctx, vaern.WebhookDelivery{WebhookID: h, OrgID: s.Fix.B.ID, EventID: ev, Kind: notify.ActionOwner, Payload: []byte(`{}`)})
	})
	if !errors.Is(err, vaern.ErrNotFound) {
		t.Fatalf("delivery to another member's webhook: %v", err)
	}
	w := jobs.NewWebhookWorker(s.Store, true, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.MaxAttempts = 3
	w.Backoff = func(int) time.Duration { return 0 }
	w.HTTP.Transport.(*http.Transport).TLSClientConfig = ts.Client().Transport.(*http.Transport).TLSClientConfig
	for i := 0; i < 5; i++ {
		w.RunOnce(ctx)
	}
	ds, _ := s.Store.WebhookDeliveries(ctx, s.Fix.A.ID, h, 10)
	if len(ds) != 1 || ds[0].State() != "failed" || ds[0].Attempts != 3 || ds[0].LastStatus != 500 {
		t.Fatalf("deliveries %+v", ds)
	}
}
