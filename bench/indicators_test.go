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
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/indicators"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/testserver"
)

const exportN = 100_000

// seedIndicators imports n domains into the centre in batches of the import's maximum: four in
// five GREEN to all members, one in five AMBER to another member (which the exporting member may
// not see: the rule has to be evaluated, not skipped).
func seedIndicators(b *testing.B, st *store.Store, centre vaern.Org, analyst vaern.User, other int64, n int) int {
	b.Helper()
	ctx := context.Background()
	a := vaern.Actor{UserID: analyst.ID, Email: analyst.Email, OrgID: centre.ID, Role: vaern.RoleCentreAnalyst}
	v := access.Of(&vaern.Principal{User: analyst, Org: centre, Role: vaern.RoleCentreAnalyst})
	visible := 0
	for _, tlp := range []access.TLP{access.Green, access.Amber} {
		var items []store.ImportItem
		for i := 0; i < n; i++ {
			if (i%5 == 4) != (tlp == access.Amber) {
				continue
			}
			items = append(items, store.ImportItem{Type: "domain", Value: fmt.Sprintf("host-%06d.bench-%03d.example.net", i, i%997), Confidence: -1, Object: "x"})
		}
		obj := access.Object{TLP: tlp, Audience: access.Audience{Kind: access.AllMembers}}
		if tlp == access.Amber {
			obj.Audience = access.Audience{Kind: access.NamedMembers, Orgs: []int64{other}}
		} else {
			visible = len(items)
		}
		for start := 0; start < len(items); start += store.MaxImportItems {
			pr, err := st.PreviewImport(ctx, a, v, store.ImportInput{Format: "stix", Items: items[start:min(start+store.MaxImportItems, len(items))], Confidence: 60, Object: obj})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := st.ConfirmImport(ctx, a, v, pr.ID); err != nil {
				b.Fatal(err)
			}
		}
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
			visible := seedIndicators(b, s.Store, f.Centre, f.Users["centre-analyst"], f.B.ID, exportN)
			db := openSame(b, e, dsn)
			member := f.Users["A:viewer"]
			v := access.Of(&vaern.Principal{User: member, Org: f.A, Role: vaern.RoleViewer})
			ctx := context.Background()
			sel, _ := indicators.Selection(indicators.SuricataDataset, "")
			b.Run("bare", func(b *testing.B) {
				for b.Loop() {
					if n := bareExport(b, db, e, io.Discard); n != visible {
						b.Fatalf("bare export gave %d rows, want %d", n, visible)
					}
				}
			})
			b.Run("store", func(b *testing.B) {
				for b.Loop() {
					cw := &countWriter{}
					w, err := indicators.NewWriter(cw, indicators.Options{Format: indicators.SuricataDataset})
					if err != nil {
						b.Fatal(err)
					}
					if err := s.Store.EachIndicator(ctx, v, store.IndicatorFilter{Types: sel}, w.Write); err != nil {
						b.Fatal(err)
					}
					if err := w.Close(); err != nil || cw.lines != visible {
						b.Fatalf("store export gave %d lines, want %d (%v)", cw.lines, visible, err)
					}
				}
			})
			// The whole request as a sensor makes it, through the server (a session cookie here).
			c := s.Login(b, "A:viewer")
			c.Transport = http.DefaultTransport // the document check would read every byte twice
			u := s.URL + "/api/v1/indicators/export?" + url.Values{"format": {"suricata-dataset"}}.Encode()
			b.Run("http", func(b *testing.B) {
				for b.Loop() {
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
			})
		})
	}
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
