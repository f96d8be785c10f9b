// Package bench holds Værn's benchmarks: testing.B benchmarks that drive the real HTTP server with
// many concurrent signed-in clients (this file), and the stand-alone load generator in loadgen/.
// Figures go to docs/BENCHMARKS.md.
package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
	"github.com/vaern/vaern/internal/web"
)

// clients is the number of concurrent signed-in browsers in the baseline benchmarks.
const clients = 64

// bigFramework is a framework with one focus area of 100 questions, the size of the largest areas
// in the frameworks municipalities answer today.
func bigFramework() *framework.Framework {
	txt := func(s string) framework.Text { return framework.Text{"da": s + " (da)", "nb": s + " (nb)", "en": s} }
	f := &framework.Framework{ID: "bench", Version: "1", Languages: []string{"da", "nb", "en"}, Title: txt("Benchmark"), NotRelevant: true}
	for l := 0; l <= 5; l++ {
		f.Scale = append(f.Scale, framework.ScaleLevel{Level: l, Label: txt(fmt.Sprintf("Level %d", l)),
			Description: txt(fmt.Sprintf("A description of what maturity level %d looks like in practice, in a sentence or two.", l))})
	}
	area := &framework.Area{ID: "BIG", Title: txt("A large focus area")}
	for i := 1; i <= 100; i++ {
		q := &framework.Question{ID: fmt.Sprintf("BIG-%03d", i), Text: txt(fmt.Sprintf("How well does the organisation handle topic number %d?", i)),
			Help:     txt("Help text that explains what is meant, and what evidence would show it, in two sentences."),
			Audience: framework.AudienceIT, Scope: framework.ScopeOrganisation, Answer: framework.AnswerMaturity, Weight: 1, Target: 3,
			Recommendations: map[string]framework.Text{"0": txt("Start."), "1": txt("Write it down."), "2": txt("Measure it.")},
			Refs:            []framework.Ref{{Scheme: "iso27001", ID: "A.5.1"}}}
		area.Questions = append(area.Questions, q)
	}
	f.Areas = []*framework.Area{area}
	return f
}

type fixture struct {
	srv        *testserver.Server
	assessment int64
	clients    []*http.Client
}

func setup(b testing.TB, e store.Engine) *fixture {
	b.Helper()
	web.TuneRuntime(os.Getenv)                                       // as vaern serve does
	s := testserver.Start(b, e, testserver.Options{AuditShards: -1}) // the chains split as vaern serve splits them
	ctx := context.Background()
	sys := vaern.System("bench")
	info, err := s.Store.SaveFramework(ctx, sys, s.Fix.Centre.ID, bigFramework(), false, false)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	r, err := s.Store.CreateRound(ctx, sys, s.Fix.Centre.ID, vaern.Round{Year: now.Year(), FrameworkID: info.ID, Title: "Bench",
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour)}, []int64{s.Fix.A.ID})
	if err != nil {
		b.Fatal(err)
	}
	list, err := s.Store.Assessments(ctx, s.Fix.A.ID)
	if err != nil || len(list) == 0 {
		b.Fatal(err)
	}
	f := &fixture{srv: s, assessment: list[0].ID}
	_ = r
	// Half the questions answered, as in the middle of a round.
	var in []store.AnswerInput
	for i := 1; i <= 100; i += 2 {
		in = append(in, store.AnswerInput{QuestionID: fmt.Sprintf("BIG-%03d", i), Value: "3", Comment: "Vi har en skriftlig procedure, men den følges ikke altid."})
	}
	if err := s.Store.ImportAnswers(ctx, sys, s.Fix.A.ID, f.assessment, in, false); err != nil {
		b.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	for i := 0; i < clients; i++ {
		c := s.Login(b, "A:coordinator")
		c.Transport = tr
		f.clients = append(f.clients, c)
	}
	return f
}

// drive sends b.N requests from all clients at once and reports throughput and latency.
func drive(b *testing.B, f *fixture, req func(i int) (*http.Request, int)) {
	b.Helper()
	driveClients(b, f.clients, func(i, _ int) (*http.Request, int) { return req(i) })
}

// driveClients is drive for any set of clients.
// req gets the request's number and the client's.
func driveClients(b *testing.B, clients []*http.Client, req func(i, c int) (*http.Request, int)) {
	b.Helper()
	var next atomic.Int64
	lat := make([][]time.Duration, len(clients))
	var failed, bytes atomic.Int64
	var firstErr atomic.Value
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				r, want := req(i, c)
				t0 := time.Now()
				resp, err := clients[c].Do(r)
				if err == nil {
					n, _ := io.Copy(io.Discard, resp.Body)
					bytes.Add(n)
					resp.Body.Close()
				}
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil || resp.StatusCode != want {
					failed.Add(1)
					if err == nil {
						err = fmt.Errorf("status %d, want %d", resp.StatusCode, want)
					}
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests failed, first: %v", n, b.N, firstErr.Load())
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
	b.ReportMetric(float64(bytes.Load())/float64(b.N)/1000, "KB/resp")
}

// BenchmarkAnswerSave saves answers with 64 concurrent coordinators' browsers: session, authorization,
// the answer, its history row and its audit row, committed durably. bare is the same 64 clients
// against the bare stack of the same engine: one upsert statement, committed on its own.
func BenchmarkAnswerSave(b *testing.B) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(e)+"/bare", func(b *testing.B) {
			u := bareUpsert(b, e)
			driveClients(b, plainClients(clients), func(i, _ int) (*http.Request, int) { return saveForm(u, i) })
		})
		b.Run(string(e)+"/vaern", func(b *testing.B) {
			f := setup(b, e)
			u := fmt.Sprintf("%s/baseline/%d/answers", f.srv.URL, f.assessment)
			drive(b, f, func(i int) (*http.Request, int) { return saveForm(u, i) })
		})
	}
}

// BenchmarkAreaPage opens a focus-area page of 100 questions (half of them answered) with 64
// concurrent clients. naive is the same 64 clients against the bare stack of the same engine: the
// answers read with one query and the form rendered with html/template on every request.
func BenchmarkAreaPage(b *testing.B) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(e)+"/naive", func(b *testing.B) {
			u := bareForm(b, e, bigFramework(), "da")
			driveClients(b, plainClients(clients), func(int, int) (*http.Request, int) {
				r, _ := http.NewRequest(http.MethodGet, u, nil)
				return r, http.StatusOK
			})
		})
		b.Run(string(e)+"/vaern", func(b *testing.B) {
			f := setup(b, e)
			u := fmt.Sprintf("%s/baseline/%d/area?a=BIG", f.srv.URL, f.assessment)
			drive(b, f, func(int) (*http.Request, int) {
				r, _ := http.NewRequest(http.MethodGet, u, nil)
				return r, http.StatusOK
			})
		})
	}
}

// BenchmarkAreaPageInterleaved measures the ratio of BenchmarkAreaPage with the naive form and
// Værn's page taking turns: rounds of 200 requests with 64 clients each, alternating, so that a
// load spike on a shared machine hits both sides alike instead of one sub-benchmark. It reports
// each side's requests per second over its own rounds and their ratio (target ≥ 4).
func BenchmarkAreaPageInterleaved(b *testing.B) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		parent := b
		var naive, page string
		var f *fixture
		b.Run(string(e), func(b *testing.B) {
			if f == nil { // set up once, not again for each b.N
				naive = bareForm(parent, e, bigFramework(), "da")
				f = setup(parent, e)
				page = fmt.Sprintf("%s/baseline/%d/area?a=BIG", f.srv.URL, f.assessment)
			}
			get := func(u string) func(int, int) (*http.Request, int) {
				return func(int, int) (*http.Request, int) {
					r, _ := http.NewRequest(http.MethodGet, u, nil)
					return r, http.StatusOK
				}
			}
			tn, tv := interleave(b, plainClients(clients), get(naive), f.clients, get(page))
			b.ReportMetric(float64(b.N)/tn.Seconds(), "naive-req/s")
			b.ReportMetric(float64(b.N)/tv.Seconds(), "vaern-req/s")
			b.ReportMetric(tn.Seconds()/tv.Seconds(), "ratio")
		})
	}
}

// BenchmarkAnswerSaveInterleaved is BenchmarkAnswerSave with the bare upsert and Værn's save taking
// turns in rounds of 200 requests (see interleave). It reports each side's saves per second and
// Værn's share of the bare upsert's rate (target on PostgreSQL ≥ 0.75).
func BenchmarkAnswerSaveInterleaved(b *testing.B) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		parent := b
		var bare, u string
		var f *fixture
		b.Run(string(e), func(b *testing.B) {
			if f == nil { // set up once, not again for each b.N
				bare = bareUpsert(parent, e)
				f = setup(parent, e)
				u = fmt.Sprintf("%s/baseline/%d/answers", f.srv.URL, f.assessment)
			}
			tb, tv := interleave(b, plainClients(clients), func(i, _ int) (*http.Request, int) { return saveForm(bare, i) },
				f.clients, func(i, _ int) (*http.Request, int) { return saveForm(u, i) })
			b.ReportMetric(float64(b.N)/tb.Seconds(), "bare-req/s")
			b.ReportMetric(float64(b.N)/tv.Seconds(), "vaern-req/s")
			b.ReportMetric(tb.Seconds()/tv.Seconds(), "share")
		})
	}
}

// interleave sends b.N requests to each of two sides in alternating rounds of 200, the first side's
// 64 clients then the second's, so that a load spike on a shared machine hits both alike. Both are
// warmed first (connections, caches). It returns the time each side took over its own rounds.
func interleave(b *testing.B, ca []*http.Client, ra func(i, c int) (*http.Request, int), cb []*http.Client, rb func(i, c int) (*http.Request, int)) (ta, tb time.Duration) {
	b.Helper()
	burst(b, ca, 0, len(ca), ra)
	burst(b, cb, 0, len(cb), rb)
	const round = 200
	b.ResetTimer()
	for n := 0; n < b.N; n += round {
		k := min(round, b.N-n)
		ta += burst(b, ca, n, k, ra)
		tb += burst(b, cb, n, k, rb)
	}
	b.StopTimer()
	return ta, tb
}

// burst sends requests from..from+n-1 from all clients at once and returns how long they took.
// req gets the request's number and the client's.
func burst(b *testing.B, cs []*http.Client, from, n int, req func(i, c int) (*http.Request, int)) time.Duration {
	var next atomic.Int64
	var failed atomic.Value
	t0 := time.Now()
	var wg sync.WaitGroup
	for c := range cs {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				r, want := req(from+i, c)
				resp, err := cs[c].Do(r)
				if err != nil {
					failed.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					failed.CompareAndSwap(nil, fmt.Sprintf("%s: status %d, want %d", r.URL, resp.StatusCode, want))
				}
			}
		}(c)
	}
	wg.Wait()
	if msg := failed.Load(); msg != nil {
		b.Fatal(msg)
	}
	return time.Since(t0)
}
