// Package access is Værn's one answer to "may this principal see this object", beyond roles.
//
// Roles (vaern.Can) decide whether a person may use a page or an API route at all. This package
// decides which objects they see there: by the object's TLP 2.0 label and audience, by whether a
// member reported it to the centre, and by whether the member shares the details of its register
// with the centre. It gives the same answer twice: May checks one object in Go, and Where gives the
// SQL condition the store puts into its list, search, count and export queries, so that nothing is
// filtered after a query and no page can disagree with another. docs/access.md states the rules.
//
// The package is policy, not a module: it imports only the domain and holds no orchestration, so
// the store may call it to scope its queries.
package access

import (
	"strconv"
	"strings"

	"github.com/vaern/vaern"
)

// TLP is a Traffic Light Protocol 2.0 label. The empty label means the object is not shared by
// label at all: only its owner (and the grants below) see it.
type TLP string

const (
	Clear       TLP = "CLEAR"
	Green       TLP = "GREEN"
	Amber       TLP = "AMBER"
	AmberStrict TLP = "AMBER+STRICT"
	Red         TLP = "RED"
)

// TLPs lists the labels from the most open to the most closed.
var TLPs = []TLP{Clear, Green, Amber, AmberStrict, Red}

// Valid reports whether t is one of the five labels (the empty label is not one).
func (t TLP) Valid() bool {
	for _, x := range TLPs {
		if x == t {
			return true
		}
	}
	return false
}

// ParseTLP reads a label as people and feeds write it: "TLP:AMBER+STRICT", "amber", and TLP 1.0's
// WHITE for CLEAR. The empty string is the empty label.
func ParseTLP(s string) (TLP, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "TLP:")
	s = strings.ReplaceAll(s, " ", "")
	if s == "WHITE" {
		return Clear, true
	}
	if s == "" {
		return "", true
	}
	if t := TLP(s); t.Valid() {
		return t, true
	}
	return "", false
}

// Kind says who an object is addressed to.
type Kind string

const (
	AllMembers   Kind = "members" // every member
	NamedMembers Kind = "named"   // the members in Audience.Orgs
	Group        Kind = "group"   // the members matching Audience.Country, Region and SizeClass
	CentreOnly   Kind = "centre"  // the centre
	NamedPeople  Kind = "people"  // the people in Audience.People
)

// Kinds lists the audience kinds in the order a form offers them.
var Kinds = []Kind{AllMembers, NamedMembers, Group, CentreOnly, NamedPeople}

// Audience is who an object is addressed to: its recipients.
type Audience struct {
	Kind   Kind
	Orgs   []int64 // NamedMembers
	People []int64 // NamedPeople (the only kind a RED object may have)
	// Group: every criterion that is set must match the member's facts; at least one is set.
	Country, Region, SizeClass string
}

// Principal is who is looking, as the rules need to know them. The zero value is nobody signed in,
// who sees CLEAR objects only.
type Principal struct {
	SignedIn bool
	User     int64 // the person; 0 for Værn itself or a command acting for an organisation
	Org      int64 // the organisation they act for
	Centre   bool  // that organisation is the centre
	// The member's facts that group audiences select on (empty for the centre).
	Country, Region, SizeClass string
}

// Of is the principal behind a request; nil is nobody signed in.
func Of(p *vaern.Principal) Principal {
	if p == nil || p.User.ID == 0 {
		return Principal{}
	}
	out := Principal{SignedIn: true, User: p.User.ID, Org: p.Org.ID, Centre: p.Org.IsCentre()}
	if !out.Centre {
		out.Country, out.Region, out.SizeClass = p.Org.Country, p.Org.Region, p.Org.SizeClass
	}
	return out
}

// ForOrg is Værn itself, or an operator's command, acting for one organisation: it sees what the
// organisation's people see, but is nobody's named person.
func ForOrg(o vaern.Org) Principal {
	p := Principal{SignedIn: true, Org: o.ID, Centre: o.IsCentre()}
	if !p.Centre {
		p.Country, p.Region, p.SizeClass = o.Country, o.Region, o.SizeClass
	}
	return p
}

// Object is what the rules need to know of an object.
type Object struct {
	Owner    int64 // the organisation it belongs to
	Creator  int64 // the person who made it (0: unknown, or made by Værn)
	TLP      TLP
	Audience Audience
	Reported bool // the owning member reported it to the centre (incidents)
	Shared   bool // the owning member shares this kind of detail with the centre (the register)
}

// May reports whether p may see o. Where is the same rule as SQL; the property test holds them
// together.
func May(p Principal, o Object) bool {
	if o.TLP == Red {
		// For the eyes of the named people only, and of the person who wrote it.
		return p.SignedIn && p.User != 0 && (p.User == o.Creator || has(o.Audience.People, p.User))
	}
	if o.TLP == Clear {
		return true
	}
	if !p.SignedIn {
		return false
	}
	if p.Org == o.Owner || (p.User != 0 && p.User == o.Creator) {
		return true
	}
	if p.Centre && (o.Reported || o.Shared) {
		return true
	}
	switch o.TLP {
	case Green:
		return true
	case Amber:
		return p.Centre || recipient(p, o.Audience)
	case AmberStrict:
		return recipient(p, o.Audience)
	}
	return false
}

// recipient reports whether p is one of the audience's recipients.
func recipient(p Principal, a Audience) bool {
	switch a.Kind {
	case AllMembers:
		return !p.Centre
	case NamedMembers:
		return has(a.Orgs, p.Org)
	case Group:
		return !p.Centre && (a.Country == "" || a.Country == p.Country) &&
			(a.Region == "" || a.Region == p.Region) && (a.SizeClass == "" || a.SizeClass == p.SizeClass)
	case CentreOnly:
		return p.Centre
	case NamedPeople:
		return p.User != 0 && has(a.People, p.User)
	}
	return false
}

func has(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Validate checks an object's label and audience before it is stored, naming the field that is
// wrong: tlp, audience, audience_orgs, audience_people or audience_group.
func (o Object) Validate() error {
	if o.TLP != "" && !o.TLP.Valid() {
		return vaern.Invalid("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	}
	a := o.Audience
	if o.TLP == "" {
		if a.Kind != "" {
			return vaern.Invalid("tlp", "is needed to address the object to an audience")
		}
		return nil
	}
	switch a.Kind {
	case AllMembers, CentreOnly:
	case NamedMembers:
		if len(a.Orgs) == 0 {
			return vaern.Invalid("audience_orgs", "name at least one member")
		}
	case Group:
		if a.Country == "" && a.Region == "" && a.SizeClass == "" {
			return vaern.Invalid("audience_group", "choose a country, a region or a size class")
		}
	case NamedPeople:
		if len(a.People) == 0 {
			return vaern.Invalid("audience_people", "name at least one person")
		}
	default:
		return vaern.Invalid("audience", "choose who the object is for")
	}
	if o.TLP == Red && a.Kind != NamedPeople {
		return vaern.Invalid("audience", "a RED object is for named people only")
	}
	return nil
}

// IDList stores a list of ids in one text column as ",1,2,3,", the form Where matches with LIKE.
func IDList(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteByte(',')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	return b.String()
}

// ParseIDList reads what IDList wrote.
func ParseIDList(s string) []int64 {
	var out []int64
	for _, part := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(part, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// Row is an audience as a table stores it, one field per audience column (see Table.Audience).
type Row struct {
	Kind, Orgs, People, Country, Region, Size string
}

// Row returns the audience's column values.
func (a Audience) Row() Row {
	return Row{Kind: string(a.Kind), Orgs: IDList(a.Orgs), People: IDList(a.People), Country: a.Country, Region: a.Region, Size: a.SizeClass}
}

// Audience reads the audience back from its column values.
func (r Row) Audience() Audience {
	return Audience{Kind: Kind(r.Kind), Orgs: ParseIDList(r.Orgs), People: ParseIDList(r.People), Country: r.Country, Region: r.Region, SizeClass: r.Size}
}
