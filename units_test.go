package vaern

import "testing"

func TestUnitTree(t *testing.T) {
	units := []Unit{
		{ID: 1, Name: "Teknik og Miljø"},
		{ID: 2, Name: "Børn og Unge"},
		{ID: 3, ParentID: 2, Name: "Skoler"},
		{ID: 4, ParentID: 2, Name: "Dagtilbud"},
		{ID: 5, ParentID: 4, Name: "Vuggestuer"},
		{ID: 6, ParentID: 99, Name: "Forældreløs"},
	}
	got := UnitTree(units)
	want := []struct {
		id    int64
		depth int
	}{{2, 0}, {4, 1}, {5, 2}, {3, 1}, {6, 0}, {1, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %d nodes, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].Depth != w.depth {
			t.Errorf("node %d: got id %d depth %d, want id %d depth %d", i, got[i].ID, got[i].Depth, w.id, w.depth)
		}
	}
	if got[2].Path[0] != "Børn og Unge" || got[2].Path[1] != "Dagtilbud" {
		t.Errorf("path of Vuggestuer: %v", got[2].Path)
	}
	if got[0].Children != 2 {
		t.Errorf("Børn og Unge has %d children, want 2", got[0].Children)
	}
}

func TestPolicy(t *testing.T) {
	cases := []struct {
		r    Role
		p    Permission
		want bool
	}{
		{RoleViewer, PermViewOrg, true},
		{RoleViewer, PermManageUnits, false},
		{RoleRespondent, PermManageUsers, false},
		{RoleCoordinator, PermManageUsers, true},
		{RoleCoordinator, PermViewMembers, false},
		{RoleCentreAnalyst, PermViewMembers, true},
		{RoleCentreAnalyst, PermManageMembers, false},
		{RoleCentreAdmin, PermManageMembers, true},
		{Role("root"), PermSignedIn, false},
	}
	for _, c := range cases {
		if got := Can(c.r, c.p); got != c.want {
			t.Errorf("Can(%s, %s) = %v, want %v", c.r, c.p, got, c.want)
		}
	}
	if !CanGrant(RoleCoordinator, OrgMember, RoleRespondent) || CanGrant(RoleCoordinator, OrgMember, RoleCentreAdmin) ||
		CanGrant(RoleRespondent, OrgMember, RoleViewer) || !CanGrant(RoleCentreAdmin, OrgCentre, RoleCentreAnalyst) ||
		!CanGrant(RoleCentreAdmin, OrgMember, RoleCoordinator) || CanGrant(RoleCentreAdmin, OrgMember, RoleViewer) {
		t.Error("CanGrant is wrong")
	}
}

func TestSubtree(t *testing.T) {
	units := []Unit{
		{ID: 1, Name: "Beskæftigelsesforvaltningen"},
		{ID: 2, ParentID: 1, Name: "Jobcenter"},
		{ID: 3, ParentID: 1, Name: "Integration"},
		{ID: 4, ParentID: 2, Name: "Ydelser"},
		{ID: 5, Name: "Kultur"},
		{ID: 6, ParentID: 7, Name: "Løkke A"},
		{ID: 7, ParentID: 6, Name: "Løkke B"},
	}
	for _, tc := range []struct {
		root int64
		want []int64
	}{{1, []int64{1, 2, 3, 4}}, {2, []int64{2, 4}}, {4, []int64{4}}, {5, []int64{5}}, {6, []int64{6, 7}}} {
		got := Subtree(units, tc.root)
		if len(got) != len(tc.want) {
			t.Errorf("Subtree(%d) = %v, want %v", tc.root, got, tc.want)
		}
		for _, id := range tc.want {
			if !got[id] {
				t.Errorf("Subtree(%d) lacks %d", tc.root, id)
			}
		}
	}
}
