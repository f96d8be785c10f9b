package ship_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/sensor/ship"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

var seq atomic.Int64

func eveLines(n int) string {
	var b strings.Builder
	for range n {
		i := seq.Add(1)
		fmt.Fprintf(&b, `{"timestamp":"2026-12-02T10:%02d:%02d.000000+0100","flow_id":%d,"event_type":"alert","src_ip":"10.20.%d.%d","src_port":%d,"dest_ip":"185.220.101.%d","dest_port":443,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2030%03d,"rev":1,"signature":"ET MALWARE test %d","category":"A Network Trojan was detected","severity":1},"payload":"c2VjcmV0"}`+"\n",
			(i/60)%60, i%60, i, i%200, i%250+1, 40000+i%20000, i%250+1, i%50, i)
	}
	return b.String()
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(text)
	f.Close()
}

// gate stands between the shipper and the server: it can be down (connections die) or lose
// the next answer after the server processed the request (an acknowledgement lost on the way).
type gate struct {
	proxy    *httputil.ReverseProxy
	down     atomic.Bool
	loseNext atomic.Bool
	lost     atomic.Int64
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.down.Load() {
		panic(http.ErrAbortHandler)
	}
	if g.loseNext.CompareAndSwap(true, false) {
		g.proxy.ServeHTTP(httptest.NewRecorder(), r) // the server stores it; the answer is lost
		g.lost.Add(1)
		panic(http.ErrAbortHandler)
	}
	g.proxy.ServeHTTP(w, r)
}

// TestShipperFollowsRotationAndOutage ships to the real server on port 0: batches with a
// progress line, the offset kept across a restart, log rotation, a server outage (retried with
// backoff), and an answer lost after the server stored the batch (sent again, counted once).
func TestShipperFollowsRotationAndOutage(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ctx := context.Background()
	token, hash := auth.NewToken("vs_")
	u := s.Fix.Users["A:coordinator"]
	if _, err := s.Store.CreateSensor(ctx, vaern.Actor{UserID: u.ID, OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator},
		vaern.Sensor{OrgID: s.Fix.A.ID, Name: "Rådhus"}, hash); err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(s.URL)
	g := &gate{proxy: httputil.NewSingleHostReverseProxy(target)}
	front := httptest.NewServer(g)
	defer front.Close()

	dir := t.TempDir()
	eve := filepath.Join(dir, "eve.json")
	appendTo(t, eve, eveLines(25)+`{"event_type":"flow","timestamp":"2026-12-02T10:00:00Z"}`+"\nnot json\n")
	pseudo, _ := sensor.NewPseudonymiser(bytes.Repeat([]byte{9}, 32), nil)
	var progress syncBuffer
	cfg := ship.Config{URL: front.URL, Token: token, File: eve, Pseudo: pseudo, BatchLines: 10, Linger: 50 * time.Millisecond,
		Poll: 20 * time.Millisecond, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Once: true, Progress: &progress}
	count := func() int {
		page, err := s.Store.SensorAlerts(ctx, s.Fix.A.ID, store.AlertFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Alerts {
			if strings.HasPrefix(a.SrcIP, "10.") || !a.SrcInternal || a.Payload != "" {
				t.Fatalf("an internal address or a payload reached the server: %+v", a)
			}
		}
		return len(page.Alerts)
	}
	runOnce := func() {
		t.Helper()
		sh, err := ship.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := sh.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	runOnce()
	if n := count(); n != 25 {
		t.Fatalf("%d alerts after the first run, want 25\n%s", n, progress.String())
	}
	if !strings.Contains(progress.String(), "ship: batch 3: 7 lines") || !strings.Contains(progress.String(), "1 rejected here") {
		t.Errorf("progress:\n%s", progress.String())
	}
	runOnce() // restarted: the offset was kept, nothing goes twice
	if n := count(); n != 25 {
		t.Fatalf("%d alerts after a restart, want 25", n)
	}

	// The answer to the next batch is lost after the server stored it: sent again, counted once.
	appendTo(t, eve, eveLines(5))
	g.loseNext.Store(true)
	runOnce()
	if n := count(); n != 30 || g.lost.Load() != 1 || !strings.Contains(progress.String(), "counted once") {
		t.Fatalf("%d alerts after a lost answer, want 30\n%s", n, progress.String())
	}

	// Following: rotation and an outage while it runs.
	cfg.Once = false
	sh, err := ship.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- sh.Run(rctx) }()
	waitFor := func(want int, what string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for count() < want {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d alerts, want %d\n%s", what, count(), want, progress.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if n := count(); n != want {
			t.Fatalf("%s: %d alerts, want %d", what, n, want)
		}
	}
	appendTo(t, eve, eveLines(4))
	waitFor(34, "following")
	if err := os.Rename(eve, eve+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, eve+".1", eveLines(2)) // Suricata writes a little more before it reopens
	appendTo(t, eve, eveLines(3))
	waitFor(39, "rotation")
	g.down.Store(true)
	appendTo(t, eve, eveLines(6))
	time.Sleep(300 * time.Millisecond) // a few failed attempts
	if n := count(); n != 39 {
		t.Fatalf("%d alerts while the server is down", n)
	}
	g.down.Store(false)
	waitFor(45, "after the outage")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := progress.String()
	for _, want := range []string{"rotated", "retrying in"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q:\n%s", want, out)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
