package warnings

import (
	"testing"

	"github.com/vaern/vaern"
)

func TestVersionSchemes(t *testing.T) {
	r := func(scheme, intro, fixed, last string) vaern.VersionRange {
		return vaern.VersionRange{Scheme: scheme, Introduced: intro, Fixed: fixed, LastAffected: last}
	}
	ex := func(scheme, v string) vaern.VersionRange { return vaern.VersionRange{Scheme: scheme, Exact: v} }
	cases := []struct {
		name    string
		scheme  string
		ranges  []vaern.VersionRange
		version string
		want    Verdict
	}{
		// generic: dotted numbers, missing parts are 0, suffixes
		{"generic in", "generic", []vaern.VersionRange{r("generic", "2.0", "2.4.1", "")}, "2.4", VerdictInRange},
		{"generic v prefix", "generic", []vaern.VersionRange{r("generic", "", "2.4.1", "")}, "v2.4", VerdictInRange},
		{"generic at fix", "generic", []vaern.VersionRange{r("generic", "", "2.4.1", "")}, "2.4.1", VerdictFixed},
		{"generic above fix", "generic", []vaern.VersionRange{r("generic", "", "2.4.1", "")}, "2.10", VerdictFixed},
		{"generic below introduced", "generic", []vaern.VersionRange{r("generic", "2.0", "2.4.1", "")}, "1.9", VerdictOutOfRange},
		{"generic beta before release", "generic", []vaern.VersionRange{r("generic", "", "2.4.1", "")}, "2.4.1-beta", VerdictInRange},
		{"generic rc after beta", "generic", []vaern.VersionRange{r("generic", "", "2.4.1-rc1", "")}, "2.4.1-beta.2", VerdictInRange},
		{"generic last affected", "generic", []vaern.VersionRange{r("generic", "", "", "2.4.1")}, "2.4.1", VerdictInRange},
		{"generic above last affected", "generic", []vaern.VersionRange{r("generic", "", "", "2.4.1")}, "2.4.2", VerdictFixed},
		{"generic date", "generic", []vaern.VersionRange{r("generic", "", "2023.11", "")}, "2023.10", VerdictInRange},
		{"generic date later", "generic", []vaern.VersionRange{r("generic", "", "2023.11", "")}, "2024.1", VerdictFixed},
		{"generic dashed date", "generic", []vaern.VersionRange{r("generic", "", "2023.11", "")}, "2023-10-05", VerdictInRange},
		{"generic openssl letter", "generic", []vaern.VersionRange{r("generic", "1.0.2", "1.0.2k", "")}, "1.0.2h", VerdictInRange},
		{"generic R2 after release", "generic", []vaern.VersionRange{r("generic", "", "", "2019")}, "2019 R2", VerdictFixed},
		{"generic unknown suffix", "generic", []vaern.VersionRange{ex("generic", "2.4")}, "2.4 enterprise", VerdictNotComparable},
		{"generic no digits", "generic", []vaern.VersionRange{r("generic", "", "2.4", "")}, "latest", VerdictNotComparable},
		{"generic unknown", "generic", []vaern.VersionRange{r("generic", "", "2.4", "")}, "", VerdictUnknown},
		{"generic exact", "generic", []vaern.VersionRange{ex("generic", "15.2")}, "15.2.0", VerdictInRange},
		{"generic exact other", "generic", []vaern.VersionRange{ex("generic", "15.2")}, "15.3", VerdictOutOfRange},
		{"no ranges", "generic", nil, "1.0", VerdictAllVersions},
		// ecosystems through osv-scalibr's semantic package
		{"npm prerelease", "npm", []vaern.VersionRange{r("npm", "", "4.17.21", "")}, "4.17.21-rc.1", VerdictInRange},
		{"npm fixed", "npm", []vaern.VersionRange{r("npm", "", "4.17.21", "")}, "4.17.21", VerdictFixed},
		{"maven qualifier", "maven", []vaern.VersionRange{r("maven", "2.0-beta9", "2.15.0", "")}, "2.14.1", VerdictInRange},
		{"maven fixed", "maven", []vaern.VersionRange{r("maven", "2.0-beta9", "2.15.0", "")}, "2.17.1", VerdictFixed},
		{"pypi post", "pypi", []vaern.VersionRange{r("pypi", "", "4.1", "")}, "4.0.post1", VerdictInRange},
		{"pypi fixed", "pypi", []vaern.VersionRange{r("pypi", "", "4.1", "")}, "4.1", VerdictFixed},
		{"nuget", "nuget", []vaern.VersionRange{r("nuget", "", "13.0.1", "")}, "12.0.3", VerdictInRange},
		{"deb epoch counts first", "deb", []vaern.VersionRange{r("deb", "", "1:2.4.1-1", "")}, "2.9-1", VerdictInRange},
		{"deb epoch fixed", "deb", []vaern.VersionRange{r("deb", "", "1:2.4.1-1", "")}, "1:2.5-1", VerdictFixed},
		{"rpm", "rpm", []vaern.VersionRange{r("rpm", "", "3.0.7-27.el9", "")}, "3.0.7-24.el9", VerdictInRange},
		{"golang v", "golang", []vaern.VersionRange{r("golang", "", "0.17.0", "")}, "v0.14.0", VerdictInRange},
		{"ecosystem without digits", "npm", []vaern.VersionRange{r("npm", "", "1.0.0", "")}, "latest", VerdictNotComparable},
		// Windows builds
		{"windows build in", "windows", []vaern.VersionRange{r("windows", "10.0.14393.0", "10.0.14393.6897", "")}, "10.0.14393.6800", VerdictInRange},
		{"windows build patched", "windows", []vaern.VersionRange{r("windows", "10.0.14393.0", "10.0.14393.6897", "")}, "10.0.14393.6897", VerdictFixed},
		{"windows other release", "windows", []vaern.VersionRange{r("windows", "10.0.17763.0", "10.0.17763.5000", "")}, "10.0.14393.6897", VerdictOutOfRange},
		{"windows release name, patch unknown", "windows", []vaern.VersionRange{r("windows", "10.0.14393.0", "10.0.14393.6897", "")}, "Windows Server 2016", VerdictNotComparable},
		{"windows release name, other release", "windows", []vaern.VersionRange{r("windows", "10.0.17763.0", "10.0.17763.5000", "")}, "Windows Server 2016", VerdictOutOfRange},
		{"windows 2019 R2 is no release", "windows", []vaern.VersionRange{r("windows", "10.0.17763.0", "10.0.17763.5000", "")}, "2019 R2", VerdictNotComparable},
		{"windows 2012 R2", "windows", []vaern.VersionRange{r("windows", "6.3.9600.0", "6.3.9600.21000", "")}, "Server 2012 R2 Datacenter", VerdictNotComparable},
		{"windows 2012 R2 vs 2016 range", "windows", []vaern.VersionRange{r("windows", "10.0.14393.0", "10.0.14393.6897", "")}, "2012 R2", VerdictOutOfRange},
		{"windows 10 feature update", "windows", []vaern.VersionRange{r("windows", "10.0.19044.0", "10.0.19044.4000", "")}, "Windows 10 21H2", VerdictNotComparable},
		{"windows 11 23H2 above", "windows", []vaern.VersionRange{r("windows", "10.0.19044.0", "10.0.19044.4000", "")}, "Windows 11 23H2", VerdictFixed},
		// Cisco IOS trains
		{"cisco in", "cisco-ios", []vaern.VersionRange{r("cisco-ios", "15.2(4)E", "15.2(7)E3", "")}, "15.2(4)E1", VerdictInRange},
		{"cisco maintenance order", "cisco-ios", []vaern.VersionRange{r("cisco-ios", "", "15.2(4)E10", "")}, "15.2(4)E9", VerdictInRange},
		{"cisco fixed", "cisco-ios", []vaern.VersionRange{r("cisco-ios", "", "15.2(7)E3", "")}, "15.2(7)E4", VerdictFixed},
		{"cisco other train", "cisco-ios", []vaern.VersionRange{r("cisco-ios", "", "15.2(7)E3", "")}, "15.2(4)M1", VerdictNotComparable},
		{"cisco exact", "cisco-ios", []vaern.VersionRange{ex("cisco-ios", "15.2(4)E1")}, "15.2(4)E1", VerdictInRange},
		{"cisco xe dotted", "cisco-ios", []vaern.VersionRange{r("cisco-ios", "17.3.1", "17.3.4a", "")}, "17.3.2", VerdictInRange},
		{"cisco dotted vs train", "cisco-ios", []vaern.VersionRange{r("cisco-ios", "", "15.2(7)E3", "")}, "17.3.2", VerdictNotComparable},
		// a CPE "-": a product without versions
		{"na range, versioned asset", "generic", []vaern.VersionRange{ex("generic", "-")}, "1.0", VerdictOutOfRange},
		{"na range, no version", "generic", []vaern.VersionRange{ex("generic", "-")}, "", VerdictInRange},
		{"exact star", "generic", []vaern.VersionRange{ex("generic", "*")}, "1.0", VerdictAllVersions},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := compileRanges(schemeFor(c.scheme), c.ranges)
			j := rs.judge(c.version)
			if j.verdict != c.want {
				t.Errorf("%s %q against %+v: %s (%s), want %s", c.scheme, c.version, c.ranges, j.verdict, j.note, c.want)
			}
		})
	}
}

func TestInferScheme(t *testing.T) {
	if s := inferScheme("cisco", "ios", []vaern.VersionRange{{Fixed: "15.2(7)E3"}}, ""); s.name() != "cisco-ios" {
		t.Errorf("cisco: %s", s.name())
	}
	if s := inferScheme("microsoft", "windows", nil, ""); s.name() != "windows" {
		t.Errorf("windows: %s", s.name())
	}
	if s := inferScheme("acme", "widget", []vaern.VersionRange{{Fixed: "2.4"}}, ""); s.name() != "generic" {
		t.Errorf("generic: %s", s.name())
	}
}
