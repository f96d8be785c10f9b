package results

import (
	"sort"
	"strings"
)

// Group keys. A member belongs to exactly one group of each kind.
const (
	GroupAll = "all"
	// The prefixes of the other group keys; the rest of the key is the value.
	PrefixCountry = "country:"
	PrefixSize    = "size:"
	PrefixRegion  = "region:"
)

// Member is what grouping needs to know about a member.
type Member struct {
	Country, Region, SizeClass string
}

// GroupsOf returns the keys of the groups m is counted in: all, its country, its size class and
// its region (those it has).
func GroupsOf(m Member) []string {
	out := []string{GroupAll}
	if m.Country != "" {
		out = append(out, PrefixCountry+m.Country)
	}
	if m.SizeClass != "" {
		out = append(out, PrefixSize+m.SizeClass)
	}
	if m.Region != "" {
		out = append(out, PrefixRegion+RegionKey(m.Country, m.Region))
	}
	return out
}

// RegionKey names a region within its country, so that two countries' regions never merge.
func RegionKey(country, region string) string { return country + "/" + region }

// GroupLabel splits a group key into its kind ("all", "country", "size", "region") and value.
func GroupLabel(key string) (kind, value string) {
	if key == GroupAll {
		return "all", ""
	}
	kind, value, _ = strings.Cut(key, ":")
	if kind == "region" {
		if _, r, ok := strings.Cut(value, "/"); ok {
			value = r
		}
	}
	return kind, value
}

// Partition says that the children together are exactly the parent: every member of the parent
// is in one child. Publishing the parent and all children but one lets the missing child be
// computed, which is what complementary suppression prevents.
type Partition struct {
	Parent   string
	Children []string
}

// Partitions returns how the groups of members nest: all is split by country, by size class and
// by region, and each country by its regions.
func Partitions(members []Member) []Partition {
	countries := map[string]bool{}
	sizes := map[string]bool{}
	regions := map[string]map[string]bool{}
	for _, m := range members {
		if m.Country != "" {
			countries[m.Country] = true
		}
		if m.SizeClass != "" {
			sizes[m.SizeClass] = true
		}
		if m.Country != "" && m.Region != "" {
			if regions[m.Country] == nil {
				regions[m.Country] = map[string]bool{}
			}
			regions[m.Country][m.Region] = true
		}
	}
	var out []Partition
	if len(countries) > 0 {
		out = append(out, Partition{GroupAll, prefixed(PrefixCountry, keys(countries))})
	}
	if len(sizes) > 0 {
		out = append(out, Partition{GroupAll, prefixed(PrefixSize, keys(sizes))})
	}
	var allRegions []string
	for _, c := range keys(countries) {
		var rs []string
		for _, r := range keys(regions[c]) {
			rs = append(rs, PrefixRegion+RegionKey(c, r))
		}
		if len(rs) > 0 {
			out = append(out, Partition{PrefixCountry + c, rs})
		}
		allRegions = append(allRegions, rs...)
	}
	// Every member with a region is in one region of one country, so the regions of all countries
	// together are a partition of all as well (when every member has a region).
	if len(allRegions) > 0 && everyoneHasRegion(members) {
		out = append(out, Partition{GroupAll, allRegions})
	}
	return out
}

func everyoneHasRegion(ms []Member) bool {
	for _, m := range ms {
		if m.Country == "" || m.Region == "" {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func prefixed(p string, vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = p + v
	}
	return out
}

// PartitionsOfCounts rebuilds the partitions from stored group counts (for suppressing stored
// aggregates again): all by country, by size class and, when the regions add up to all, by
// region; each country by its regions.
func PartitionsOfCounts(counts map[string]int) []Partition {
	var countries, sizes []string
	regions := map[string][]string{}
	var allRegions []string
	regionSum := 0
	for g, n := range counts {
		switch {
		case strings.HasPrefix(g, PrefixCountry):
			countries = append(countries, g)
		case strings.HasPrefix(g, PrefixSize):
			sizes = append(sizes, g)
		case strings.HasPrefix(g, PrefixRegion):
			c, _, _ := strings.Cut(strings.TrimPrefix(g, PrefixRegion), "/")
			regions[PrefixCountry+c] = append(regions[PrefixCountry+c], g)
			allRegions = append(allRegions, g)
			regionSum += n
		}
	}
	sort.Strings(countries)
	sort.Strings(sizes)
	sort.Strings(allRegions)
	var out []Partition
	if len(countries) > 0 {
		out = append(out, Partition{GroupAll, countries})
	}
	if len(sizes) > 0 {
		out = append(out, Partition{GroupAll, sizes})
	}
	for _, c := range countries {
		if rs := regions[c]; len(rs) > 0 {
			sort.Strings(rs)
			out = append(out, Partition{c, rs})
		}
	}
	if len(allRegions) > 0 && regionSum == counts[GroupAll] {
		out = append(out, Partition{GroupAll, allRegions})
	}
	return out
}
