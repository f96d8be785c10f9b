package store

import (
	"strings"

	"github.com/vaern/vaern/internal/access"
)

// An advisory's audience travels in the domain as one string (vaern.Advisory.Audience) and is
// stored in the six audience columns access.Table reads. The string forms are:
//
//	members              every member (also "all" and "")
//	named:3,15           the named members
//	group:DK/Region/small  the members matching country, region and size class (empty parts: any)
//	centre               the centre only
//	people:7,9           the named people (the only audience of a RED advisory)

// ParseAudience reads an audience string.
func ParseAudience(s string) access.Audience {
	kind, rest, _ := strings.Cut(strings.TrimSpace(s), ":")
	switch kind {
	case "", "all", string(access.AllMembers):
		return access.Audience{Kind: access.AllMembers}
	case string(access.NamedMembers), "orgs":
		return access.Audience{Kind: access.NamedMembers, Orgs: access.ParseIDList(rest)}
	case string(access.NamedPeople):
		return access.Audience{Kind: access.NamedPeople, People: access.ParseIDList(rest)}
	case string(access.CentreOnly):
		return access.Audience{Kind: access.CentreOnly}
	case string(access.Group):
		parts := strings.SplitN(rest, "/", 3)
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		return access.Audience{Kind: access.Group, Country: parts[0], Region: parts[1], SizeClass: parts[2]}
	}
	return access.Audience{Kind: access.Kind(kind)}
}

// FormatAudience writes an audience as ParseAudience reads it.
func FormatAudience(a access.Audience) string {
	switch a.Kind {
	case access.NamedMembers:
		return "named:" + strings.Trim(access.IDList(a.Orgs), ",")
	case access.NamedPeople:
		return "people:" + strings.Trim(access.IDList(a.People), ",")
	case access.CentreOnly:
		return "centre"
	case access.Group:
		return "group:" + a.Country + "/" + a.Region + "/" + a.SizeClass
	}
	return "members"
}

// advisoryRule describes the advisories table for the access rules.
var advisoryRule = access.Table{Owner: "a.owner_org_id", Creator: "a.created_by", TLP: "a.tlp", Audience: "a.aud"}
