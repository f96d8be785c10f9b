package access

import (
	"strings"
	"testing"

	"github.com/vaern/vaern"
)

// The cast of the table test: member A (DK, Midtjylland, large) with two people, member B (NO,
// Vestland, small), the centre, and nobody.
const centre, orgA, orgB = 1, 10, 20

var (
	nobody   = Principal{}
	annA     = Principal{SignedIn: true, User: 100, Org: orgA, Country: "DK", Region: "Midtjylland", SizeClass: "large"}
	bentA    = Principal{SignedIn: true, User: 101, Org: orgA, Country: "DK", Region: "Midtjylland", SizeClass: "large"}
	berit    = Principal{SignedIn: true, User: 200, Org: orgB, Country: "NO", Region: "Vestland", SizeClass: "small"}
	analyst  = Principal{SignedIn: true, User: 1, Org: centre, Centre: true}
	systemA  = Principal{SignedIn: true, Org: orgA, Country: "DK", Region: "Midtjylland", SizeClass: "large"}
	everyone = []Principal{nobody, annA, bentA, berit, analyst, systemA}
	names    = []string{"nobody", "Ann (A)", "Bent (A)", "Berit (B)", "the centre", "Værn for A"}
)

func TestMay(t *testing.T) {
	fromCentre := func(tlp TLP, a Audience) Object { return Object{Owner: centre, Creator: 1, TLP: tlp, Audience: a} }
	fromA := func(tlp TLP, a Audience) Object { return Object{Owner: orgA, Creator: 100, TLP: tlp, Audience: a} }
	members := Audience{Kind: AllMembers}
	for _, c := range []struct {
		name string
		o    Object
		want string // one letter per principal in everyone: y or n
	}{
		{"CLEAR is public", fromCentre(Clear, members), "yyyyyy"},
		{"GREEN is the community, whatever the audience", fromCentre(Green, Audience{Kind: CentreOnly}), "nyyyyy"},
		{"AMBER to all members", fromCentre(Amber, members), "nyyyyy"},
		{"AMBER to named members: B and the centre", fromA(Amber, Audience{Kind: NamedMembers, Orgs: []int64{orgB}}), "nyyyyy"},
		{"AMBER+STRICT to named members: not the centre", fromA(AmberStrict, Audience{Kind: NamedMembers, Orgs: []int64{orgB}}), "nyyyny"},
		{"AMBER+STRICT to the centre only", fromA(AmberStrict, Audience{Kind: CentreOnly}), "nyynyy"},
		{"AMBER+STRICT from the centre to all members", fromCentre(AmberStrict, members), "nyyyyy"},
		{"AMBER to Norway", fromCentre(Amber, Audience{Kind: Group, Country: "NO"}), "nnnyyn"},
		{"AMBER+STRICT to large Danish members", fromCentre(AmberStrict, Audience{Kind: Group, Country: "DK", SizeClass: "large"}), "nyynyy"},
		{"AMBER+STRICT to a region nobody is in", fromCentre(AmberStrict, Audience{Kind: Group, Region: "Nordland"}), "nnnnyn"},
		{"AMBER+STRICT to named people: Berit", fromA(AmberStrict, Audience{Kind: NamedPeople, People: []int64{200}}), "nyyyny"},
		{"RED to named people: only Berit and the author", fromA(Red, Audience{Kind: NamedPeople, People: []int64{200}}), "nynynn"},
		{"RED from the centre to Bent", fromCentre(Red, Audience{Kind: NamedPeople, People: []int64{101}}), "nnynyn"},
		{"unlabelled: the owner only", Object{Owner: orgA}, "nyynny"},
		{"reported to the centre", Object{Owner: orgA, Reported: true}, "nyynyy"},
		{"register details shared with the centre", Object{Owner: orgB, Shared: true}, "nnnyyn"},
		{"RED overrides reported", Object{Owner: orgA, Creator: 100, TLP: Red, Audience: Audience{Kind: NamedPeople, People: []int64{101}}, Reported: true}, "nyynnn"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.o.Validate(); err != nil {
				t.Fatalf("the case's object is invalid: %v", err)
			}
			for i, p := range everyone {
				want := c.want[i] == 'y' || c.want[i] == 'Y'
				if got := May(p, c.o); got != want {
					t.Errorf("%s: May = %v, want %v", names[i], got, want)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		o     Object
		field string
	}{
		{Object{Owner: 1}, ""},
		{Object{Owner: 1, TLP: "amber", Audience: Audience{Kind: AllMembers}}, "tlp"},
		{Object{Owner: 1, TLP: "YELLOW", Audience: Audience{Kind: AllMembers}}, "tlp"},
		{Object{Owner: 1, Audience: Audience{Kind: AllMembers}}, "tlp"},
		{Object{Owner: 1, TLP: Green}, "audience"},
		{Object{Owner: 1, TLP: Amber, Audience: Audience{Kind: NamedMembers}}, "audience_orgs"},
		{Object{Owner: 1, TLP: Amber, Audience: Audience{Kind: Group}}, "audience_group"},
		{Object{Owner: 1, TLP: Amber, Audience: Audience{Kind: NamedPeople}}, "audience_people"},
		{Object{Owner: 1, TLP: Red, Audience: Audience{Kind: AllMembers}}, "audience"},
		{Object{Owner: 1, TLP: Red, Audience: Audience{Kind: NamedPeople, People: []int64{3}}}, ""},
		{Object{Owner: 1, TLP: Amber, Audience: Audience{Kind: Group, Region: "Vestland"}}, ""},
	} {
		err := c.o.Validate()
		var field string
		if ve, ok := err.(*vaern.ValidationError); ok {
			field = ve.Field
		} else if err != nil {
			t.Fatalf("%+v: %v is not a validation error", c.o, err)
		}
		if field != c.field {
			t.Errorf("%+v: error on %q, want %q", c.o, field, c.field)
		}
	}
}

func TestParseTLP(t *testing.T) {
	for in, want := range map[string]TLP{"TLP:AMBER+STRICT": AmberStrict, "amber + strict": AmberStrict, " tlp:red": Red,
		"WHITE": Clear, "clear": Clear, "Green": Green, "": ""} {
		if got, ok := ParseTLP(in); !ok || got != want {
			t.Errorf("ParseTLP(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := ParseTLP("AMBER-STRICT"); ok {
		t.Error("AMBER-STRICT was accepted")
	}
}

func TestIDList(t *testing.T) {
	if s := IDList([]int64{3, 15}); s != ",3,15," {
		t.Fatalf("IDList = %q", s)
	}
	if got := ParseIDList(",3,15,"); len(got) != 2 || got[0] != 3 || got[1] != 15 {
		t.Fatalf("ParseIDList = %v", got)
	}
	if IDList(nil) != "" || ParseIDList("") != nil {
		t.Fatal("empty lists do not round-trip")
	}
	a := Audience{Kind: Group, Orgs: []int64{4}, People: []int64{7, 8}, Country: "NO", Region: "Vestland", SizeClass: "small"}
	if back := a.Row().Audience(); back.Kind != a.Kind || len(back.Orgs) != 1 || len(back.People) != 2 || back.Region != "Vestland" || back.SizeClass != "small" {
		t.Fatalf("audience round trip: %+v", back)
	}
}

func TestOf(t *testing.T) {
	if Of(nil).SignedIn {
		t.Fatal("nil principal is signed in")
	}
	p := Of(&vaern.Principal{User: vaern.User{ID: 7}, Org: vaern.Org{ID: 3, Kind: vaern.OrgMember, Country: "NO", Region: "Vestland", SizeClass: "large"}})
	if !p.SignedIn || p.User != 7 || p.Org != 3 || p.Centre || p.Region != "Vestland" {
		t.Fatalf("Of = %+v", p)
	}
	c := Of(&vaern.Principal{User: vaern.User{ID: 1}, Org: vaern.Org{ID: 1, Kind: vaern.OrgCentre, Country: "DK"}})
	if !c.Centre || c.Country != "" {
		t.Fatalf("Of(centre) = %+v", c)
	}
}

// TestWhereTextIsStable: the SQL text depends on the kind of principal only, never on ids, so the
// store prepares one statement per kind; and every ? has its value.
func TestWhereTextIsStable(t *testing.T) {
	tab := Table{Owner: "x.org_id", Creator: "x.created_by", TLP: "x.tlp", Audience: "x.aud", Reported: "x.reported", Shared: "x.shared"}
	if a, b := Where(annA, tab), Where(berit, tab); a.SQL != b.SQL {
		t.Errorf("two members get different SQL:\n%s\n%s", a.SQL, b.SQL)
	}
	for i, p := range everyone {
		for _, tb := range []Table{tab, {Owner: "s.org_id"}, {Owner: "s.org_id", Shared: "EXISTS (SELECT 1)"}} {
			w := Where(p, tb)
			if n := strings.Count(w.SQL, "?"); n != len(w.Args) {
				t.Errorf("%s: %d placeholders, %d arguments in %s", names[i], n, len(w.Args), w.SQL)
			}
		}
	}
	if w := Where(nobody, Table{Owner: "s.org_id"}); w.SQL != "(1 = 0)" {
		t.Errorf("nobody sees unlabelled rows: %s", w.SQL)
	}
}
