package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// probeTable is a table of objects under the access rules, made by the test only: every property
// the rules know is a column.
var probeTable = access.Table{Owner: "p.owner", Creator: "p.creator", TLP: "p.tlp", Audience: "p.aud",
	Reported: "p.reported", Shared: "p.shared"}

// TestAccessRulesAgree draws random principals, objects, labels and audiences, stores the objects
// in a real table, and checks for every principal that the single check (access.May), the list
// predicate (access.Where in a SELECT), the count and a lookup by id agree.
func TestAccessRulesAgree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(20261201, uint64(len(s.Engine()))))
		if err := s.Write(ctx, func(tx *store.Tx) error {
			return store.ExecForTest(ctx, tx, `CREATE TABLE access_probe (id BIGINT PRIMARY KEY, owner BIGINT NOT NULL,
				creator BIGINT NOT NULL, tlp TEXT NOT NULL, aud_kind TEXT NOT NULL, aud_orgs TEXT NOT NULL, aud_people TEXT NOT NULL,
				aud_country TEXT NOT NULL, aud_region TEXT NOT NULL, aud_size TEXT NOT NULL, reported BOOLEAN NOT NULL, shared BOOLEAN NOT NULL)`)
		}); err != nil {
			t.Fatal(err)
		}

		// A small world: the centre (org 1) and eight members with drawn facts, people 100-139 in them.
		countries, regions, sizes := []string{"DK", "NO"}, []string{"Midtjylland", "Vestland", "Nordland"}, []string{"small", "medium", "large"}
		pick := func(l []string) string { return l[rng.IntN(len(l))] }
		type org struct {
			id                    int64
			country, region, size string
		}
		orgs := []org{{id: 1}}
		for i := int64(0); i < 8; i++ {
			orgs = append(orgs, org{10 + i, pick(countries), pick(regions), pick(sizes)})
		}
		personOrg := map[int64]org{}
		for u := int64(100); u < 140; u++ {
			personOrg[u] = orgs[rng.IntN(len(orgs))]
		}
		someIDs := func(from, n int64) []int64 {
			var out []int64
			for i := 0; i < 1+rng.IntN(3); i++ {
				if id := from + rng.Int64N(n); !slices.Contains(out, id) {
					out = append(out, id)
				}
			}
			return out
		}

		// Objects: every label (and none) with every audience kind, reported and shared at random.
		var objects []access.Object
		for id := 1; id <= 400; id++ {
			o := access.Object{Owner: orgs[rng.IntN(len(orgs))].id, Reported: rng.IntN(4) == 0, Shared: rng.IntN(4) == 0}
			if rng.IntN(3) > 0 {
				o.Creator = 100 + rng.Int64N(40)
			}
			if n := rng.IntN(len(access.TLPs) + 1); n < len(access.TLPs) {
				o.TLP = access.TLPs[n]
				o.Audience.Kind = access.Kinds[rng.IntN(len(access.Kinds))]
			}
			if o.TLP == access.Red {
				o.Audience.Kind = access.NamedPeople
			}
			switch o.Audience.Kind {
			case access.NamedMembers:
				o.Audience.Orgs = someIDs(10, 8)
			case access.NamedPeople:
				o.Audience.People = someIDs(100, 40)
			case access.Group:
				for o.Audience.Country == "" && o.Audience.Region == "" && o.Audience.SizeClass == "" {
					if rng.IntN(2) == 0 {
						o.Audience.Country = pick(countries)
					}
					if rng.IntN(2) == 0 {
						o.Audience.Region = pick(regions)
					}
					if rng.IntN(2) == 0 {
						o.Audience.SizeClass = pick(sizes)
					}
				}
			}
			if err := o.Validate(); err != nil {
				t.Fatalf("drawn object %d is invalid: %v", id, err)
			}
			objects = append(objects, o)
		}
		if err := s.Write(ctx, func(tx *store.Tx) error {
			for i, o := range objects {
				a := o.Audience.Row()
				if err := store.ExecForTest(ctx, tx, `INSERT INTO access_probe VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					i+1, o.Owner, o.Creator, string(o.TLP), a.Kind, a.Orgs, a.People, a.Country, a.Region, a.Size,
					o.Reported, o.Shared); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}

		// Principals: nobody, people of the centre and of members, and Værn acting for an organisation.
		principals := []access.Principal{{}}
		for i := 0; i < 60; i++ {
			var p access.Principal
			if i%6 == 5 {
				o := orgs[rng.IntN(len(orgs))]
				p = access.Principal{SignedIn: true, Org: o.id}
			} else {
				u := 100 + rng.Int64N(40)
				p = access.Principal{SignedIn: true, User: u, Org: personOrg[u].id}
			}
			for _, o := range orgs {
				if o.id == p.Org {
					p.Centre = o.id == 1
					p.Country, p.Region, p.SizeClass = o.country, o.region, o.size
				}
			}
			principals = append(principals, p)
		}

		seen := map[bool]int{}
		for _, p := range principals {
			var want []int64
			for i, o := range objects {
				if access.May(p, o) {
					want = append(want, int64(i+1))
				}
			}
			w := access.Where(p, probeTable)
			got, err := store.QueryIDsForTest(ctx, s, "SELECT p.id FROM access_probe p WHERE "+w.SQL+" ORDER BY p.id", w.Args...)
			if err != nil {
				t.Fatalf("%+v: list: %v\n%s", p, err, w.SQL)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%+v: the list predicate gives %d objects, May %d; first difference: %s", p, len(got), len(want), firstDiff(got, want, objects))
			}
			n, err := store.QueryIntForTest(ctx, s, "SELECT COUNT(*) FROM access_probe p WHERE "+w.SQL, w.Args...)
			if err != nil || int(n) != len(want) {
				t.Fatalf("%+v: count %d (%v), May %d", p, n, err, len(want))
			}
			for k := 0; k < 10; k++ {
				id := 1 + rng.IntN(len(objects))
				one := w.And("p.id = ?", id)
				n, err := store.QueryIntForTest(ctx, s, "SELECT COUNT(*) FROM access_probe p WHERE "+one.SQL, one.Args...)
				if err != nil || (n == 1) != access.May(p, objects[id-1]) {
					t.Fatalf("%+v: object %d %+v: lookup %d (%v), May %v", p, id, objects[id-1], n, err, access.May(p, objects[id-1]))
				}
				seen[n == 1]++
			}
		}
		// The draw must exercise both answers, or the test proves nothing.
		if seen[true] < 50 || seen[false] < 50 {
			t.Fatalf("lookups: %d visible, %d hidden; the draw is too one-sided", seen[true], seen[false])
		}
	})
}

func firstDiff(got, want []int64, objects []access.Object) string {
	in := map[int64]bool{}
	for _, id := range got {
		in[id] = true
	}
	for _, id := range want {
		if !in[id] {
			return fmt.Sprintf("object %d %+v is missing from the list", id, objects[id-1])
		}
		delete(in, id)
	}
	for id := range in {
		return fmt.Sprintf("object %d %+v is listed but May says no", id, objects[id-1])
	}
	return ""
}
