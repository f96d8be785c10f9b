package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestEarlyWarningsFlow drives correlation end to end on both engines: two members' sensors see
// the same address (k set to 2), the job raises an early warning and tells the centre and both
// members; the API lists it with a member count; the analyst drafts the advisory (a draft in the
// warnings module) and dismisses another; a member sees only the warnings it is part of and never
// which other members.
func TestEarlyWarningsFlow(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		analyst := signIn(t, s, "centre-analyst")
		wantStatus(t, "settings", analyst.post("/centre/early-warnings/settings", form("k", "1", "signature_k", "2", "window", "60")), http.StatusUnprocessableEntity)
		wantRedirect(t, "settings", analyst.post("/centre/early-warnings/settings", form("k", "2", "signature_k", "2", "window", "60")), "/centre/early-warnings/settings")

		now := s.Store.Now()
		sight := func(org int64, kind, value string, ago time.Duration) vaern.Sighting {
			at := now.Add(-ago)
			return vaern.Sighting{Kind: kind, Value: value, OrgID: org, Hour: at, FirstSeen: at, LastSeen: at, Count: 3, SignatureID: 2027865, Signature: "ET MALWARE beacon"}
		}
		err := s.Store.Write(ctx, func(tx *store.Tx) error {
			return tx.AddSightings(ctx, []vaern.Sighting{
				sight(s.Fix.A.ID, vaern.IndicatorIP, "198.51.100.23", 30*time.Minute), sight(s.Fix.B.ID, vaern.IndicatorIP, "198.51.100.23", 10*time.Minute),
				sight(s.Fix.A.ID, vaern.IndicatorIP, "9.9.9.9", 30*time.Minute), sight(s.Fix.B.ID, vaern.IndicatorIP, "9.9.9.9", 20*time.Minute),
				sight(s.Fix.A.ID, vaern.IndicatorDomain, "only-a.example", 5*time.Minute),
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		cw := &jobs.Correlator{St: s.Store, N: s.Notifier}
		if n, err := cw.RunOnce(ctx); err != nil || n != 2 {
			t.Fatalf("correlate: %d %v", n, err)
		}
		if n, err := cw.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("second run changed %d %v", n, err)
		}

		tok := createToken(t, analyst, "soc")
		api := newClient(t, s)
		r := api.api("GET", "/api/v1/centre/early-warnings", tok, "")
		wantStatus(t, "api", r, http.StatusOK)
		type ew struct {
			ID        int64  `json:"id"`
			Indicator string `json:"indicator"`
			Members   int    `json:"members"`
			FirstSeen string `json:"first_seen"`
			LastSeen  string `json:"last_seen"`
			Status    string `json:"status"`
		}
		list := decodeJSON[[]ew](t, "api", r)
		if len(list) != 2 || list[0].Indicator != "198.51.100.23" || list[0].Members != 2 || list[0].Status != "open" || list[1].Status != "suppressed" {
			t.Fatalf("api %+v", list)
		}
		wantStatus(t, "api filter", api.api("GET", "/api/v1/centre/early-warnings?status=nope", tok, ""), http.StatusBadRequest)
		tokA := createToken(t, signIn(t, s, "A:coordinator"), "script")
		wantStatus(t, "member api", api.api("GET", "/api/v1/centre/early-warnings", tokA, ""), http.StatusForbidden)

		// Notifications: the centre's analysts of the open one, both members, nobody of the suppressed one.
		for _, c := range []struct {
			key, kind string
			want      int
		}{{"centre-analyst", "sensor.early_warning", 1}, {"A:coordinator", "sensor.early_warning_member", 1}, {"B:coordinator", "sensor.early_warning_member", 1}} {
			u := s.Fix.Users[c.key]
			org := memberOf(s, c.key)
			notes, err := s.Store.Notifications(ctx, org.ID, u.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range notes {
				if x.Kind == c.kind {
					n++
					if strings.Contains(x.Title+x.Body, "9.9.9.9") {
						t.Errorf("%s told of the suppressed warning: %s", c.key, x.Title)
					}
				}
			}
			if n != c.want {
				t.Errorf("%s has %d %s notifications, want %d", c.key, n, c.kind, c.want)
			}
		}

		id := list[0].ID
		page := analyst.get("/centre/early-warnings")
		wantStatus(t, "list", page, http.StatusOK)
		wantContains(t, "list", page.Body, "198.51.100.23", "9.9.9.9", "ET MALWARE beacon")
		page = analyst.get("/centre/early-warnings/" + fmt.Sprint(id))
		wantStatus(t, "warning", page, http.StatusOK)
		wantContains(t, "warning", page.Body, s.Fix.A.Name, s.Fix.B.Name, "<svg")

		// A member: its own page lists the warning, never the other member's name.
		for _, key := range []string{"A:viewer", "B:coordinator"} {
			c := signIn(t, s, key)
			p := c.get("/sensors/early-warnings")
			wantStatus(t, key, p, http.StatusOK)
			wantContains(t, key, p.Body, "198.51.100.23")
			other := s.Fix.B.Name
			if strings.HasPrefix(key, "B:") {
				other = s.Fix.A.Name
			}
			if strings.Contains(p.Body, other) || strings.Contains(p.Body, "9.9.9.9") {
				t.Errorf("%s sees another member or the suppressed warning", key)
			}
			wantStatus(t, key+" centre page", c.get("/centre/early-warnings/"+fmt.Sprint(id)), http.StatusForbidden)
		}
		// A warning only A is part of: B never sees it.
		onlyA := ewOf(t, s, "192.0.2.", s.Fix.A.ID)
		if p := signIn(t, s, "B:respondent").get("/sensors/early-warnings"); strings.Contains(p.Body, "192.0.2.") {
			t.Error("B sees A's early warning")
		}

		// Dismiss needs a reason; advise makes one draft and marks the warning advised.
		wantFieldError(t, "dismiss", analyst.post("/centre/early-warnings/"+fmt.Sprint(onlyA)+"/dismiss", form("reason", "")), "reason")
		wantRedirect(t, "dismiss", analyst.post("/centre/early-warnings/"+fmt.Sprint(onlyA)+"/dismiss", form("reason", "the member's own pentest")), "/centre/early-warnings/"+fmt.Sprint(onlyA))
		r = analyst.post("/centre/early-warnings/"+fmt.Sprint(id)+"/advisory", nil)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/centre/advisories/") {
			t.Fatalf("advise: %d %s", r.StatusCode, r.location())
		}
		adv := analyst.get(r.location())
		wantStatus(t, "advisory", adv, http.StatusOK)
		wantContains(t, "advisory", adv.Body, "198.51.100.23", "TLP:AMBER")
		r2 := analyst.post("/centre/early-warnings/"+fmt.Sprint(id)+"/advisory", nil)
		if r2.location() != r.location() {
			t.Errorf("second advise went to %s, not %s", r2.location(), r.location())
		}
		drafts := analyst.get("/centre/advisories?state=draft")
		wantContains(t, "drafts", drafts.Body, "198.51.100.23")

		// A warninglist import: a bad file names the entry, a good one is listed.
		bad := `{"name": "CDN", "type": "cidr", "list": ["192.0.2.0/24", "not-an-address"], "matching_attributes": ["ip-dst"]}`
		wantStatus(t, "bad list", ewUpload(t, analyst, bad), http.StatusUnprocessableEntity)
		good := `{"name": "Our CDN", "version": 3, "description": "x", "type": "hostname", "list": ["cdn.example.net"], "matching_attributes": ["domain"]}`
		wantStatus(t, "good list", ewUpload(t, analyst, good), http.StatusSeeOther)
		wantContains(t, "settings", analyst.get("/centre/early-warnings/settings").Body, "Our CDN", "Værn: public DNS resolvers")
	})
}

// ewUpload posts a warninglist file to the import form.
func ewUpload(t *testing.T, c *client, data string) *result {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "list.json")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(data))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.s.URL+"/centre/warninglists", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}
