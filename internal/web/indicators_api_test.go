package web_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/testserver"
)

type apiIndicator struct {
	ID      int64  `json:"id"`
	Type    string `json:"type"`
	Value   string `json:"value"`
	TLP     string `json:"tlp"`
	Source  string `json:"source"`
	Expired bool   `json:"expired"`
}

// TestIndicatorsAPIContract: the centre's analyst adds indicators and imports a STIX bundle; a
// member's token lists and exports what TLP and audience allow it, in every format, with 304 for
// an unchanged export; another member sees none of an AMBER indicator addressed to the first. Every
// answer is checked against the OpenAPI document.
func TestIndicatorsAPIContract(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		tokA := createToken(t, signIn(t, s, "A:viewer"), "sensor")
		tokB := createToken(t, signIn(t, s, "B:viewer"), "sensor")
		tokC := createToken(t, signIn(t, s, "centre-analyst"), "script")
		api := newClient(t, s)

		add := func(body string) apiIndicator {
			t.Helper()
			r := api.api("POST", "/api/v1/indicators", tokC, body)
			wantStatus(t, "add "+body, r, http.StatusCreated)
			return decodeJSON[apiIndicator](t, "add", r)
		}
		amber := add(fmt.Sprintf(`{"value":"evil.example.com","tlp":"AMBER","audience":"named","audience_orgs":[%d],"confidence":90,"category":"c2"}`, s.Fix.A.ID))
		green := add(`{"value":"203.0.113.7","tlp":"GREEN","description":"scanner"}`)
		add(`{"value":"e7d705a3286e19ea42f587b344ee6865","type":"ja3","tlp":"CLEAR"}`)
		for _, bad := range []struct{ body, field string }{
			{`{"value":"nonsense","tlp":"GREEN"}`, "value"},
			{`{"value":"1.2.3.4","tlp":"YELLOW"}`, "tlp"},
			{`{"value":"1.2.3.4","tlp":"GREEN","confidence":500}`, "confidence"},
			{`{"value":"1.2.3.4","tlp":"GREEN","colour":"red"}`, "colour"},
			{`{"value":"1.2.3.4","tlp":"AMBER","audience":"named"}`, "audience_orgs"},
		} {
			wantAPIFieldError(t, bad.body, api.api("POST", "/api/v1/indicators", tokC, bad.body), bad.field)
		}
		wantStatus(t, "a member adds", api.api("POST", "/api/v1/indicators", tokA, `{"value":"1.2.3.4","tlp":"GREEN"}`), http.StatusForbidden)

		listA := decodeJSON[[]apiIndicator](t, "A's list", api.api("GET", "/api/v1/indicators", tokA, ""))
		listB := decodeJSON[[]apiIndicator](t, "B's list", api.api("GET", "/api/v1/indicators", tokB, ""))
		if len(listA) != 3 || len(listB) != 2 {
			t.Fatalf("A sees %d, B sees %d; want 3 and 2", len(listA), len(listB))
		}
		wantStatus(t, "A reads the AMBER one", api.api("GET", fmt.Sprintf("/api/v1/indicators/%d", amber.ID), tokA, ""), http.StatusOK)
		wantStatus(t, "B reads the AMBER one", api.api("GET", fmt.Sprintf("/api/v1/indicators/%d", amber.ID), tokB, ""), http.StatusNotFound)
		wantStatus(t, "bad filter", api.api("GET", "/api/v1/indicators?type=bitcoin", tokA, ""), http.StatusBadRequest)
		if l := decodeJSON[[]apiIndicator](t, "search", api.api("GET", "/api/v1/indicators?q=scanner", tokB, "")); len(l) != 1 || l[0].ID != green.ID {
			t.Errorf("search %+v", l)
		}

		// Exports in every format, for A and for B.
		for _, c := range []struct{ query, inA, notInB string }{
			{"format=plain&type=domain", "evil.example.com", "evil.example.com"},
			{"format=suricata-dataset", "ZXZpbC5leGFtcGxlLmNvbQ==", "ZXZpbC5leGFtcGxlLmNvbQ=="},
			{"format=suricata-datarep", "ZXZpbC5leGFtcGxlLmNvbQ==,90", "ZXZpbC5leGFtcGxlLmNvbQ=="},
			{"format=suricata-dataset&type=ja3", "e7d705a3286e19ea42f587b344ee6865", ""},
			{"format=suricata-iprep", "203.0.113.7,1,", ""},
			{"format=suricata-iprep-categories", "1,VaernManual,", ""},
			{"format=zeek", "evil.example.com\tIntel::DOMAIN\tvaern:manual", "evil.example.com"},
			{"format=stix", "[domain-name:value = 'evil.example.com']", "evil.example.com"},
			{"format=misp", "manifest.json", ""},
		} {
			ra := api.api("GET", "/api/v1/indicators/export?"+c.query, tokA, "")
			wantStatus(t, c.query, ra, http.StatusOK)
			if !strings.Contains(ra.Body, c.inA) {
				t.Errorf("%s for A lacks %q:\n%s", c.query, c.inA, ra.Body)
			}
			rb := api.api("GET", "/api/v1/indicators/export?"+c.query, tokB, "")
			wantStatus(t, c.query+" B", rb, http.StatusOK)
			if c.notInB != "" && strings.Contains(rb.Body, c.notInB) {
				t.Errorf("%s for B holds %q", c.query, c.notInB)
			}
		}
		wantStatus(t, "sha1 dataset", api.api("GET", "/api/v1/indicators/export?format=suricata-dataset&type=sha1", tokA, ""), http.StatusUnprocessableEntity)
		wantStatus(t, "bad format", api.api("GET", "/api/v1/indicators/export?format=csv", tokA, ""), http.StatusBadRequest)
		wantStatus(t, "no token", api.api("GET", "/api/v1/indicators/export?format=zeek", "", ""), http.StatusUnauthorized)

		// A sensor on a timer: 304 while nothing changes, 200 again once something does.
		r := api.api("GET", "/api/v1/indicators/export?format=zeek", tokA, "")
		etag := r.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag")
		}
		cond := func(tok string) *result {
			req, _ := http.NewRequest("GET", s.URL+"/api/v1/indicators/export?format=zeek", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("If-None-Match", etag)
			return api.do(req)
		}
		wantStatus(t, "unchanged", cond(tokA), http.StatusNotModified)
		wantStatus(t, "another principal's etag", cond(tokB), http.StatusOK)
		add(`{"value":"second.example.com","tlp":"GREEN"}`)
		wantStatus(t, "changed", cond(tokA), http.StatusOK)

		// The MISP feed file by file, as a MISP instance fetches it.
		r = api.api("GET", "/api/v1/indicators/misp/manifest.json", tokA, "")
		wantStatus(t, "manifest", r, http.StatusOK)
		man := decodeJSON[map[string]struct {
			Info string `json:"info"`
		}](t, "manifest", r)
		if len(man) != 3 {
			t.Fatalf("manifest %s", r.Body)
		}
		for id := range man {
			wantStatus(t, "event", api.api("GET", "/api/v1/indicators/misp/"+id+".json", tokA, ""), http.StatusOK)
		}
		wantStatus(t, "hashes", api.api("GET", "/api/v1/indicators/misp/hashes.csv", tokA, ""), http.StatusOK)
		wantStatus(t, "unknown event", api.api("GET", "/api/v1/indicators/misp/00000000-0000-0000-0000-000000000000.json", tokA, ""), http.StatusNotFound)
		wantStatus(t, "unknown file", api.api("GET", "/api/v1/indicators/misp/passwd", tokA, ""), http.StatusNotFound)

		// Import a STIX bundle: a dry run keeps nothing; the import writes.
		bundle := `{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[
			{"type":"indicator","spec_version":"2.1","id":"indicator--33fe3b22-0201-47cf-85d0-97c02164528d","created":"2014-05-08T09:00:00.000Z","modified":"2014-05-08T09:00:00.000Z",
			 "pattern":"[ipv4-addr:value = '198.51.100.9']","pattern_type":"stix","valid_from":"2014-05-08T09:00:00Z"},
			{"type":"indicator","spec_version":"2.1","id":"indicator--33fe3b22-0201-47cf-85d0-97c02164528e","created":"2014-05-08T09:00:00.000Z","modified":"2014-05-08T09:00:00.000Z",
			 "pattern":"[file:name = 'x.exe']","pattern_type":"stix","valid_from":"2014-05-08T09:00:00Z"}]}`
		r = api.api("POST", "/api/v1/indicators/import?format=stix&tlp=GREEN&dry_run=true", tokC, bundle)
		wantStatus(t, "dry run", r, http.StatusCreated)
		if got := decodeJSON[struct{ Created, Refused int }](t, "dry run", r); got.Created != 1 || got.Refused != 1 {
			t.Fatalf("dry run %s", r.Body)
		}
		if l := decodeJSON[[]apiIndicator](t, "after dry run", api.api("GET", "/api/v1/indicators?source=feed", tokC, "")); len(l) != 0 {
			t.Fatalf("a dry run kept %d", len(l))
		}
		wantStatus(t, "import", api.api("POST", "/api/v1/indicators/import?format=stix&tlp=GREEN", tokC, bundle), http.StatusCreated)
		if l := decodeJSON[[]apiIndicator](t, "after import", api.api("GET", "/api/v1/indicators?source=feed", tokB, "")); len(l) != 1 || l[0].Value != "198.51.100.9" {
			t.Fatalf("imported %+v", l)
		}
		wantAPIFieldError(t, "broken bundle", api.api("POST", "/api/v1/indicators/import?format=stix&tlp=GREEN", tokC,
			`{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1"}]}`), "file")
		wantStatus(t, "not json", api.api("POST", "/api/v1/indicators/import?format=stix&tlp=GREEN", tokC, `{"type":`), http.StatusBadRequest)
		wantStatus(t, "member imports", api.api("POST", "/api/v1/indicators/import?format=stix&tlp=GREEN", tokA, bundle), http.StatusForbidden)
		if dir := os.Getenv("VAERN_TESTDATA"); dir != "" {
			b, err := os.ReadFile(filepath.Join(dir, "misp", "57c4445b-c548-4654-af0b-4be3950d210f.json"))
			if err != nil {
				t.Fatal(err)
			}
			r := api.api("POST", "/api/v1/indicators/import?format=misp&tlp=CLEAR", tokC, string(b))
			wantStatus(t, "misp import", r, http.StatusCreated)
			if got := decodeJSON[struct{ Created, Refused int }](t, "misp", r); got.Created != 3 || got.Refused != 2 {
				t.Errorf("misp import %s", r.Body)
			}
		}
	})
}
