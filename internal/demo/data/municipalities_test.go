package demodata

import (
	"regexp"
	"strings"
	"testing"
)

func TestDenmarkCount(t *testing.T) {
	if got := len(Denmark); got != 98 {
		t.Fatalf("len(Denmark) = %d, want 98", got)
	}
}

func TestDenmarkCodesAndNamesUnique(t *testing.T) {
	code := regexp.MustCompile(`^[0-9]{3}$`)
	codes := map[string]string{}
	names := map[string]string{}
	for _, m := range Denmark {
		if m.Country != CountryDenmark {
			t.Errorf("%s %s: country %q, want %q", m.Code, m.Name, m.Country, CountryDenmark)
		}
		if !code.MatchString(m.Code) {
			t.Errorf("%s: code %q is not 3 digits", m.Name, m.Code)
		}
		if strings.TrimSpace(m.Name) == "" {
			t.Errorf("code %s: empty name", m.Code)
		}
		if m.Population <= 0 {
			t.Errorf("%s %s: population %d", m.Code, m.Name, m.Population)
		}
		if prev, ok := codes[m.Code]; ok {
			t.Errorf("duplicate code %s: %s and %s", m.Code, prev, m.Name)
		}
		codes[m.Code] = m.Name
		if prev, ok := names[m.Name]; ok {
			t.Errorf("duplicate name %s: %s and %s", m.Name, prev, m.Code)
		}
		names[m.Name] = m.Code
	}
}

func TestDenmarkRegions(t *testing.T) {
	want := map[string]int{
		RegionHovedstaden: 29,
		RegionSjaelland:   17,
		RegionSyddanmark:  22,
		RegionMidtjylland: 19,
		RegionNordjylland: 11,
	}
	got := map[string]int{}
	for _, m := range Denmark {
		got[m.Region]++
	}
	for region, n := range want {
		if got[region] != n {
			t.Errorf("%s: %d municipalities, want %d", region, got[region], n)
		}
	}
	for region := range got {
		if _, ok := want[region]; !ok {
			t.Errorf("unknown region %q", region)
		}
	}
}

func TestDenmarkTotalPopulation(t *testing.T) {
	total := 0
	for _, m := range Denmark {
		total += m.Population
	}
	if total < 5_800_000 || total > 6_100_000 {
		t.Errorf("total population %d, want within 5.8–6.1 million", total)
	}
}

func findByCode(t *testing.T, list []Municipality, code string) Municipality {
	t.Helper()
	for _, m := range list {
		if m.Code == code {
			return m
		}
	}
	t.Fatalf("no municipality with code %s", code)
	return Municipality{}
}

func TestDenmarkSpotChecks(t *testing.T) {
	cases := []struct {
		code, name, region string
	}{
		{"101", "København", RegionHovedstaden},
		{"147", "Frederiksberg", RegionHovedstaden},
		{"151", "Ballerup", RegionHovedstaden},
		{"165", "Albertslund", RegionHovedstaden},
		{"173", "Lyngby-Taarbæk", RegionHovedstaden},
		{"169", "Høje-Taastrup", RegionHovedstaden},
		{"201", "Allerød", RegionHovedstaden},
		{"400", "Bornholm", RegionHovedstaden},
		{"461", "Odense", RegionSyddanmark},
		{"492", "Ærø", RegionSyddanmark},
		{"563", "Fanø", RegionSyddanmark},
		{"580", "Aabenraa", RegionSyddanmark},
		{"741", "Samsø", RegionMidtjylland},
		{"751", "Aarhus", RegionMidtjylland},
		{"756", "Ikast-Brande", RegionMidtjylland},
		{"760", "Ringkøbing-Skjern", RegionMidtjylland},
		{"810", "Brønderslev", RegionNordjylland},
		{"825", "Læsø", RegionNordjylland},
		{"851", "Aalborg", RegionNordjylland},
		{"860", "Hjørring", RegionNordjylland},
	}
	for _, c := range cases {
		m := findByCode(t, Denmark, c.code)
		if m.Name != c.name || m.Region != c.region {
			t.Errorf("code %s = %s (%s), want %s (%s)", c.code, m.Name, m.Region, c.name, c.region)
		}
	}
	if kbh := findByCode(t, Denmark, "101"); kbh.Population <= 600_000 {
		t.Errorf("København population %d, want > 600,000", kbh.Population)
	}
	if laeso := findByCode(t, Denmark, "825"); laeso.Population >= 2_000 {
		t.Errorf("Læsø population %d, want < 2,000", laeso.Population)
	}
}

func TestNorway(t *testing.T) {
	if len(Norway) < 10 {
		t.Fatalf("len(Norway) = %d, want at least 10", len(Norway))
	}
	code := regexp.MustCompile(`^[0-9]{4}$`)
	codes := map[string]bool{}
	names := map[string]bool{}
	for _, m := range Norway {
		if m.Country != CountryNorway {
			t.Errorf("%s: country %q", m.Name, m.Country)
		}
		if !code.MatchString(m.Code) {
			t.Errorf("%s: code %q is not 4 digits", m.Name, m.Code)
		}
		if codes[m.Code] {
			t.Errorf("duplicate code %s", m.Code)
		}
		codes[m.Code] = true
		if names[m.Name] {
			t.Errorf("duplicate name %s", m.Name)
		}
		names[m.Name] = true
		if m.Region == "" || m.Population <= 0 {
			t.Errorf("%s: incomplete entry %+v", m.Name, m)
		}
		// The first two digits of a Norwegian municipality code are the
		// county number; Vestland is 46.
		if strings.HasPrefix(m.Code, "46") != (m.Region == "Vestland") {
			t.Errorf("%s %s: county %s does not match code prefix", m.Code, m.Name, m.Region)
		}
	}
	if oslo := findByCode(t, Norway, "0301"); oslo.Name != "Oslo" {
		t.Errorf("0301 = %s, want Oslo", oslo.Name)
	}
	if bergen := findByCode(t, Norway, "4601"); bergen.Name != "Bergen" {
		t.Errorf("4601 = %s, want Bergen", bergen.Name)
	}
}

func TestSizeClass(t *testing.T) {
	cases := []struct {
		pop  int
		want string
	}{
		{0, SizeSmall},
		{1750, SizeSmall},
		{24_999, SizeSmall},
		{25_000, SizeMedium},
		{59_999, SizeMedium},
		{60_000, SizeLarge},
		{660_800, SizeLarge},
	}
	for _, c := range cases {
		if got := SizeClass(c.pop); got != c.want {
			t.Errorf("SizeClass(%d) = %q, want %q", c.pop, got, c.want)
		}
	}
}

// TestSizeClassDistribution keeps the numbers quoted in the SizeClass
// documentation honest.
func TestSizeClassDistribution(t *testing.T) {
	got := map[string]int{}
	for _, m := range Denmark {
		got[SizeClass(m.Population)]++
	}
	want := map[string]int{SizeSmall: 16, SizeMedium: 58, SizeLarge: 24}
	for class, n := range want {
		if got[class] != n {
			t.Errorf("%s: %d Danish municipalities, want %d (update the SizeClass comment)", class, got[class], n)
		}
	}
}

func checkSiblings(t *testing.T, where string, units []UnitSpec) {
	t.Helper()
	seen := map[string]bool{}
	for _, u := range units {
		if strings.TrimSpace(u.Name) == "" {
			t.Errorf("%s: unit with empty name", where)
		}
		if seen[u.Name] {
			t.Errorf("%s: duplicate sibling name %q", where, u.Name)
		}
		seen[u.Name] = true
		checkSiblings(t, where+" / "+u.Name, u.Children)
	}
}

func TestUnitTrees(t *testing.T) {
	all := append(append([]Municipality(nil), Denmark...), Norway...)
	for _, m := range all {
		tree := UnitTree(m)
		if len(tree) == 0 {
			t.Errorf("%s %s: empty unit tree", m.Country, m.Name)
			continue
		}
		checkSiblings(t, m.Country+" "+m.Name, tree)
	}
}

func TestUnitTreeLanguageAndSize(t *testing.T) {
	has := func(tree []UnitSpec, name string) bool {
		for _, u := range tree {
			if u.Name == name {
				return true
			}
		}
		return false
	}
	kbh := UnitTree(findByCode(t, Denmark, "101"))
	if !has(kbh, "Børne- og Ungeforvaltningen") {
		t.Errorf("København tree lacks Børne- og Ungeforvaltningen: %+v", kbh)
	}
	bergen := UnitTree(findByCode(t, Norway, "4601"))
	if !has(bergen, "Oppvekst og utdanning") {
		t.Errorf("Bergen tree lacks Oppvekst og utdanning: %+v", bergen)
	}
	count := func(tree []UnitSpec) int {
		var n func([]UnitSpec) int
		n = func(us []UnitSpec) int {
			total := len(us)
			for _, u := range us {
				total += n(u.Children)
			}
			return total
		}
		return n(tree)
	}
	if small, large := count(UnitTree(findByCode(t, Denmark, "825"))), count(kbh); small >= large {
		t.Errorf("Læsø tree (%d units) not smaller than København tree (%d units)", small, large)
	}
	// Trees are freshly allocated: modifying one must not affect the next.
	kbh[0].Name = "changed"
	if UnitTree(findByCode(t, Denmark, "101"))[0].Name == "changed" {
		t.Error("UnitTree returns shared state")
	}
}

func TestPersonNames(t *testing.T) {
	for _, country := range []string{CountryDenmark, CountryNorway} {
		names := PersonNames(country)
		if len(names) < 35 {
			t.Errorf("%s: %d names, want about 40", country, len(names))
		}
		seen := map[string]bool{}
		for _, n := range names {
			if len(strings.Fields(n)) < 2 {
				t.Errorf("%s: %q is not a first and last name", country, n)
			}
			if seen[n] {
				t.Errorf("%s: duplicate name %q", country, n)
			}
			seen[n] = true
		}
	}
	if PersonNames(CountryDenmark)[0] == PersonNames(CountryNorway)[0] {
		t.Error("Danish and Norwegian name lists look identical")
	}
}
