package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestCreateUnit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		cases := []struct {
			name   string
			org    int64
			parent int64
			uname  string
			want   error
		}{
			{"top level", f.A.Org.ID, 0, "  Culture  ", nil},
			{"nested three deep", f.A.Org.ID, f.A.Team.ID, "Servers", nil},
			{"parent of another org", f.A.Org.ID, f.B.Dept.ID, "Stolen", invalid("parent")},
			{"unknown parent", f.A.Org.ID, 999999, "Ghost", invalid("parent")},
			{"empty name", f.A.Org.ID, 0, "   ", invalid("name")},
			{"name too long", f.A.Org.ID, 0, strings.Repeat("å", 201), invalid("name")},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := f.auditCounts(t)
				u, err := s.CreateUnit(f.ctx, f.coordA(), c.org, c.parent, c.uname)
				wantErr(t, err, c.want)
				if c.want != nil {
					if after := f.auditCounts(t); !equalCounts(before, after) {
						t.Fatalf("refused unit wrote audit rows")
					}
					return
				}
				got := must(s.Unit(f.ctx, c.org, u.ID))(t)
				want := vaern.Unit{ID: u.ID, OrgID: c.org, ParentID: c.parent, Name: trim(c.uname), CreatedAt: t0, UpdatedAt: t0}
				if got != want || u != want {
					t.Fatalf("unit = %+v, stored %+v, want %+v", u, got, want)
				}
				f.wantAudit(t, c.org, f.coordA(), "unit.create", u.ID)
			})
		}
		// The unit tree of A holds the fixture's four units and the two created above; B is untouched.
		if got := must(s.Units(f.ctx, f.A.Org.ID))(t); len(got) != 6 {
			t.Fatalf("A has %d units, want 6: %+v", len(got), got)
		}
		bu := must(s.Units(f.ctx, f.B.Org.ID))(t)
		if len(bu) != 4 {
			t.Fatalf("B has %d units, want 4", len(bu))
		}
		// Ordered by name.
		for i := 1; i < len(bu); i++ {
			if bu[i-1].Name > bu[i].Name {
				t.Fatalf("units not ordered by name: %+v", bu)
			}
		}
	})
}

func TestUnitScoping(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		_, err := s.Unit(f.ctx, f.A.Org.ID, f.B.Dept.ID)
		wantErr(t, err, vaern.ErrNotFound)
		_, err = s.Unit(f.ctx, f.Centre.ID, f.A.Dept.ID) // the centre does not see members' units either
		wantErr(t, err, vaern.ErrNotFound)

		before := f.auditCounts(t)
		wantErr(t, s.UpdateUnit(f.ctx, f.coordA(), f.A.Org.ID, f.B.Other.ID, 0, "Hijacked"), vaern.ErrNotFound)
		wantErr(t, s.UpdateUnit(f.ctx, f.coordA(), f.A.Org.ID, f.B.Team.ID, f.A.Admin.ID, "Hijacked"), vaern.ErrNotFound)
		wantErr(t, s.DeleteUnit(f.ctx, f.coordA(), f.A.Org.ID, f.B.Team.ID), vaern.ErrNotFound)
		wantErr(t, s.DeleteUnit(f.ctx, f.coordA(), f.A.Org.ID, f.B.Other.ID), vaern.ErrNotFound)
		// Moving one's own unit under a foreign one is refused too.
		wantErr(t, s.UpdateUnit(f.ctx, f.coordA(), f.A.Org.ID, f.A.Other.ID, f.B.Admin.ID, "Schools"), invalid("parent"))
		if after := f.auditCounts(t); !equalCounts(before, after) {
			t.Fatalf("refused changes wrote audit rows: %v → %v", before, after)
		}
		for _, u := range []vaern.Unit{f.B.Admin, f.B.Dept, f.B.Team, f.B.Other} {
			if got := must(s.Unit(f.ctx, f.B.Org.ID, u.ID))(t); got != u {
				t.Fatalf("B's unit changed: %+v, want %+v", got, u)
			}
		}
		if got := must(s.Unit(f.ctx, f.A.Org.ID, f.A.Other.ID))(t); got != f.A.Other {
			t.Fatalf("A's unit changed by a refused move: %+v", got)
		}
	})
}

func TestUpdateUnit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a := f.A
		cases := []struct {
			name   string
			id     int64
			parent int64
			uname  string
			want   error
		}{
			{"own parent", a.Admin.ID, a.Admin.ID, "Administration", invalid("parent")},
			{"under own child", a.Admin.ID, a.Dept.ID, "Administration", invalid("parent")},
			{"under own grandchild", a.Admin.ID, a.Team.ID, "Administration", invalid("parent")},
			{"rename in place", a.Dept.ID, a.Admin.ID, "IT", nil},
			{"move to top", a.Team.ID, 0, "Operations", nil},
			{"move under another tree", a.Team.ID, a.Other.ID, "Operations", nil},
			{"under the moved unit", a.Other.ID, a.Team.ID, "Schools", invalid("parent")},
			{"back under the old tree", a.Team.ID, a.Dept.ID, "Operations", nil},
			{"empty name", a.Dept.ID, a.Admin.ID, " ", invalid("name")},
			{"unknown unit", 999999, 0, "X", vaern.ErrNotFound},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				now := f.clock.Add(time.Minute)
				before := must(s.Units(f.ctx, a.Org.ID))(t)
				counts := f.auditCounts(t)
				err := s.UpdateUnit(f.ctx, f.coordA(), a.Org.ID, c.id, c.parent, c.uname)
				wantErr(t, err, c.want)
				if c.want != nil {
					if after := must(s.Units(f.ctx, a.Org.ID))(t); !equalUnits(before, after) {
						t.Fatalf("refused update changed units:\n%+v\n%+v", before, after)
					}
					if after := f.auditCounts(t); !equalCounts(counts, after) {
						t.Fatalf("refused update wrote audit rows")
					}
					return
				}
				got := must(s.Unit(f.ctx, a.Org.ID, c.id))(t)
				if got.ParentID != c.parent || got.Name != c.uname || !got.UpdatedAt.Equal(now) || !got.CreatedAt.Equal(t0) {
					t.Fatalf("case %d: unit = %+v", i, got)
				}
				f.wantAudit(t, a.Org.ID, f.coordA(), "unit.update", c.id)
			})
		}
	})
}

func TestDeleteUnit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a := f.A
		wantErr(t, s.DeleteUnit(f.ctx, f.coordA(), a.Org.ID, a.Dept.ID), invalid("unit"))
		if _, err := s.Unit(f.ctx, a.Org.ID, a.Dept.ID); err != nil {
			t.Fatalf("refused delete removed the unit: %v", err)
		}
		if m := must(s.OrgUser(f.ctx, a.Org.ID, a.Respondent.ID))(t); m.UnitID != a.Dept.ID || m.UnitName != "IT department" {
			t.Fatalf("refused delete changed a membership: %+v", m)
		}

		// Deleting the leaf: its people stay, without a unit.
		ok(t, s.DeleteUnit(f.ctx, f.coordA(), a.Org.ID, a.Team.ID))
		_, err := s.Unit(f.ctx, a.Org.ID, a.Team.ID)
		wantErr(t, err, vaern.ErrNotFound)
		m := must(s.OrgUser(f.ctx, a.Org.ID, a.Viewer.ID))(t)
		if m.UnitID != 0 || m.UnitName != "" || m.Role != vaern.RoleViewer {
			t.Fatalf("viewer after unit delete = %+v", m)
		}
		e := f.wantAudit(t, a.Org.ID, f.coordA(), "unit.delete", a.Team.ID)
		if e.Detail != `{"name":"Operations team"}` {
			t.Fatalf("detail = %s", e.Detail)
		}
		// Now Dept has no children and can go; its respondent loses the unit too.
		ok(t, s.DeleteUnit(f.ctx, f.coordA(), a.Org.ID, a.Dept.ID))
		if m := must(s.OrgUser(f.ctx, a.Org.ID, a.Respondent.ID))(t); m.UnitID != 0 {
			t.Fatalf("respondent still in deleted unit: %+v", m)
		}
		// A second delete of the same unit is not found.
		wantErr(t, s.DeleteUnit(f.ctx, f.coordA(), a.Org.ID, a.Dept.ID), vaern.ErrNotFound)
		// B's people in B's units are untouched.
		if m := must(s.OrgUser(f.ctx, f.B.Org.ID, f.B.Viewer.ID))(t); m.UnitID != f.B.Team.ID {
			t.Fatalf("B's viewer changed: %+v", m)
		}
	})
}

func equalUnits(a, b []vaern.Unit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
