package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/demo"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/web"
	"github.com/vaern/vaern/internal/wire"
)

// The results benchmarks run against a generated dataset (internal/demo.Scale, the same generator
// as vaern demo --scale). VAERN_BENCH_SCALE sets its size, e.g. 357,10,400 for the figures in
// docs/BENCHMARKS.md; the default is smaller so that the benchmarks start quickly.
// VAERN_BENCH_SCALE_DB reuses a database generated before with vaern demo --scale --generate-only.

type resultsFixture struct {
	url      string
	admin    *http.Client
	coords   []*http.Client
	reportOf []int64 // each coordinator's newest assessment
	gen      demo.ScaleResult
}

var (
	resultsOnce sync.Once
	resultsFix  *resultsFixture
	resultsErr  error
)

func login(base, email string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {demo.Password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login %s: status %d", email, resp.StatusCode)
	}
	return c, nil
}

func resultsSetup(b *testing.B) *resultsFixture {
	web.TuneRuntime(os.Getenv) // as vaern serve does
	b.Helper()
	resultsOnce.Do(func() {
		ctx := context.Background()
		f := &resultsFixture{}
		dsn := os.Getenv("VAERN_BENCH_SCALE_DB")
		fresh := dsn == ""
		if fresh {
			dir, err := os.MkdirTemp("", "vaern-bench-results")
			if err != nil {
				resultsErr = err
				return
			}
			dsn = filepath.Join(dir, "vaern.db")
		}
		st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
		if err != nil {
			resultsErr = err
			return
		}
		if _, err := st.Migrate(ctx); err != nil {
			resultsErr = err
			return
		}
		if fresh {
			spec := os.Getenv("VAERN_BENCH_SCALE")
			if spec == "" {
				spec = "120,6,200"
			}
			sp, err := demo.ParseScale(spec)
			if err != nil {
				resultsErr = err
				return
			}
			if f.gen, err = demo.Scale(ctx, st, sp, 5, nil); err != nil {
				resultsErr = err
				return
			}
			fmt.Fprintf(os.Stderr, "generated %s: %d answers in %.1f s (results and aggregates %.1f s)\n", spec, f.gen.Answers,
				f.gen.Generate.Seconds(), f.gen.Results.Seconds())
		} else {
			centre, err := st.Centre(ctx)
			if err != nil {
				resultsErr = err
				return
			}
			f.gen.Centre = centre
			f.gen.Admin = demo.ScaleAdmin
			if f.gen.Members, err = st.Members(ctx, centre.ID); err != nil {
				resultsErr = err
				return
			}
			for i := 0; i < 64 && i < len(f.gen.Members); i++ {
				f.gen.Coords = append(f.gen.Coords, fmt.Sprintf("koordinator%03d@skala.vaern.test", i+1))
			}
		}
		srv, err := web.New(web.Config{BaseURL: "http://bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BenchmarkK: 5}, st)
		if err != nil {
			resultsErr = err
			return
		}
		hs := httptest.NewServer(srv.Handler())
		f.url = hs.URL
		if f.admin, err = login(hs.URL, f.gen.Admin); err != nil {
			resultsErr = err
			return
		}
		for i, email := range f.gen.Coords {
			c, err := login(hs.URL, email)
			if err != nil {
				resultsErr = err
				return
			}
			list, err := st.Assessments(ctx, f.gen.Members[i].ID)
			if err != nil || len(list) == 0 {
				resultsErr = fmt.Errorf("assessments of member %d: %v", i, err)
				return
			}
			f.coords = append(f.coords, c)
			f.reportOf = append(f.reportOf, list[0].ID)
		}
		resultsFix = f
	})
	if resultsErr != nil {
		b.Fatal(resultsErr)
	}
	return resultsFix
}

func fetch(c *http.Client, u string) (int, int64, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n, err
}

// BenchmarkResultsNational renders the centre's national report (every round's aggregates,
// six charts) one request at a time.
func BenchmarkResultsNational(b *testing.B) {
	f := resultsSetup(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if st, _, err := fetch(f.admin, f.url+"/centre/national"); err != nil || st != 200 {
			b.Fatalf("status %d, %v", st, err)
		}
	}
}

// BenchmarkResultsMemberPage opens municipality reports (scores, trend over every round through the
// version mapping, benchmark position, recommendations) with 64 concurrent coordinators, each its
// own member's newest report, and reports p50 and p99.
func BenchmarkResultsMemberPage(b *testing.B) {
	f := resultsSetup(b)
	var next atomic.Int64
	lat := make([][]time.Duration, len(f.coords))
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range f.coords {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			u := fmt.Sprintf("%s/reports/%d", f.url, f.reportOf[c])
			for int(next.Add(1)) <= b.N {
				t0 := time.Now()
				st, _, err := fetch(f.coords[c], u)
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil || st != 200 {
					failed.Add(1)
				}
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d requests failed", n)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkResultsPDF exports one member's municipality report as PDF, one request at a time.
func BenchmarkResultsPDF(b *testing.B) {
	f := resultsSetup(b)
	u := fmt.Sprintf("%s/reports/%d/export?format=pdf", f.url, f.reportOf[0])
	b.ResetTimer()
	var size int64
	for i := 0; i < b.N; i++ {
		st, n, err := fetch(f.coords[0], u)
		if err != nil || st != 200 {
			b.Fatalf("status %d, %v", st, err)
		}
		size = n
	}
	b.ReportMetric(float64(size), "bytes")
}

// BenchmarkResultsNationalPDF exports the national report as PDF.
func BenchmarkResultsNationalPDF(b *testing.B) {
	f := resultsSetup(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if st, _, err := fetch(f.admin, f.url+"/centre/national/export?format=pdf"); err != nil || st != 200 {
			b.Fatalf("status %d, %v", st, err)
		}
	}
}

// BenchmarkResultsMemberPageOne opens municipality reports one request at a time (64 members in
// turn): the latency without queueing behind other clients.
func BenchmarkResultsMemberPageOne(b *testing.B) {
	f := resultsSetup(b)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := i % len(f.coords)
		t0 := time.Now()
		if st, _, err := fetch(f.coords[c], fmt.Sprintf("%s/reports/%d", f.url, f.reportOf[c])); err != nil || st != 200 {
			b.Fatalf("status %d, %v", st, err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
