package results

import (
	"sort"
	"strconv"
	"strings"
)

// Group keys. A member belongs to exactly one group of each built-in kind, and to any number of
// the centre's own groups.
const (
	GroupAll = "all"
	// The prefixes of the other group keys; the rest of the key is the value.
	PrefixCountry = "country:"
	PrefixSize    = "size:"   // size:DK/large: a size class within a country
	PrefixRegion  = "region:" // region:DK/Region Midtjylland
	PrefixNamed   = "group:"  // group:ID: a group the centre defined
)

// Member is what grouping needs to know about a member.
type Member struct {
	Country, Region, SizeClass string
	// Named are the ids of the centre's groups the member is in.
	Named []int64
}

// GroupsOf returns the keys of the groups m is counted in: all, its country, its size class and
// its region within its country (those it has), and the centre's groups it is in.
func GroupsOf(m Member) []string {
	out := []string{GroupAll}
	if m.Country != "" {
		out = append(out, PrefixCountry+m.Country)
	}
	if m.SizeClass != "" {
		out = append(out, PrefixSize+RegionKey(m.Country, m.SizeClass))
	}
	if m.Region != "" {
		out = append(out, PrefixRegion+RegionKey(m.Country, m.Region))
	}
	for _, id := range m.Named {
		out = append(out, NamedKey(id))
	}
	return out
}

// NamedKey is the key of the centre's group id.
func NamedKey(id int64) string { return PrefixNamed + strconv.FormatInt(id, 10) }

// RegionKey names a region (or size class) within its country, so that two countries' groups
// never merge: Danish and Norwegian members are not compared together unless in "all".
func RegionKey(country, region string) string { return country + "/" + region }

// GroupLabel splits a group key into its kind ("all", "country", "size", "region", "group"),
// its value and its country ("" when the kind has none).
func GroupLabel(key string) (kind, value string) {
	kind, value, _ = groupParts(key)
	return kind, value
}

// GroupCountry returns the country a size or region group lies in ("" for other groups).
func GroupCountry(key string) string {
	_, _, c := groupParts(key)
	return c
}

func groupParts(key string) (kind, value, country string) {
	if key == GroupAll {
		return "all", "", ""
	}
	kind, value, _ = strings.Cut(key, ":")
	if kind == "region" || kind == "size" {
		if c, r, ok := strings.Cut(value, "/"); ok {
			return kind, r, c
		}
	}
	return kind, value, ""
}

// Partition says that the children together are exactly the parent: every member of the parent
// is in one child. Publishing the parent and all children but one lets the missing child be
// computed, which is what complementary suppression prevents.
type Partition struct {
	Parent   string
	Children []string
}

// Partitions returns how the built-in groups of members nest: all is split by country, by size
// class and by region; each country by its size classes and by its regions. The centre's own
// groups are no partition; NamedSuppress guards them.
func Partitions(members []Member) []Partition {
	counts := map[string]int{}
	for _, m := range members {
		for _, g := range GroupsOf(m) {
			counts[g]++
		}
	}
	return PartitionsOfCounts(counts)
}

// PartitionsOfCounts rebuilds the partitions from group counts (also for suppressing stored
// aggregates again): all by country, by size class and by region; each country by its size
// classes and by its regions. Where the children do not cover the parent (members without a
// region, say), the rest is a child too: PartitionsOfCounts adds its count to counts under a key
// starting with "~", which is never published, so that a parent minus its shown children can
// never be a small group.
func PartitionsOfCounts(counts map[string]int) []Partition {
	var countries, sizes, regions []string
	within := map[string][]string{} // "size|country:DK" → the country's size groups
	for g := range counts {
		switch kind, _, c := groupParts(g); kind {
		case "country":
			countries = append(countries, g)
		case "size", "region":
			if kind == "size" {
				sizes = append(sizes, g)
			} else {
				regions = append(regions, g)
			}
			within[kind+"|"+PrefixCountry+c] = append(within[kind+"|"+PrefixCountry+c], g)
		}
	}
	sort.Strings(countries)
	var out []Partition
	add := func(parent, kind string, children []string) {
		if len(children) == 0 || counts[parent] == 0 {
			return
		}
		sort.Strings(children)
		sum := 0
		for _, g := range children {
			sum += counts[g]
		}
		if rest := counts[parent] - sum; rest > 0 {
			key := RestKey(parent, kind)
			counts[key] = rest
			children = append(children, key)
		}
		out = append(out, Partition{parent, children})
	}
	add(GroupAll, "country", countries)
	add(GroupAll, "size", sizes)
	add(GroupAll, "region", regions)
	for _, c := range countries {
		add(c, "size", within["size|"+c])
		add(c, "region", within["region|"+c])
	}
	return out
}

// RestKey names the members of parent outside every child of one kind; such a group is only
// counted, never published.
func RestKey(parent, kind string) string { return "~" + parent + "|" + kind }
