package advisory

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// provider is a CSAF provider built in the test: a path → body map, with request counting.
type provider struct {
	mu    sync.Mutex
	files map[string]string
	etags map[string]string
	hits  map[string]int
}

func (p *provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hits[r.URL.Path]++
	body, ok := p.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if et := p.etags[r.URL.Path]; et != "" {
		w.Header().Set("ETag", et)
		if r.Header.Get("If-None-Match") == et {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Write([]byte(body))
}

func sha256Hex(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
func sha512Hex(s string) string { h := sha512.Sum512([]byte(s)); return hex.EncodeToString(h[:]) }

func seedWithID(id string) string { return strings.Replace(csafSeed, "TEST-2025-1", id, 1) }

func newProvider(t *testing.T) (*provider, *httptest.Server) {
	p := &provider{files: map[string]string{}, etags: map[string]string{}, hits: map[string]int{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

func TestFetchProviderROLIE(t *testing.T) {
	p, srv := newProvider(t)
	a, b, c := seedWithID("ACME-1"), seedWithID("ACME-2"), seedWithID("ACME-3")
	p.files["/.well-known/csaf/provider-metadata.json"] = `{"metadata_version":"2.0","canonical_url":"` + srv.URL + `/.well-known/csaf/provider-metadata.json",
		"distributions":[{"rolie":{"feeds":[{"tlp_label":"WHITE","url":"white/feed.json"}]}}]}`
	p.files["/.well-known/csaf/white/feed.json"] = `{"feed":{"id":"f","entry":[
		{"id":"ACME-1","updated":"2025-01-02T00:00:00Z","link":[{"rel":"self","href":"2025/acme-1.json"},{"rel":"hash","href":"2025/acme-1.json.sha256"}]},
		{"id":"ACME-2","link":[{"rel":"self","href":"2025/acme-2.json"},{"rel":"hash","href":"2025/acme-2.json.sha512"}]},
		{"id":"ACME-3","link":[{"rel":"self","href":"2025/acme-3.json"},{"rel":"hash","href":"2025/acme-3.json.sha256"}]}]}}`
	p.files["/.well-known/csaf/white/2025/acme-1.json"] = a
	p.files["/.well-known/csaf/white/2025/acme-1.json.sha256"] = sha256Hex(a) + "  acme-1.json\n"
	p.files["/.well-known/csaf/white/2025/acme-2.json"] = b
	p.files["/.well-known/csaf/white/2025/acme-2.json.sha512"] = sha512Hex(b) + "  acme-2.json\n"
	p.files["/.well-known/csaf/white/2025/acme-3.json"] = c
	p.files["/.well-known/csaf/white/2025/acme-3.json.sha256"] = sha256Hex("tampered") + "  acme-3.json\n"

	got, err := FetchProvider(context.Background(), srv.Client(), srv.URL+"/.well-known/csaf/provider-metadata.json", nil)
	if err == nil || !strings.Contains(err.Error(), "acme-3.json: the document does not match its .sha256 file") {
		t.Errorf("err = %v, want the tampered document named", err)
	}
	if len(got) != 2 || got[0].Data == nil || string(got[0].Data) != a || got[0].SHA256 != sha256Hex(a) || got[0].TLP != "WHITE" ||
		got[0].Updated.IsZero() || string(got[1].Data) != b {
		t.Fatalf("fetched %+v", got)
	}
	for _, f := range got {
		if _, err := Parse(context.Background(), f.URL, f.Data, Options{}); err != nil {
			t.Errorf("fetched document does not parse: %v", err)
		}
	}
	// A second run with what Værn holds: acme-1 is known by its hash and not downloaded again.
	delete(p.files, "/.well-known/csaf/white/2025/acme-3.json")
	before := p.hits["/.well-known/csaf/white/2025/acme-1.json"]
	known := func(u string) (string, bool) {
		if strings.HasSuffix(u, "acme-1.json") {
			return sha256Hex(a), true
		}
		if strings.HasSuffix(u, "acme-2.json") {
			return sha256Hex(b), true
		}
		return "", false
	}
	got, err = FetchProvider(context.Background(), srv.Client(), srv.URL+"/.well-known/csaf/provider-metadata.json", known)
	if len(got) != 0 || err == nil {
		t.Errorf("second run: %+v, %v", got, err)
	}
	if p.hits["/.well-known/csaf/white/2025/acme-1.json"] != before {
		t.Error("a document known by its hash file was downloaded again")
	}
}

func TestFetchProviderDirectory(t *testing.T) {
	p, srv := newProvider(t)
	a, b := seedWithID("DIR-1"), seedWithID("DIR-2")
	p.files["/pm.json"] = `{"metadata_version":"2.0","distributions":[{"directory_url":"` + srv.URL + `/csaf/white"}]}`
	p.files["/csaf/white/index.txt"] = "2025/dir-1.json\n2025/dir-2.json\n"
	p.files["/csaf/white/2025/dir-1.json"] = a
	p.files["/csaf/white/2025/dir-1.json.sha256"] = sha256Hex(a)
	p.files["/csaf/white/2025/dir-2.json"] = b // no hash files: allowed for a directory
	p.etags["/csaf/white/2025/dir-2.json"] = `"v1"`
	got, err := FetchProvider(context.Background(), srv.Client(), srv.URL+"/pm.json", nil)
	if err != nil || len(got) != 2 || got[1].ETag != `"v1"` {
		t.Fatalf("index.txt: %+v, %v", got, err)
	}
	// changes.csv wins over index.txt; the ETag Værn holds turns the download into a 304.
	p.files["/csaf/white/changes.csv"] = `"2025/dir-2.json","2025-02-01T00:00:00+00:00"` + "\n"
	got, err = FetchProvider(context.Background(), srv.Client(), srv.URL+"/pm.json", func(u string) (string, bool) { return `"v1"`, true })
	if err != nil || len(got) != 0 {
		t.Fatalf("changes.csv with known ETag: %+v, %v", got, err)
	}
	p.etags["/csaf/white/2025/dir-2.json"] = `"v2"`
	got, err = FetchProvider(context.Background(), srv.Client(), srv.URL+"/pm.json", func(u string) (string, bool) { return `"v1"`, true })
	if err != nil || len(got) != 1 || got[0].Updated.IsZero() {
		t.Fatalf("changed ETag: %+v, %v", got, err)
	}
}

func TestFetchProviderErrors(t *testing.T) {
	p, srv := newProvider(t)
	if _, err := FetchProvider(context.Background(), srv.Client(), srv.URL+"/missing.json", nil); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing metadata: %v", err)
	}
	p.files["/pm.json"] = `{"metadata_version":"2.0","distributions":[{"directory_url":"/d/"}]}`
	p.files["/d/index.txt"] = "big.json\n"
	p.files["/d/big.json"] = strings.Repeat(" ", maxDocumentBytes+10)
	got, err := FetchProvider(context.Background(), srv.Client(), srv.URL+"/pm.json", nil)
	if len(got) != 0 || err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized: %d, %v", len(got), err)
	}
	if _, err := FetchProvider(context.Background(), srv.Client(), "file:///etc/passwd", nil); err == nil {
		t.Error("file URL accepted")
	}
	p.files["/bad.json"] = `{"metadata_version":"2.0","distributions":[{"directory_url":"/nowhere/"}]}`
	if _, err := FetchProvider(context.Background(), srv.Client(), srv.URL+"/bad.json", nil); err == nil || !strings.Contains(err.Error(), "neither changes.csv") {
		t.Errorf("empty directory: %v", err)
	}
}

func TestFetchProviderNestedMetadata(t *testing.T) {
	p, srv := newProvider(t)
	p.files["/pm.json"] = strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)
	if _, err := FetchProvider(context.Background(), srv.Client(), srv.URL+"/pm.json", nil); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("deep metadata: %v", err)
	}
}
