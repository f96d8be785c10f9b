package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// sensorOf registers a sensor for the member and returns it with its token.
func sensorOf(t *testing.T, s *testserver.Server, org vaern.Org, key, name string) (vaern.Sensor, string) {
	t.Helper()
	u := s.Fix.Users[key]
	token, hash := auth.NewToken("vs_")
	sn, err := s.Store.CreateSensor(context.Background(), vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID, Role: vaern.RoleCoordinator},
		vaern.Sensor{OrgID: org.ID, Name: name}, hash)
	if err != nil {
		t.Fatal(err)
	}
	return sn, token
}

type ingestAnswer struct {
	Accepted  int            `json:"accepted"`
	Rejected  int            `json:"rejected"`
	Duplicate bool           `json:"duplicate"`
	Other     map[string]int `json:"other"`
	Errors    []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

func postBatch(t *testing.T, s *testserver.Server, token, batch string, body []byte, gz bool) (int, ingestAnswer, string) {
	t.Helper()
	if gz {
		var buf bytes.Buffer
		z := gzip.NewWriter(&buf)
		z.Write(body)
		z.Close()
		body = buf.Bytes()
	}
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/sensor/alerts", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	if batch != "" {
		req.Header.Set("Idempotency-Key", batch)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a ingestAnswer
	if resp.StatusCode == 200 {
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatalf("answer %s: %v", raw, err)
		}
	}
	return resp.StatusCode, a, string(raw)
}

const testBatch = `{"timestamp":"2026-12-02T10:15:00.100000+0100","event_type":"alert","src_ip":"10.0.0.5","src_port":51000,"dest_ip":"185.220.101.4","dest_port":443,"proto":"TCP","alert":{"signature_id":2030001,"signature":"ET MALWARE test","category":"A Network Trojan was detected","severity":1},"tls":{"sni":"evil.example","ja3":{"hash":"e7d705a3286e19ea42f587b344ee6865"}}}
{"timestamp":"2026-12-02T10:16:00Z","event_type":"flow","src_ip":"10.0.0.5","dest_ip":"10.0.0.1"}
{"timestamp":"2026-12-02T10:17:00Z","event_type":"alert","src_ip":"8.8.8.8","dest_ip":"192.168.1.2"}
`

// TestSensorIngestContract is the contract the checks rely on (issue 14): POST /api/v1/sensor/alerts
// with the sensor's token → 200 {accepted, rejected, errors[line, message]}; a wrong or revoked
// token → 401; a retried batch counts once; gzip; a sensor token is no API token and the other
// way round. Every answer is checked against the OpenAPI document by the test client.
func TestSensorIngestContract(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		snA, tokA := sensorOf(t, s, s.Fix.A, "A:coordinator", "Rådhus")
		status, a, raw := postBatch(t, s, tokA, "batch-1", []byte(testBatch), false)
		if status != 200 || a.Accepted != 1 || a.Rejected != 1 || a.Other["flow"] != 1 || len(a.Errors) != 1 || a.Errors[0].Line != 3 {
			t.Fatalf("ingest: %d %s", status, raw)
		}
		status, a, raw = postBatch(t, s, tokA, "batch-1", []byte(testBatch), true) // the same batch again, gzipped
		if status != 200 || !a.Duplicate || a.Accepted != 1 {
			t.Fatalf("retry: %d %s", status, raw)
		}
		page, err := s.Store.SensorAlerts(context.Background(), s.Fix.A.ID, storeFilter())
		if err != nil || len(page.Alerts) != 1 {
			t.Fatalf("stored %d alerts (%v), want 1", len(page.Alerts), err)
		}
		if al := page.Alerts[0]; !strings.HasPrefix(al.SrcIP, sensor.PseudoPrefix) || al.SensorID != snA.ID {
			t.Errorf("stored %+v", al)
		}
		if st, _, _ := postBatch(t, s, "vs_wrong", "b", []byte(testBatch), false); st != 401 {
			t.Errorf("wrong token: %d", st)
		}
		if st, _, _ := postBatch(t, s, "", "b", []byte(testBatch), false); st != 401 {
			t.Errorf("no token: %d", st)
		}
		// A person's API token is no sensor token, and a sensor token is no API token.
		apiTok := createToken(t, signIn(t, s, "A:coordinator"), "script")
		if st, _, _ := postBatch(t, s, apiTok, "b", []byte(testBatch), false); st != 401 {
			t.Errorf("API token on ingest: %d", st)
		}
		c := newClient(t, s)
		wantStatus(t, "sensor token on the API", c.api("GET", "/api/v1/me", tokA, ""), http.StatusUnauthorized)
		// Junk gzip, an unknown encoding, too many events.
		req, _ := http.NewRequest("POST", s.URL+"/api/v1/sensor/alerts", strings.NewReader("not gzip"))
		req.Header.Set("Authorization", "Bearer "+tokA)
		req.Header.Set("Content-Encoding", "gzip")
		if resp, err := s.Client().Do(req); err != nil || resp.StatusCode != 400 {
			t.Errorf("junk gzip: %v %v", resp, err)
		}
		big := strings.Repeat("{\"event_type\":\"flow\"}\n", sensor.DefaultLimits.MaxEvents+1)
		if st, _, raw := postBatch(t, s, tokA, "big", []byte(big), true); st != 413 || !strings.Contains(raw, "events") {
			t.Errorf("too many events: %d %s", st, raw)
		}
		// Revoked: 401.
		u := s.Fix.Users["A:coordinator"]
		if err := s.Store.RevokeSensor(context.Background(), vaern.Actor{UserID: u.ID, OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator}, s.Fix.A.ID, snA.ID); err != nil {
			t.Fatal(err)
		}
		if st, _, _ := postBatch(t, s, tokA, "batch-2", []byte(testBatch), false); st != 401 {
			t.Errorf("revoked token: %d", st)
		}
	})
}

func TestSensorIngestRateAndRealFiles(t *testing.T) {
	s := testserver.Start(t, "sqlite", testserver.Options{SensorRate: sensor.RateLimit{PerSecond: 0.001, Burst: 2}})
	_, tok := sensorOf(t, s, s.Fix.B, "B:coordinator", "Bergen core")
	dir := os.Getenv("VAERN_TESTDATA")
	for i, f := range []string{"suricata/honeypot-2018/alerts-only.json", "suricata/tenzir-vast/eve.json"} {
		body := []byte(testBatch)
		if dir != "" {
			var err error
			if body, err = os.ReadFile(filepath.Join(dir, f)); err != nil {
				t.Fatal(err)
			}
		}
		st, a, raw := postBatch(t, s, tok, f, body, i == 0)
		if st != 200 || a.Accepted == 0 || (dir != "" && a.Rejected != 0) {
			t.Errorf("%s: %d %s", f, st, raw)
		}
	}
	st, _, raw := postBatch(t, s, tok, "third", []byte(testBatch), false)
	if st != 429 || !strings.Contains(raw, "too many batches") {
		t.Errorf("over the rate: %d %s", st, raw)
	}
}

func storeFilter() store.AlertFilter { return store.AlertFilter{} }

// TestSensorIngestSettingsApplyAtOnce: the ingest keeps a member's pseudonymiser while its settings
// are unchanged (the sensor look-up reads their stamp), and a save applies to the very next batch.
func TestSensorIngestSettingsApplyAtOnce(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		sn, token := sensorOf(t, s, s.Fix.A, "A:coordinator", "Stamp")
		line := func(n int) []byte {
			return []byte(`{"timestamp":"2026-12-02T10:1` + string(rune('0'+n)) + `:00Z","event_type":"alert","src_ip":"203.0.113.5","src_port":5000,"dest_ip":"192.168.1.2","dest_port":22,"proto":"TCP","alert":{"signature_id":2001219,"signature":"ET SCAN","category":"scan","severity":2}}` + "\n")
		}
		src := func() string {
			t.Helper()
			page, err := s.Store.SensorAlerts(ctx, s.Fix.A.ID, store.AlertFilter{SensorID: sn.ID, Limit: 1})
			if err != nil || len(page.Alerts) != 1 {
				t.Fatalf("%v %+v", err, page)
			}
			return page.Alerts[0].SrcIP
		}
		for i := range 2 { // the second batch takes the cached pseudonymiser
			if st, _, raw := postBatch(t, s, token, "s"+string(rune('0'+i)), line(i), false); st != 200 {
				t.Fatalf("%d %s", st, raw)
			}
			if got := src(); got != "203.0.113.5" {
				t.Fatalf("a public source outside the member's ranges was stored as %q", got)
			}
		}
		st, err := s.Store.SensorSettingsOf(ctx, s.Fix.A.ID)
		if err != nil {
			t.Fatal(err)
		}
		u := s.Fix.Users["A:coordinator"]
		st.Ranges = "203.0.113.0/24"
		if err := s.Store.SaveSensorSettings(ctx, vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator}, st); err != nil {
			t.Fatal(err)
		}
		if st, _, raw := postBatch(t, s, token, "s9", line(9), false); st != 200 {
			t.Fatalf("%d %s", st, raw)
		}
		if got := src(); got == "203.0.113.5" || got == "" {
			t.Errorf("after the member added 203.0.113.0/24 to its ranges the source was stored as %q, want a pseudonym", got)
		}
	})
}
