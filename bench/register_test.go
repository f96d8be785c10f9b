// Benchmarks of the system register: the spreadsheet import, an SBOM import and the filtered list.
// Run: go test ./bench/ -run XXX -bench Register -benchtime 3x
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/testserver"
)

// registerCSV is a municipality's spreadsheet of n systems, as Excel writes it in Denmark.
func registerCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Systemnavn;Beskrivelse;Producent;Produkt;Version;Drift;Leverandør;Databehandleraftale;Databehandleraftale dato;Personoplysninger;Fortrolighed;Integritet;Tilgængelighed;RTO (timer);RPO (timer);Eksponeret på internettet;Nøgleord\n")
	hosting := []string{"Egen drift", "IKS", "Leverandør", "SaaS"}
	for i := range n {
		fmt.Fprintf(&b, "System %05d;Fagsystem nummer %d til sagsbehandling;Leverandør %d;Produkt %d;%d.%d;%s;Drift %d;Underskrevet;%02d-%02d-2024;almindelige, CPR;%d;%d;%d;%d,5;0,25;%s;fag%d, område%d\n",
			i, i, i%40, i%200, i%9, i%5, hosting[i%4], i%20, 1+i%28, 1+i%12, 1+i%4, 1+(i+1)%4, 1+(i+2)%4, i%48, []string{"ja", "nej"}[i%2], i%10, i%7)
	}
	return b.Bytes()
}

type noPeople struct{}

func (noPeople) User(string) (int64, bool, bool) { return 0, false, false }
func (noPeople) Unit(string) (int64, bool)       { return 0, false }
func (noPeople) Contact(string) (int64, bool)    { return 0, false }

// newMember opens a fresh SQLite store with a centre and one member.
func newMember(b *testing.B, e store.Engine) (*store.Store, vaern.Org) {
	b.Helper()
	st := storetest.Open(b, e)
	ctx := context.Background()
	sys := vaern.System("bench")
	c, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centre", Country: "DK"})
	if err != nil {
		b.Fatal(err)
	}
	m, err := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
	if err != nil {
		b.Fatal(err)
	}
	return st, m
}

// BenchmarkRegisterImport10k reads, checks and imports a spreadsheet of 10,000 systems into an
// empty register, in one transaction, with one audit row per system.
func BenchmarkRegisterImport10k(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			data := registerCSV(10000)
			for b.Loop() {
				b.StopTimer()
				st, org := newMember(b, e)
				b.StartTimer()
				tab, err := register.ReadTable(data)
				if err != nil {
					b.Fatal(err)
				}
				recs, probs := register.Check(tab, register.GuessMapping(tab.Header), noPeople{}, nil)
				if len(probs) > 0 {
					b.Fatal(probs[0])
				}
				r, err := st.ImportSystems(context.Background(), vaern.System("bench"), org.ID, recs, "bench.csv", nil)
				if err != nil || r.Created != 10000 {
					b.Fatal(r, err)
				}
			}
			b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "systems/s")
		})
	}
}

// BenchmarkRegisterCheck10k is the dry run alone: read and check 10,000 rows.
func BenchmarkRegisterCheck10k(b *testing.B) {
	data := registerCSV(10000)
	for b.Loop() {
		tab, err := register.ReadTable(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, probs := register.Check(tab, register.GuessMapping(tab.Header), noPeople{}, nil); len(probs) > 0 {
			b.Fatal(probs[0])
		}
	}
}

// cycloneDX is an SBOM of n components.
func cycloneDX(n int) []byte {
	type comp struct {
		Type     string           `json:"type"`
		Group    string           `json:"group"`
		Name     string           `json:"name"`
		Version  string           `json:"version"`
		PURL     string           `json:"purl"`
		Licenses []map[string]any `json:"licenses"`
	}
	doc := map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": map[string]any{"component": map[string]any{"type": "application", "name": "portal"}}}
	var cs []comp
	for i := range n {
		cs = append(cs, comp{Type: "library", Group: fmt.Sprintf("org.example%d", i%50), Name: fmt.Sprintf("lib%d", i),
			Version: fmt.Sprintf("%d.%d.%d", i%7, i%11, i%13), PURL: fmt.Sprintf("pkg:maven/org.example%d/lib%d@%d.%d.%d", i%50, i, i%7, i%11, i%13),
			Licenses: []map[string]any{{"license": map[string]any{"id": "Apache-2.0"}}}})
	}
	doc["components"] = cs
	out, _ := json.Marshal(doc)
	return out
}

// BenchmarkRegisterSBOM5000 parses an SBOM of 5,000 components and replaces a system's components
// with it.
func BenchmarkRegisterSBOM5000(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			st, org := newMember(b, e)
			sys, err := st.CreateSystem(context.Background(), vaern.System("bench"), org.ID, vaern.ITSystem{Name: "Portal"})
			if err != nil {
				b.Fatal(err)
			}
			data := cycloneDX(5000)
			for b.Loop() {
				doc, err := register.ParseSBOM(bytes.NewReader(data))
				if err != nil || len(doc.Components) != 5000 {
					b.Fatal(err)
				}
				if err := st.ReplaceComponents(context.Background(), vaern.System("bench"), org.ID, sys.ID, doc.Components, "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRegisterList1000 requests the filtered, sorted register page of a member with 1,000
// systems through the real server, as a signed-in coordinator, and reports the latency percentiles.
func BenchmarkRegisterList1000(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			s := testserver.Start(b, e, testserver.Options{})
			ctx := context.Background()
			owners := []int64{s.Fix.Users["A:coordinator"].ID, s.Fix.Users["A:respondent"].ID, s.Fix.Users["A:viewer"].ID}
			err := s.Store.Write(ctx, func(tx *store.Tx) error {
				for i := range 1000 {
					_, err := tx.CreateSystem(ctx, vaern.System("bench"), s.Fix.A.ID, vaern.ITSystem{
						Name: fmt.Sprintf("System %04d", i), Vendor: fmt.Sprintf("Leverandør %d", i%40), Product: fmt.Sprintf("Produkt %d", i%200),
						SystemOwnerID: owners[i%3], DataOwnerID: owners[(i+1)%3], UnitID: s.Fix.UnitsA[i%2].ID,
						Hosting: vaern.Hostings[i%4], DPAStatus: vaern.DPASigned, PersonalData: i % 8,
						Confidentiality: 1 + i%4, Integrity: 1 + (i+1)%4, Availability: 1 + (i+2)%4, Tags: []string{fmt.Sprintf("fag%d", i%10)}})
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			c := s.Login(b, "A:coordinator")
			urls := []string{"/register/systems", "/register/systems?q=leverand%C3%B8r+1&sort=-criticality",
				"/register/systems?hosting=saas&pd=national_id&crit=3&sort=unit", "/register/systems?tag=fag3&sort=owner&page=2",
				"/register/systems?dpa=1&noowner=1"}
			var lat []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				resp, err := c.Get(s.URL + urls[i%len(urls)])
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
				lat = append(lat, time.Since(start))
				i++
			}
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			_ = strings.TrimSpace
		})
	}
}
