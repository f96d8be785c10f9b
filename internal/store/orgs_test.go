package store_test

import (
	"time"

	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestCreateCentre(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		if f.Centre.ID == 0 || f.Centre.Kind != vaern.OrgCentre || f.Centre.ParentID != 0 || !f.Centre.CreatedAt.Equal(t0) {
			t.Fatalf("centre = %+v", f.Centre)
		}
		got := must(s.Centre(f.ctx))(t)
		if got != f.Centre {
			t.Fatalf("Centre() = %+v, want %+v", got, f.Centre)
		}
		// The centre's own chain starts with its creation.
		rows := f.audit(t, f.Centre.ID)
		first := rows[len(rows)-1]
		if first.Seq != 1 || first.Action != "org.create" || first.ObjectID != itoa(f.Centre.ID) || first.ActorEmail != "test" {
			t.Fatalf("first centre audit row = %+v", first)
		}
		_, err := s.CreateCentre(f.ctx, sys, vaern.Org{Code: "KS", Name: "KS", Country: "NO"})
		wantErr(t, err, vaern.ErrConflict)
		if n := len(f.audit(t, f.Centre.ID)); n != len(rows) {
			t.Fatalf("refused centre wrote audit rows: %d, want %d", n, len(rows))
		}
	})
}

func TestCreateMemberValidation(t *testing.T) {
	t.Parallel()
	valid := vaern.Org{Code: "0851", Name: "Aalborg Kommune", Country: "dk", Region: " Nordjylland ", Population: 220000, SizeClass: vaern.SizeLarge}
	cases := []struct {
		name   string
		change func(o *vaern.Org)
		want   error
	}{
		{"valid, country upper-cased", func(o *vaern.Org) {}, nil},
		{"no name", func(o *vaern.Org) { o.Name = "  " }, invalid("name")},
		{"no code", func(o *vaern.Org) { o.Code = "" }, invalid("code")},
		{"bad country", func(o *vaern.Org) { o.Country = "SE" }, invalid("country")},
		{"negative population", func(o *vaern.Org) { o.Population = -1 }, invalid("population")},
		{"bad size class", func(o *vaern.Org) { o.SizeClass = "huge" }, invalid("size_class")},
		{"duplicate code in country", func(o *vaern.Org) { o.Code = "0101" }, invalid("code")},
		{"same code, other country", func(o *vaern.Org) { o.Code = "0202"; o.Country = "DK" }, nil},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o := valid
				c.change(&o)
				before := len(f.audit(t, f.Centre.ID))
				got, err := s.CreateMember(f.ctx, f.centreAdmin(), f.Centre.ID, o)
				wantErr(t, err, c.want)
				after := len(f.audit(t, f.Centre.ID))
				if c.want != nil {
					if after != before {
						t.Fatalf("refused member wrote an audit row")
					}
					return
				}
				if got.Kind != vaern.OrgMember || got.ParentID != f.Centre.ID || got.Country != "DK" || got.Region != "Nordjylland" {
					t.Fatalf("member = %+v", got)
				}
				if back := must(s.Org(f.ctx, f.Centre.ID, got.ID))(t); back != got {
					t.Fatalf("stored member = %+v, want %+v", back, got)
				}
				// A new member is recorded in the centre's chain.
				f.wantAudit(t, f.Centre.ID, f.centreAdmin(), "org.create", got.ID)
			})
		}
	})
}

func TestCreateMemberUnderMemberRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		// A "member of member A" would be visible to A through Org(A, ...), as if A were a centre.
		_, err := s.CreateMember(f.ctx, f.coordA(), f.A.Org.ID, vaern.Org{Code: "X1", Name: "Sub", Country: "DK"})
		wantErr(t, err, vaern.ErrNotFound)
		_, err = s.CreateMember(f.ctx, f.centreAdmin(), 999999, vaern.Org{Code: "X2", Name: "Nowhere", Country: "DK"})
		wantErr(t, err, vaern.ErrNotFound)
		if got := must(s.Members(f.ctx, f.A.Org.ID))(t); len(got) != 0 {
			t.Fatalf("member A has members: %+v", got)
		}
	})
}

func TestOrgVisibility(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		cases := []struct {
			name       string
			tenant, id int64
			found      bool
		}{
			{"centre sees itself", f.Centre.ID, f.Centre.ID, true},
			{"centre sees member A", f.Centre.ID, f.A.Org.ID, true},
			{"centre sees member B", f.Centre.ID, f.B.Org.ID, true},
			{"A sees itself", f.A.Org.ID, f.A.Org.ID, true},
			{"A cannot see B", f.A.Org.ID, f.B.Org.ID, false},
			{"B cannot see A", f.B.Org.ID, f.A.Org.ID, false},
			{"A cannot see the centre", f.A.Org.ID, f.Centre.ID, false},
			{"unknown id", f.Centre.ID, 999999, false},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				o, err := s.Org(f.ctx, c.tenant, c.id)
				if !c.found {
					wantErr(t, err, vaern.ErrNotFound)
					return
				}
				ok(t, err)
				if o.ID != c.id {
					t.Fatalf("Org(%d, %d).ID = %d", c.tenant, c.id, o.ID)
				}
			})
		}
		ms := must(s.Members(f.ctx, f.Centre.ID))(t)
		// Ordered by country, then name: Aarhus (DK) before Bergen (NO).
		if len(ms) != 2 || ms[0].ID != f.A.Org.ID || ms[1].ID != f.B.Org.ID || ms[0] != f.A.Org || ms[1] != f.B.Org {
			t.Fatalf("Members = %+v", ms)
		}
		if got := must(s.OrgByCode(f.ctx, " 0202 "))(t); got.ID != f.B.Org.ID {
			t.Fatalf("OrgByCode(0202) = %+v", got)
		}
	})
}

func TestUpdateMember(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		f.clock.Add(8 * time.Hour)
		upd := f.A.Org
		upd.Name, upd.Region, upd.Population, upd.SizeClass = "Aarhus Kommune (ny)", "Midtjylland", 361000, vaern.SizeMedium
		upd.Kind = vaern.OrgCentre // ignored: a member stays a member
		ok(t, s.UpdateMember(f.ctx, f.centreAdmin(), f.Centre.ID, upd))
		got := must(s.Org(f.ctx, f.A.Org.ID, f.A.Org.ID))(t)
		if got.Name != upd.Name || got.Region != "Midtjylland" || got.Population != 361000 || got.SizeClass != vaern.SizeMedium ||
			got.Kind != vaern.OrgMember || !got.UpdatedAt.Equal(t0.Add(8*time.Hour)) || !got.CreatedAt.Equal(t0) {
			t.Fatalf("updated member = %+v", got)
		}
		e := f.wantAudit(t, f.Centre.ID, f.centreAdmin(), "org.update", f.A.Org.ID)
		if e.Detail == "" || !contains(e.Detail, `"population":361000`) {
			t.Fatalf("audit detail = %s", e.Detail)
		}

		before := f.auditCounts(t)
		cases := []struct {
			name   string
			centre int64
			org    vaern.Org
			want   error
		}{
			{"member A as the centre", f.A.Org.ID, f.B.Org, vaern.ErrNotFound},
			{"another centre id", 999999, f.B.Org, vaern.ErrNotFound},
			{"the centre itself", f.Centre.ID, f.Centre, vaern.ErrNotFound},
			{"invalid country", f.Centre.ID, func() vaern.Org { o := f.B.Org; o.Country = "XX"; return o }(), invalid("country")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				c.org.Name = "Hijacked"
				wantErr(t, s.UpdateMember(f.ctx, f.centreAdmin(), c.centre, c.org), c.want)
			})
		}
		if b := must(s.Org(f.ctx, f.B.Org.ID, f.B.Org.ID))(t); b != f.B.Org {
			t.Fatalf("refused update changed B: %+v", b)
		}
		if c := must(s.Centre(f.ctx))(t); c.Name != f.Centre.Name {
			t.Fatalf("refused update changed the centre: %+v", c)
		}
		if after := f.auditCounts(t); !equalCounts(before, after) {
			t.Fatalf("refused updates wrote audit rows: %v → %v", before, after)
		}
	})
}

func TestSetRequire2FA(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		for _, on := range []bool{true, false, true} {
			ok(t, s.SetRequire2FA(f.ctx, f.coordA(), f.A.Org.ID, on))
			if got := must(s.Org(f.ctx, f.A.Org.ID, f.A.Org.ID))(t); got.Require2FA != on {
				t.Fatalf("Require2FA = %v, want %v", got.Require2FA, on)
			}
			e := f.wantAudit(t, f.A.Org.ID, f.coordA(), "org.require_2fa", f.A.Org.ID)
			if want := `{"require_2fa":` + map[bool]string{true: "true", false: "false"}[on] + `}`; e.Detail != want {
				t.Fatalf("detail = %s, want %s", e.Detail, want)
			}
		}
		if got := must(s.Org(f.ctx, f.B.Org.ID, f.B.Org.ID))(t); got.Require2FA {
			t.Fatal("B changed with A")
		}
		wantErr(t, s.SetRequire2FA(f.ctx, f.coordA(), 999999, true), vaern.ErrNotFound)
	})
}
