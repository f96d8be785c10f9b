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
			if cs != nil { // the dataset is generated once, not again for each round of b.N
				driveClients(b, cs, func(_, c int) (*http.Request, int) {
					r, _ := http.NewRequest(http.MethodGet, urls[c], nil)
					return r, http.StatusOK
				})
				return
			}
			web.TuneRuntime(os.Getenv)
			ctx := context.Background()
			st := storetest.OpenWith(parent, e, store.Options{})
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
			parent.Cleanup(hs.Close)
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
			// Each client asks for its own member's report.
			driveClients(b, cs, func(_, c int) (*http.Request, int) {
				r, _ := http.NewRequest(http.MethodGet, urls[c], nil)
				return r, http.StatusOK
			})
		})
	}
}
