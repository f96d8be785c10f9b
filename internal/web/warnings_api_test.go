package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
	"github.com/vaern/vaern/internal/warnings"
)

// wnKEV is a KEV catalogue of one entry for Microsoft Exchange Server, due on dueDate.
func wnKEV(cve, dueDate string) string {
	return `{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.12.01", "dateReleased": "2026-12-01T12:00:00.000Z",
		"count": 1, "vulnerabilities": [{"cveID": "` + cve + `", "vendorProject": "Microsoft", "product": "Exchange Server",
		"vulnerabilityName": "Microsoft Exchange Server Remote Code Execution", "dateAdded": "2026-11-20",
		"shortDescription": "A flaw lets an attacker run code on the server.", "requiredAction": "Apply the vendor's update.",
		"dueDate": "` + dueDate + `", "knownRansomwareCampaignUse": "Known", "notes": "", "cwes": []}]}`
}

// TestWarningsAPI drives the contract endpoints on both engines: a member's script registers a
// system with vendor, product, version, cpe and purl; the centre's script uploads a KEV catalogue
// (published, matched); the member reads its exposures with their evidence and answers one; the
// centre reads the sector's counts only; another member sees nothing of it.
func TestWarningsAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coord := signIn(t, s, "A:coordinator")
		tokA := createToken(t, coord, "script")
		analyst := signIn(t, s, "centre-analyst")
		tokC := createToken(t, analyst, "feeds")
		tokB := createToken(t, signIn(t, s, "B:coordinator"), "script")
		api := newClient(t, s)

		r := api.api("POST", "/api/v1/systems", tokA, `{"name": "Post", "vendor": "Microsoft", "product": "Exchange Server", "version": "2019 CU12",
			"cpe": "", "purl": ""}`)
		wantStatus(t, "system", r, http.StatusCreated)
		sys := decodeJSON[apiSystem](t, "system", r)
		if sys.Vendor != "Microsoft" || sys.Product != "Exchange Server" || sys.Version != "2019 CU12" {
			t.Fatalf("system %+v", sys)
		}
		wantStatus(t, "member may not upload", api.api("POST", "/api/v1/advisories", tokA, wnKEV("CVE-2026-0001", "2026-12-15")), http.StatusForbidden)
		wantAPIFieldError(t, "not an advisory", api.api("POST", "/api/v1/advisories", tokC, `{"hello": "world"}`), "body")
		r = api.api("POST", "/api/v1/advisories", tokC, wnKEV("CVE-2026-0001", "2026-12-15"))
		wantStatus(t, "upload", r, http.StatusCreated)
		type imported struct {
			Format     string `json:"format"`
			Advisories []struct {
				ID      int64 `json:"id"`
				Created bool  `json:"created"`
			} `json:"advisories"`
		}
		im := decodeJSON[imported](t, "upload", r)
		if im.Format != "kev" || len(im.Advisories) != 1 || !im.Advisories[0].Created {
			t.Fatalf("import %+v", im)
		}
		// The server queued the match; run it here (the test server runs no worker).
		if _, err := warnings.NewRunner(s.Store, false).MatchAdvisories(ctx, []int64{im.Advisories[0].ID}); err != nil {
			t.Fatal(err)
		}
		r = api.api("GET", "/api/v1/advisories", tokA, "")
		wantStatus(t, "advisories", r, http.StatusOK)
		type adv struct {
			ID       int64  `json:"id"`
			Source   string `json:"source"`
			SourceID string `json:"source_id"`
			Title    string `json:"title"`
			TLP      string `json:"tlp"`
		}
		advs := decodeJSON[[]adv](t, "advisories", r)
		if len(advs) != 1 || advs[0].Source != "kev" || advs[0].SourceID != "CVE-2026-0001" || advs[0].TLP != "CLEAR" || advs[0].Title == "" {
			t.Fatalf("advisories %+v", advs)
		}
		r = api.api("GET", "/api/v1/exposures", tokA, "")
		wantStatus(t, "exposures", r, http.StatusOK)
		type exp struct {
			ID         int64  `json:"id"`
			SystemID   int64  `json:"system_id"`
			AdvisoryID int64  `json:"advisory_id"`
			SourceID   string `json:"source_id"`
			Tier       string `json:"tier"`
			Status     string `json:"status"`
			Evidence   string `json:"evidence"`
		}
		exps := decodeJSON[[]exp](t, "exposures", r)
		if len(exps) != 1 || exps[0].SystemID != sys.ID || exps[0].SourceID != "CVE-2026-0001" || exps[0].Status != "new" ||
			(exps[0].Tier != "confirm" && exps[0].Tier != "exact") || exps[0].Evidence == "" {
			t.Fatalf("exposures %+v", exps)
		}
		path := fmt.Sprintf("/api/v1/exposures/%d", exps[0].ID)
		wantAPIFieldError(t, "not affected without a reason", api.api("PATCH", path, tokA, `{"status": "not_affected"}`), "reason")
		wantStatus(t, "B answers A's", api.api("PATCH", path, tokB, `{"status": "acknowledged"}`), http.StatusNotFound)
		r = api.api("PATCH", path, tokA, `{"status": "acknowledged"}`)
		wantStatus(t, "acknowledge", r, http.StatusOK)
		if got := decodeJSON[exp](t, "acknowledge", r); got.Status != "acknowledged" {
			t.Fatalf("after acknowledging %+v", got)
		}
		if got := decodeJSON[[]exp](t, "B", api.api("GET", "/api/v1/exposures", tokB, "")); len(got) != 0 {
			t.Fatalf("B sees %+v", got)
		}
		wantStatus(t, "centre reads no member's exposures", api.api("GET", "/api/v1/exposures", tokC, ""), http.StatusForbidden)
		r = api.api("GET", "/api/v1/exposures/summary", tokC, "")
		wantStatus(t, "summary", r, http.StatusOK)
		type sum struct {
			SourceID     string `json:"source_id"`
			Affected     int    `json:"members_affected"`
			Acknowledged int    `json:"members_acknowledged"`
			Fixed        int    `json:"members_fixed"`
		}
		sums := decodeJSON[[]sum](t, "summary", r)
		if len(sums) != 1 || sums[0].Affected != 1 || sums[0].Acknowledged != 1 || sums[0].Fixed != 0 {
			t.Fatalf("summary %+v", sums)
		}
		wantStatus(t, "member reads no summary", api.api("GET", "/api/v1/exposures/summary", tokA, ""), http.StatusForbidden)
		// A re-upload does not duplicate, and the acknowledgement stands.
		wantStatus(t, "again", api.api("POST", "/api/v1/advisories", tokC, wnKEV("CVE-2026-0001", "2026-12-15")), http.StatusCreated)
		if _, err := warnings.NewRunner(s.Store, false).MatchAdvisories(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if got, n, _ := s.Store.Exposures(ctx, s.Fix.A.ID, store.ExposureFilter{Status: "all"}); n != 1 || got[0].Status != vaern.ExposureAcknowledged {
			t.Fatalf("after the re-import %d %+v", n, got)
		}
	})
}
