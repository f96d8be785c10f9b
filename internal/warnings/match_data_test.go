package warnings

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/advisory"
)

// TestRealFiles matches hand-made register assets against the real KEV catalogue and CVE
// records in VAERN_TESTDATA, as internal/advisory reads them.
func TestRealFiles(t *testing.T) {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is not set: the real KEV and CVE files are not read")
	}
	read := func(rel string) []vaern.Advisory {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		res, err := advisory.Parse(context.Background(), rel, data, advisory.Options{})
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for i := range res.Advisories {
			res.Advisories[i].ID = int64(i + 1)
		}
		return res.Advisories
	}
	kev := read("kev/known_exploited_vulnerabilities.json")
	exchange := Asset{SystemID: 1, Vendor: "Microsoft Corporation", Product: "Exchange", Version: "2019 CU12"}
	acme := Asset{SystemID: 2, Vendor: "Acme", Product: "Exchange", Version: "1.0"}
	ms := NewIndex(kev).Match(exchange)
	if len(ms) < 10 {
		t.Fatalf("Exchange: %d KEV entries, want the catalogue's Exchange Server entries", len(ms))
	}
	for _, m := range ms {
		if m.Tier != vaern.TierConfirm || m.Outcome != OutcomeAffected {
			t.Errorf("Exchange by name: %s/%s %s", m.Tier, m.Outcome, m.Evidence.Text())
		}
	}
	if ms := NewIndex(kev).Match(acme); len(ms) != 0 {
		t.Errorf("another vendor's Exchange matched: %s", ms[0].Evidence.Text())
	}
	// CVE-2025-48384 (git): ">= 2.44.0-rc0, < 2.44.4" and further lines
	git := read("cve/CVE-2025-48384.json")
	in := NewIndex(git).Match(Asset{SystemID: 3, Vendor: "git", Product: "git", Version: "2.44.0"})
	if len(in) != 1 || in[0].Evidence.Verdict != VerdictInRange {
		t.Errorf("git 2.44.0: %+v", in)
	}
	// the directions agree on the real catalogue
	assets := []Asset{exchange, acme, {SystemID: 4, Vendor: "Fortinet", Product: "FortiOS", Version: "7.2.4"},
		{SystemID: 5, Vendor: "Cisco", Product: "IOS XE", Version: "17.3.4a"}, {SystemID: 6, Name: "Citrix NetScaler gateway"}}
	one := MatchAll(NewIndex(kev), assets, 2)
	ax := NewAssetIndex(assets)
	var back []Match
	for _, a := range kev {
		back = append(back, ax.Match(a)...)
	}
	SortMatches(one)
	SortMatches(back)
	if len(one) != len(back) {
		t.Fatalf("directions: %d and %d", len(one), len(back))
	}
	for i := range one {
		if !sameMatch(one[i], back[i]) {
			t.Fatalf("directions differ at %d", i)
		}
	}
	t.Logf("KEV: %d entries, %d matches over %d assets", len(kev), len(one), len(assets))
}
