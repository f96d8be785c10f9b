package warnings

import (
	"testing"

	"github.com/vaern/vaern"
)

// FuzzMatch feeds arbitrary register text (names, versions, CPEs, purls) to the matcher against
// advisories of every scheme: it must not panic, and both directions must agree. The seeds run
// as a normal test.
func FuzzMatch(f *testing.F) {
	seeds := [][6]string{
		{"Mail", "Microsoft Corporation", "Exchange", "2019 CU12", "", ""},
		{"", "Microsoft", "Windows Server 2016", "10.0.14393.6897", "cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*", ""},
		{"switch", "Cisco", "IOS", "15.2(4)E1", "cpe:/o:cisco:ios:15.2%284%29e1", ""},
		{"lodash", "", "", "4.17.20", "", "pkg:npm/lodash@4.17.20"},
		{"x", "*", "-", "v2.4", "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*", "pkg:/"},
		{"", "", "", "2.4.1-beta", "cpe:2.3:a:acme:widget:2.4\\:1:*:*:*:*:*:*:*", "pkg:maven/org.example/core@1.0?x=%zz"},
		{"(((", "A/S", "Windows 11 23H2", "99999999999999999999999.1", "", ""},
		{"", "", "", "15.2(((4)E1", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	advs := []vaern.Advisory{
		adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"}),
		adv(2, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Windows Server 2016", Versions: []vaern.VersionRange{{Introduced: "10.0.14393.0", Fixed: "10.0.14393.6897"}}}),
		adv(3, vaern.AdvisoryProduct{CPE: "cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*", Versions: []vaern.VersionRange{{Introduced: "15.2(4)E", Fixed: "15.2(7)E3"}}}),
		adv(4, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: []vaern.VersionRange{{Scheme: "npm", Fixed: "4.17.21"}}},
			vaern.AdvisoryProduct{PURL: "pkg:npm/lodash@4.17.21", Status: vaern.StatusFixed}),
		adv(5, vaern.AdvisoryProduct{Vendor: "Acme", Product: "Widget", Versions: []vaern.VersionRange{{Scheme: "generic", Introduced: "2.0", LastAffected: "2.4.1"}}},
			vaern.AdvisoryProduct{Vendor: "Acme", Product: "Widget", Status: vaern.StatusNotAffected, Versions: []vaern.VersionRange{{Exact: "2.4.1-beta"}}}),
		adv(6, vaern.AdvisoryProduct{PURL: "pkg:maven/org.example/core", Versions: []vaern.VersionRange{{Scheme: "maven", Fixed: "2.0"}}},
			vaern.AdvisoryProduct{PURL: "pkg:pypi/django", Versions: []vaern.VersionRange{{Scheme: "pypi", Fixed: "4.2"}}},
			vaern.AdvisoryProduct{PURL: "pkg:deb/debian/openssl", Versions: []vaern.VersionRange{{Scheme: "deb", Fixed: "3.0.11-1"}}}),
	}
	ix := NewIndex(advs)
	f.Fuzz(func(t *testing.T, name, vendor, product, version, cpe, purl string) {
		a := Asset{OrgID: 1, SystemID: 2, ComponentID: 3, Name: name, Vendor: vendor, Product: product, Version: version, CPE: cpe, PURL: purl}
		one := ix.Match(a)
		for _, m := range one {
			if m.RangeKey == "" || m.Tier == "" || m.Outcome == "" {
				t.Fatalf("incomplete match %+v", m)
			}
			_ = m.Evidence.Text()
		}
		ax := NewAssetIndex([]Asset{a})
		var back []Match
		for _, adv := range advs {
			back = append(back, ax.Match(adv)...)
		}
		SortMatches(one)
		SortMatches(back)
		if len(one) != len(back) {
			t.Fatalf("directions differ: %d and %d", len(one), len(back))
		}
		for i := range one {
			if !sameMatch(one[i], back[i]) {
				t.Fatalf("directions differ:\n%+v\n%+v", one[i], back[i])
			}
		}
	})
}
