package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
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
			rc := &receiver{fails: 1}
			ts := httptest.NewTLSServer(rc)
			defer ts.Close()
			s := testserver.Start(t, e, testserver.Options{WebhookAllowPrivate: true, WebhookClient: trusting(ts, true)})
			ctx := context.Background()
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
			rc.mu.Lock()
			rc.secret = m[1]
			rc.mu.Unlock()
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

			// The job worker posts it at once; the receiver answers 503, so the delivery waits for
			// its backoff, then goes through on the next attempt, with the same delivery id.
			waitDelivery(t, s, hooks[0].ID, func(d vaern.WebhookDelivery) bool { return d.Attempts == 1 })
			ds, _ = s.Store.WebhookDeliveries(ctx, s.Fix.A.ID, hooks[0].ID, 10)
			clock := s.Store.Now()
			if ds[0].LastStatus != 503 || ds[0].State() != "pending" || !ds[0].NextAttemptAt.After(clock) {
				t.Fatalf("after the 503: %+v", ds[0])
			}
			_, page = get(t, coord, fmt.Sprintf("%s/org/webhooks/%d", s.URL, hooks[0].ID))
			if !strings.Contains(page, "503 the receiver answered 503 Service Unavailable") || !strings.Contains(page, "0 delivered, 0 failed, 1 waiting") {
				t.Errorf("delivery log after the failed attempt: %.3000s", page)
			}
			time.Sleep(200 * time.Millisecond)
			rc.mu.Lock()
			early := len(rc.ids)
			rc.mu.Unlock()
			if early != 1 {
				t.Fatalf("retried before the backoff: %d requests", early)
			}
			s.Store.SetClock(func() time.Time { return clock.Add(2 * time.Minute) })
			s.Jobs.Wake()
			waitDelivery(t, s, hooks[0].ID, func(d vaern.WebhookDelivery) bool { return d.State() == "delivered" })
			ds, _ = s.Store.WebhookDeliveries(ctx, s.Fix.A.ID, hooks[0].ID, 10)
			rc.mu.Lock()
			defer rc.mu.Unlock()
			if len(rc.errs) != 0 {
				t.Fatalf("the receiver rejected requests: %v", rc.errs)
			}
			if len(rc.ids) != 2 || rc.ids[0] != rc.ids[1] || rc.ids[0] != fmt.Sprint(ds[0].ID) || ds[0].Attempts != 2 || ds[0].LastStatus != 204 {
				t.Errorf("delivery ids %v, delivery %+v: want two attempts with the same id", rc.ids, ds[0])
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

// TestWebhookGivesUp: a receiver that keeps failing is tried as often as the delivery's job
// allows, then the delivery is marked failed with the last answer and nothing is tried again; and
// the production client refuses to connect to a loopback address at all.
func TestWebhookGivesUp(t *testing.T) {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusInternalServerError) }))
	defer ts.Close()
	s := testserver.Start(t, store.SQLite, testserver.Options{WebhookClient: trusting(ts, true)})
	ctx := context.Background()
	hook, err := s.Store.CreateWebhook(ctx, vaern.System("test"), s.Fix.A.ID, vaern.Webhook{URL: ts.URL, Lang: "da"}, notify.NewSecret())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Store.Write(ctx, func(tx *store.Tx) error {
		ev, _, err := tx.NotifyEvent(ctx, s.Fix.A.ID, notify.ActionOwner, "")
		if err != nil {
			return err
		}
		_, err = tx.AddWebhookDelivery(ctx, vaern.WebhookDelivery{WebhookID: hook.ID, OrgID: s.Fix.A.ID, EventID: ev, Kind: notify.ActionOwner, Payload: []byte(`{}`)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	clock := s.Store.Now()
	for n := 1; n <= store.WebhookAttempts; n++ {
		waitDelivery(t, s, hook.ID, func(d vaern.WebhookDelivery) bool { return d.Attempts == n })
		// The attempt is recorded on the delivery before its job is rescheduled: move the clock only
		// once the job is waiting again, or its retry would be counted from the moved clock.
		waitJobIdle(t, s, store.WebhookDeliverKind)
		clock = clock.Add(7 * time.Hour) // past the longest backoff
		s.Store.SetClock(func() time.Time { return clock })
		s.Jobs.Wake()
	}
	waitDelivery(t, s, hook.ID, func(d vaern.WebhookDelivery) bool { return d.State() == "failed" })
	time.Sleep(200 * time.Millisecond)
	ds, _ := s.Store.WebhookDeliveries(ctx, s.Fix.A.ID, hook.ID, 10)
	if len(ds) != 1 || ds[0].Attempts != store.WebhookAttempts || ds[0].LastStatus != 500 {
		t.Fatalf("deliveries %+v", ds)
	}

	// In production the client never reaches loopback, whatever the URL says.
	req, _ := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader("{}"))
	if _, err := trusting(ts, false).Do(req); err == nil || !strings.Contains(err.Error(), "internal address") {
		t.Fatalf("the production client posted to loopback: %v", err)
	}
}

// trusting is the webhook client, trusting the test server's certificate.
func trusting(ts *httptest.Server, allowPrivate bool) *http.Client {
	c := notify.Client(allowPrivate, 10*time.Second)
	c.Transport.(*http.Transport).TLSClientConfig = ts.Client().Transport.(*http.Transport).TLSClientConfig
	return c
}

// waitDelivery waits until the webhook's newest delivery satisfies ok (the job worker runs in the
// background).
// waitJobIdle waits until no job of kind is running.
func waitJobIdle(t *testing.T, s *testserver.Server, kind string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		js, err := s.Store.Jobs(context.Background(), store.JobFilter{})
		busy := err != nil
		for _, j := range js {
			busy = busy || (j.Kind == kind && j.State == store.JobRunning)
		}
		if !busy {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("a %s job is still running", kind)
}

func waitDelivery(t *testing.T, s *testserver.Server, hook int64, ok func(vaern.WebhookDelivery) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ds, err := s.Store.WebhookDeliveries(context.Background(), s.Fix.A.ID, hook, 1)
		if err == nil && len(ds) == 1 && ok(ds[0]) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ds, _ := s.Store.WebhookDeliveries(context.Background(), s.Fix.A.ID, hook, 1)
	t.Fatalf("delivery did not get there: %+v", ds)
}
