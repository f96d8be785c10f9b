package store_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/indicators"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestIndicatorAccessAgrees is the access property test on the indicator store's real table:
// random indicators with random labels and audiences, owned by the centre or a member, and every
// person of a small world of members with drawn facts. For each of them the list, the count by
// type, a search, a lookup by id, and every export format show exactly the active indicators
// access.May lets them see.
func TestIndicatorAccessAgrees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		rng := rand.New(rand.NewPCG(20261202, uint64(len(s.Engine()))))
		pick := func(l []string) string { return l[rng.IntN(len(l))] }
		// Members with drawn facts, two people in each; the centre's analyst and admin.
		type person struct {
			p access.Principal
		}
		orgs := []vaern.Org{f.Centre, f.A.Org, f.B.Org}
		for i := 0; i < 4; i++ {
			o := must(s.CreateMember(f.ctx, f.centreAdmin(), f.Centre.ID, vaern.Org{Code: fmt.Sprint(900 + i), Name: fmt.Sprint("M", i),
				Country: pick([]string{"DK", "NO"}), Region: pick([]string{"Vestland", "Midtjylland"}), SizeClass: pick([]string{"small", "large"})}))(t)
			orgs = append(orgs, o)
		}
		var people []access.Principal
		var userIDs []int64
		for i, o := range orgs {
			for j := 0; j < 2; j++ {
				role := vaern.RoleViewer
				if o.IsCentre() {
					role = vaern.RoleCentreAnalyst
				}
				u := f.user(t, o.ID, role, 0, fmt.Sprintf("p%d-%d@x.example", i, j))
				people = append(people, access.Of(&vaern.Principal{User: u, Org: o, Role: role}))
				userIDs = append(userIDs, u.ID)
			}
			people = append(people, access.ForOrg(o))
		}
		people = append(people, access.Principal{})

		// Indicators: one of each type in turn, every label with every audience kind.
		now := t0
		type row struct {
			id  int64
			n   vaern.Indicator
			obj access.Object
		}
		var rows []row
		types := indicators.Types
		for i := 1; i <= 240; i++ {
			typ := types[i%len(types)]
			val := map[string]string{"ip": fmt.Sprintf("198.18.%d.%d", i/256, i%256), "cidr": fmt.Sprintf("10.%d.%d.0/24", i/256, i%256),
				"domain": fmt.Sprintf("h%d.example.net", i), "url": fmt.Sprintf("http://u%d.example.org/p", i), "md5": fmt.Sprintf("%032x", i),
				"sha1": fmt.Sprintf("%040x", i), "sha256": fmt.Sprintf("%064x", i), "email": fmt.Sprintf("m%d@example.com", i),
				"ja3": fmt.Sprintf("%032x", 1_000_000+i)}[typ]
			o := access.Object{Owner: orgs[rng.IntN(len(orgs))].ID}
			if rng.IntN(3) > 0 {
				o.Creator = userIDs[rng.IntN(len(userIDs))]
			}
			o.TLP = access.TLPs[rng.IntN(len(access.TLPs))]
			o.Audience.Kind = access.Kinds[rng.IntN(len(access.Kinds))]
			if o.TLP == access.Red {
				o.Audience.Kind = access.NamedPeople
			}
			switch o.Audience.Kind {
			case access.NamedMembers:
				o.Audience.Orgs = []int64{orgs[1+rng.IntN(len(orgs)-1)].ID, orgs[1+rng.IntN(len(orgs)-1)].ID}
			case access.NamedPeople:
				o.Audience.People = []int64{userIDs[rng.IntN(len(userIDs))]}
			case access.Group:
				o.Audience.Country = pick([]string{"DK", "NO", ""})
				if o.Audience.Country == "" {
					o.Audience.SizeClass = pick([]string{"small", "large"})
				}
			}
			var exp int64
			if rng.IntN(5) == 0 {
				exp = now.Add(-time.Hour).UnixMilli()
			} else if rng.IntN(3) == 0 {
				exp = now.Add(time.Hour).UnixMilli()
			}
			au := o.Audience.Row()
			var creator any
			if o.Creator != 0 {
				creator = o.Creator
			}
			exec(t, s, `INSERT INTO indicators (id, org_id, type, value, source, confidence, first_seen, last_seen, expires_at, tlp, audience_kind,
				audience_orgs, audience_people, audience_country, audience_region, audience_size, created_by, created_at, updated_at, description)
				VALUES (?, ?, ?, ?, 'manual', 50, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, i, o.Owner, typ, val, now.UnixMilli(), now.UnixMilli(), exp,
				string(o.TLP), au.Kind, au.Orgs, au.People, au.Country, au.Region, au.Size, creator, now.UnixMilli(), now.UnixMilli(), fmt.Sprint("note ", i%7))
			rows = append(rows, row{int64(i), vaern.Indicator{ID: int64(i), Type: typ, Value: val, ExpiresAt: time.UnixMilli(exp)}, o})
		}
		active := func(r row) bool { return r.n.ExpiresAt.UnixMilli() == 0 || r.n.ExpiresAt.After(now) }

		for pi, p := range people {
			var want []int64
			wantTypes := map[string]int{}
			for _, r := range rows {
				if access.May(p, r.obj) && active(r) {
					want = append(want, r.id)
					wantTypes[r.n.Type]++
				}
			}
			l := must(s.ListIndicators(f.ctx, p, store.IndicatorFilter{Limit: 1000}))(t)
			var got []int64
			for _, it := range l.Items {
				got = append(got, it.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) || l.Total != len(want) {
				t.Fatalf("principal %d %+v: list %v (total %d), May says %v", pi, p, got, l.Total, want)
			}
			counts := must(s.IndicatorCounts(f.ctx, p, store.IndicatorFilter{}))(t)
			for typ, n := range wantTypes {
				if counts[typ] != n {
					t.Fatalf("principal %d: count of %s %d, want %d", pi, typ, counts[typ], n)
				}
			}
			// A search: "note 3" matches every seventh; still within what May allows.
			sr := must(s.ListIndicators(f.ctx, p, store.IndicatorFilter{Search: "NOTE 3", Limit: 1000}))(t)
			for _, it := range sr.Items {
				if !slices.Contains(want, it.ID) || it.ID%7 != 3 {
					t.Fatalf("principal %d: search found %d", pi, it.ID)
				}
			}
			nwant := 0
			for _, id := range want {
				if id%7 == 3 {
					nwant++
				}
			}
			if sr.Total != nwant {
				t.Fatalf("principal %d: search total %d, want %d", pi, sr.Total, nwant)
			}
			for _, r := range rows[:30] {
				_, err := s.IndicatorByID(f.ctx, p, r.id)
				if (err == nil) != access.May(p, r.obj) {
					t.Fatalf("principal %d: lookup of %d gives %v, May %v", pi, r.id, err, access.May(p, r.obj))
				}
			}
			// Every export: a visible value is in it, an invisible one is not.
			for _, format := range indicators.Formats {
				if format == indicators.SuricataIPRepCat {
					continue
				}
				for _, typ := range []string{"", "ja3", "md5", "ip"} {
					sel, err := indicators.Selection(format, typ)
					if err != nil {
						continue
					}
					// As the handler exports: only the fields the format needs. Every column
					// read gives the same bytes.
					var b, full bytes.Buffer
					o := indicators.Options{Format: format, Type: typ, Publisher: indicators.Identity{OrgID: 1, Name: "C"}}
					w := must(indicators.NewWriter(&b, o))(t)
					ok(t, s.EachIndicator(f.ctx, p, store.IndicatorFilter{Types: sel, Fields: indicators.Fields(format)}, w.Write))
					ok(t, w.Close())
					wf := must(indicators.NewWriter(&full, o))(t)
					ok(t, s.EachIndicator(f.ctx, p, store.IndicatorFilter{Types: sel}, wf.Write))
					ok(t, wf.Close())
					if !bytes.Equal(b.Bytes(), full.Bytes()) {
						t.Fatalf("principal %d, %s type=%q: the export of its fields differs from the export of every column", pi, format, typ)
					}
					// The version counts what the export holds.
					ver := must(s.IndicatorExportVersion(f.ctx, p, store.IndicatorFilter{Types: sel}))(t)
					nsel := 0
					for _, id := range want {
						if slices.Contains(sel, rows[id-1].n.Type) {
							nsel++
						}
					}
					if ver.Count != int64(nsel) {
						t.Fatalf("principal %d, %s type=%q: version counts %d, May says %d", pi, format, typ, ver.Count, nsel)
					}
					tokens := exportTokens(t, format, b.Bytes())
					for _, r := range rows {
						if !slices.Contains(sel, r.n.Type) {
							continue
						}
						v := r.n.Value
						if format == indicators.Zeek && r.n.Type == "url" {
							v = strings.TrimPrefix(v, "http://")
						}
						if (format == indicators.SuricataDataset || format == indicators.SuricataDatarep) && indicators.DatasetType(typ) == "string" {
							v = base64.StdEncoding.EncodeToString([]byte(v))
						}
						if tokens[v] != slices.Contains(want, r.id) {
							t.Fatalf("principal %d, %s type=%q: %s in the export = %v, May and active = %v", pi, format, typ, r.n.Value, tokens[v], !tokens[v])
						}
					}
				}
			}
		}
	})
}

// exportTokens splits an export into the values it carries (unzipping the MISP feed).
func exportTokens(t *testing.T, format string, b []byte) map[string]bool {
	if format == indicators.MISP {
		z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		var all bytes.Buffer
		for _, f := range z.File {
			r, _ := f.Open()
			io.Copy(&all, r)
			all.WriteByte('\n')
		}
		b = all.Bytes()
	}
	out := map[string]bool{}
	for _, tok := range strings.FieldsFunc(string(b), func(r rune) bool { return strings.ContainsRune(" \t\n\r,\"'[]{}", r) }) {
		out[tok] = true
	}
	return out
}
