// Benchmarks of the indicator store: an export of 100,000 indicators as a Suricata dataset, for a
// member whose access rule the query applies, against a bare pass over the same rows.
// Run: go test ./bench/ -run XXX -bench IndicatorExport -benchtime 5x
package bench

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/indicators"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/testserver"
)

const exportN = 100_000

// seedIndicators writes n domains of the centre straight into the table, 500 rows a statement
// (the import path writes one row at a time with its audit, which is not what is measured here):
// four in five GREEN to all members, one in five AMBER to another member (which the exporting
// member may not see, so the rule has to be evaluated, not skipped).
func seedIndicators(b *testing.B, db *sql.DB, e store.Engine, centre vaern.Org, analyst vaern.User, other int64, n int) int {
	b.Helper()
	now := time.Now().UnixMilli()
	visible := 0
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	const cols = 13
	for start := 0; start < n; start += 500 {
		var q strings.Builder
		q.WriteString(`INSERT INTO indicators (org_id, type, value, source, confidence, first_seen, last_seen, tlp, audience_kind, audience_orgs,
			created_by, created_at, updated_at) VALUES `)
		var args []any
		for i := start; i < min(start+500, n); i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString("(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")")
			tlp, kind, orgs := "GREEN", "members", ""
			if i%5 == 4 {
				tlp, kind, orgs = "AMBER", "named", access.IDList([]int64{other})
			} else {
				visible++
			}
			args = append(args, centre.ID, "domain", fmt.Sprintf("host-%06d.bench-%03d.example.net", i, i%997), "feed", 60, now, now, tlp, kind, orgs,
				analyst.ID, now, now)
		}
		if _, err := tx.Exec(rebind(e, q.String()), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return visible
}

// bareExport is the floor: the same rows read with one plain SELECT by tenant and type (no access
// rule), each value base64-encoded onto a buffered writer, as the dataset format needs.
func bareExport(b *testing.B, db *sql.DB, e store.Engine, w io.Writer) int {
	rows, err := db.Query(rebind(e, "SELECT value FROM indicators WHERE type = ? AND (tlp = ? OR audience_kind = ?) ORDER BY type, value, id"), "domain", "GREEN", "members")
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	var v string
	for rows.Next() {
		if err := rows.Scan(&v); err != nil {
			b.Fatal(err)
		}
		bw.WriteString(base64.StdEncoding.EncodeToString([]byte(v)))
		bw.WriteByte('\n')
		n++
	}
	bw.Flush()
	return n
}

func BenchmarkIndicatorExport100k(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			var dsn string
			s := testserver.Start(b, e, testserver.Options{DSN: func(d string) string { dsn = d; return d }})
			f := s.Fix
			db := openSame(b, e, dsn)
			visible := seedIndicators(b, db, e, f.Centre, f.Users["centre-analyst"], f.B.ID, exportN)
			member := f.Users["A:viewer"]
			v := access.Of(&vaern.Principal{User: member, Org: f.A, Role: vaern.RoleViewer})
			ctx := context.Background()
			sel, _ := indicators.Selection(indicators.SuricataDataset, "")
			// store: what the handler does (only the columns the format needs); store-full: every
			// column, as STIX and MISP read them (and as every format did before).
			storeExport := func(b *testing.B, fields []string) {
				cw := &countWriter{}
				w, err := indicators.NewWriter(cw, indicators.Options{Format: indicators.SuricataDataset})
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Store.EachIndicator(ctx, v, store.IndicatorFilter{Types: sel, Fields: fields}, w.Write); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil || cw.lines != visible {
					b.Fatalf("store export gave %d lines, want %d (%v)", cw.lines, visible, err)
				}
			}
			lean := indicators.Fields(indicators.SuricataDataset)
			version := func(b *testing.B) {
				ver, err := s.Store.IndicatorExportVersion(ctx, v, store.IndicatorFilter{Types: sel})
				if err != nil || ver.Count != int64(visible) {
					b.Fatalf("version: %+v, %v", ver, err)
				}
			}
			// The whole request as a sensor makes it, through the server (a session cookie here).
			c := s.Login(b, "A:viewer")
			c.Transport = http.DefaultTransport // the document check would read every byte twice
			u := s.URL + "/api/v1/indicators/export?" + url.Values{"format": {"suricata-dataset"}}.Encode()
			httpExport := func(b *testing.B) {
				resp, err := c.Get(u)
				if err != nil {
					b.Fatal(err)
				}
				cw := &countWriter{}
				io.Copy(cw, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || cw.lines != visible {
					b.Fatalf("http export: status %d, %d lines, want %d", resp.StatusCode, cw.lines, visible)
				}
			}
			b.Run("bare", func(b *testing.B) {
				for b.Loop() {
					if n := bareExport(b, db, e, io.Discard); n != visible {
						b.Fatalf("bare export gave %d rows, want %d", n, visible)
					}
				}
			})
			b.Run("store", func(b *testing.B) {
				for b.Loop() {
					storeExport(b, lean)
				}
			})
			b.Run("http", func(b *testing.B) {
				for b.Loop() {
					httpExport(b)
				}
			})
			// interleaved: each pass runs every variant once, in turn, so that the machine's load
			// (shared with other engineers' tests) weighs on all of them alike; reported as ms of
			// wall time per export and as ratios to the bare pass of the same iterations, and as
			// this process's CPU time per export (the server runs in the process; PostgreSQL's own
			// CPU is not counted).
			b.Run("interleaved", func(b *testing.B) {
				names := []string{"bare", "version", "store", "store-full", "http"}
				runs := []func(*testing.B){
					func(b *testing.B) {
						if n := bareExport(b, db, e, io.Discard); n != visible {
							b.Fatalf("bare export gave %d rows, want %d", n, visible)
						}
					},
					version,
					func(b *testing.B) { storeExport(b, lean) },
					func(b *testing.B) { storeExport(b, nil) },
					httpExport,
				}
				wall := make([]time.Duration, len(runs))
				cpu := make([]time.Duration, len(runs))
				for b.Loop() {
					for i, run := range runs {
						c0, t0 := cpuTime(), time.Now()
						run(b)
						wall[i] += time.Since(t0)
						cpu[i] += cpuTime() - c0
					}
				}
				n := float64(b.N)
				for i, name := range names {
					b.ReportMetric(float64(wall[i].Milliseconds())/n, name+"-ms")
					b.ReportMetric(float64(cpu[i].Milliseconds())/n, name+"-cpu-ms")
					if i > 0 {
						b.ReportMetric(float64(wall[i])/float64(wall[0]), name+"/bare")
					}
				}
			})
		})
	}
}

// cpuTime is the CPU time this process has used so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type countWriter struct{ lines int }

func (c *countWriter) Write(p []byte) (int, error) {
	for _, x := range p {
		if x == '\n' {
			c.lines++
		}
	}
	return len(p), nil
}

// openSame opens a plain connection to the test server's database for the bare pass.
func openSame(b *testing.B, e store.Engine, dsn string) *sql.DB {
	b.Helper()
	var db *sql.DB
	var err error
	if e == store.SQLite {
		db, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	} else {
		db, err = sql.Open("pgx", dsn)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}
