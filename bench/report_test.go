package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/vaern/vaern/internal/demo"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/web"
)

// BenchmarkReportPage opens municipality reports with 64 concurrent coordinators, each its own
// member's newest report of a closed round, on both engines, over a dataset generated on each
// (VAERN_BENCH_REPORT_SCALE, default 64 members, 6 closed rounds, 200 questions). naive is the
// bare stack of the same engine in the same run: the 100-question form of BenchmarkAreaPage read
// with one query and rendered with html/template.
func BenchmarkReportPage(b *testing.B) {
	spec := os.Getenv("VAERN_BENCH_REPORT_SCALE")
	if spec == "" {
		spec = "64,6,200"
	}
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(e)+"/naive", func(b *testing.B) {
			u := bareForm(b, e, bigFramework(), "da")
			driveClients(b, plainClients(clients), func(int, int) (*http.Request, int) {
				r, _ := http.NewRequest(http.MethodGet, u, nil)
				return r, http.StatusOK
			})
		})
		parent := b
		var urls []string
		var cs []*http.Client
		b.Run(string(e)+"/vaern", func(b *testing.B) {
			if cs == nil { // the dataset is generated once, not again for each round of b.N
				urls, cs = reportFixture(parent, e, spec)
			}
			driveClients(b, cs, func(_, c int) (*http.Request, int) {
				r, _ := http.NewRequest(http.MethodGet, urls[c], nil)
				return r, http.StatusOK
			})
		})
	}
}

// BenchmarkReportPageInterleaved is BenchmarkReportPage with the naive form and Værn's reports
// taking turns in rounds of 200 requests (see interleave), so that a load spike hits both alike.
// It reports both sides' pages per second (target for Værn's ≥ 1,000 with 64 clients).
func BenchmarkReportPageInterleaved(b *testing.B) {
	spec := os.Getenv("VAERN_BENCH_REPORT_SCALE")
	if spec == "" {
		spec = "64,6,200"
	}
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		parent := b
		var naive string
		var urls []string
		var cs []*http.Client
		b.Run(string(e), func(b *testing.B) {
			if cs == nil { // the dataset is generated once, not again for each b.N
				naive = bareForm(parent, e, bigFramework(), "da")
				urls, cs = reportFixture(parent, e, spec)
			}
			tn, tv := interleave(b, plainClients(clients), func(int, int) (*http.Request, int) {
				r, _ := http.NewRequest(http.MethodGet, naive, nil)
				return r, http.StatusOK
			}, cs, func(_, c int) (*http.Request, int) {
				r, _ := http.NewRequest(http.MethodGet, urls[c], nil)
				return r, http.StatusOK
			})
			b.ReportMetric(float64(b.N)/tn.Seconds(), "naive-req/s")
			b.ReportMetric(float64(b.N)/tv.Seconds(), "vaern-req/s")
			b.ReportMetric(tn.Seconds()/tv.Seconds(), "ratio")
		})
	}
}

// reportFixture generates the report benchmarks' dataset (demo.Scale of spec) on engine e, starts
// Værn over it and signs in 64 coordinators: each client's URL is its member's newest report.
func reportFixture(b *testing.B, e store.Engine, spec string) (urls []string, cs []*http.Client) {
	b.Helper()
	web.TuneRuntime(os.Getenv)
	ctx := context.Background()
	st := storetest.OpenWith(b, e, store.Options{})
	sp, err := demo.ParseScale(spec)
	if err != nil {
		b.Fatal(err)
	}
	gen, err := demo.Scale(ctx, st, sp, 5, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{BaseURL: "http://bench", Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BenchmarkK: 5}, st)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	b.Cleanup(hs.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	for i := 0; i < clients; i++ {
		m := i % len(gen.Coords)
		c, err := login(hs.URL, gen.Coords[m])
		if err != nil {
			b.Fatal(err)
		}
		c.Transport = tr
		list, err := st.Assessments(ctx, gen.Members[m].ID)
		if err != nil || len(list) == 0 {
			b.Fatalf("assessments of member %d: %v", m, err)
		}
		cs = append(cs, c)
		urls = append(urls, fmt.Sprintf("%s/reports/%d", hs.URL, list[0].ID))
	}
	return urls, cs
}
