package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

const testKEV = `{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.12.01", "dateReleased": "2026-12-01T12:00:00.000Z",
	"count": 1, "vulnerabilities": [{"cveID": "CVE-2026-0002", "vendorProject": "Fortinet", "product": "FortiOS",
	"vulnerabilityName": "FortiOS out-of-bounds write", "dateAdded": "2026-11-20", "shortDescription": "Code execution.",
	"requiredAction": "Apply the update.", "dueDate": "2026-12-11", "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []}]}`

// TestWarningsFeedAndNotify: the feed job fetches a KEV catalogue from a local server (then only
// when it changed), the match job warns the system owner, the notify job tells them once, and the
// escalation tells the coordinator when the warning is overdue.
func TestWarningsFeedAndNotify(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { return now })
		sys := vaern.System("test")
		c, _ := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centre", Country: "DK"})
		m, _ := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
		owner, err := st.CreateUser(ctx, sys, store.NewUser{Email: "owner@aarhus.dk", Name: "Mette", Lang: "da", OrgID: m.ID, Role: vaern.RoleRespondent})
		if err != nil {
			t.Fatal(err)
		}
		coord, _ := st.CreateUser(ctx, sys, store.NewUser{Email: "coord@aarhus.dk", Name: "Karen", Lang: "da", OrgID: m.ID, Role: vaern.RoleCoordinator})
		if _, err := st.CreateSystem(ctx, sys, m.ID, vaern.ITSystem{Name: "Firewall", Vendor: "Fortinet", Product: "FortiOS", Version: "7.2.8", SystemOwnerID: owner.ID}); err != nil {
			t.Fatal(err)
		}
		hits := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits++
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			io.WriteString(w, testKEV)
		}))
		defer srv.Close()
		if _, err := st.AddWarningFeed(ctx, sys, c.ID, "kev", srv.URL+"/kev.json"); err != nil {
			t.Fatal(err)
		}
		cat, _ := i18n.Load()
		reg := jobs.NewRegistry()
		jobs.Standard(reg, jobs.Config{St: st, Cat: cat, BaseURL: "https://vaern.example.dk", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Sender: jobs.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, FeedClient: srv.Client()})
		w := jobs.NewWorker(st, reg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err := jobs.FetchFeeds(ctx, st, srv.Client()); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := st.Advisories(ctx, access.ForOrg(m), store.AdvisoryFilter{}); n != 1 {
			t.Fatalf("advisories after the fetch: %d", n)
		}
		if err := jobs.FetchFeeds(ctx, st, srv.Client()); err != nil {
			t.Fatal(err)
		}
		feeds, _ := st.WarningFeeds(ctx)
		if hits != 2 || feeds[0].LastResult != "unchanged" {
			t.Fatalf("second fetch: %d hits, result %q", hits, feeds[0].LastResult)
		}
		// A paused feed is not fetched; resumed, it is again.
		if err := st.SetWarningFeedEnabled(ctx, sys, c.ID, feeds[0].ID, false); err != nil {
			t.Fatal(err)
		}
		if err := jobs.FetchFeeds(ctx, st, srv.Client()); err != nil || hits != 2 {
			t.Fatalf("a paused feed was fetched: %d hits, %v", hits, err)
		}
		if err := st.SetWarningFeedEnabled(ctx, sys, c.ID, feeds[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if err := jobs.FetchFeeds(ctx, st, srv.Client()); err != nil || hits != 3 {
			t.Fatalf("the resumed feed: %d hits, %v", hits, err)
		}
		if err := st.SetWarningFeedEnabled(ctx, sys, c.ID, 99999, false); err != vaern.ErrNotFound {
			t.Fatalf("pausing an unknown feed: %v", err)
		}
		for range 4 {
			w.RunDue(ctx)
		}
		exps, n, _ := st.Exposures(ctx, m.ID, store.ExposureFilter{})
		if n != 1 {
			t.Fatalf("exposures %d", n)
		}
		notes, _ := st.Notifications(ctx, m.ID, owner.ID, 10)
		if len(notes) != 1 || !strings.HasPrefix(notes[0].Kind, "warnings.") || !strings.Contains(notes[0].Title, "Firewall") {
			t.Fatalf("owner's notifications %+v", notes)
		}
		if got, _ := st.Notifications(ctx, m.ID, coord.ID, 10); len(got) != 0 {
			t.Fatalf("the coordinator was told of a warning with an owner: %+v", got)
		}
		// Past the due date: the escalation tells the coordinator, once.
		now = now.AddDate(0, 0, 10)
		if n, err := st.EscalateOverdue(ctx); err != nil || n != 1 {
			t.Fatalf("escalated %d %v", n, err)
		}
		for range 2 {
			w.RunDue(ctx)
		}
		got, _ := st.Notifications(ctx, m.ID, coord.ID, 10)
		if len(got) != 1 || got[0].Kind != "warnings.overdue" {
			t.Fatalf("coordinator's notifications %+v (exposure %+v)", got, exps[0].Due)
		}
	})
}
