package warnings

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vaern/vaern"
)

// pools of names, identifiers and versions that overlap on purpose, so that random advisories
// and assets meet often, by every rule.
var (
	pVendors  = []string{"Microsoft", "Microsoft Corporation", "Cisco", "Cisco Systems, Inc.", "Apache", "", "Acme A/S", "n/a", "Fortinet", "*"}
	pProducts = []string{"Exchange Server", "Exchange", "Windows Server 2019", "Windows", "IOS", "HTTP Server", "Widget", "Widget Pro 2", "FortiOS", "Log4j", "", "-", "Exchange Server 2016"}
	pNames    = []string{"", "Mailserver (Exchange 2019)", "Widget portal", "lodash", "Router core", "FortiOS firewall"}
	pPURLs    = []string{"", "pkg:npm/lodash", "pkg:npm/Lodash", "pkg:maven/org.apache.logging.log4j/log4j-core", "pkg:pypi/django", "pkg:npm/lodash-es", "pkg:deb/debian/openssl?arch=amd64"}
	pCPEs     = []string{"", "cpe:2.3:a:microsoft:exchange_server:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*",
		"cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*", "cpe:/o:cisco:ios:15.2%284%29e1", "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*", "cpe:2.3:h:acme:widget:-:*:*:*:*:*:*:*",
		"cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*", "cpe:2.3:a:fortinet:fortios:*:*:*:*:*:*:*:*"}
	pVersions = []string{"", "1.0", "2.4", "2.4.1-beta", "4.17.20", "4.17.21", "2019 CU12", "10.0.14393.6897", "10.0.17763.100", "15.2(4)E1", "15.2(7)E4", "7.2.4", "2023.10", "v2.4", "Windows Server 2016", "latest", "-"}
	pBounds   = []string{"", "2.0", "2.4.1", "4.17.21", "10.0.14393.0", "10.0.17763.5000", "15.2(4)E", "15.2(7)E3", "7.2.5", "2023.11"}
	pSchemes  = []string{"", "", "generic", "npm", "maven", "windows", "cisco-ios", "semver"}
	pStatuses = []vaern.ProductStatus{vaern.StatusAffected, vaern.StatusAffected, vaern.StatusAffected, vaern.StatusFixed, vaern.StatusNotAffected, vaern.StatusUnderInvestigation, vaern.StatusRecommended}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randomAdvisories(r *rand.Rand, n int) []vaern.Advisory {
	var out []vaern.Advisory
	for i := 0; i < n; i++ {
		a := vaern.Advisory{ID: int64(i + 1), State: vaern.AdvisoryPublished, Vex: r.IntN(8) == 0, CVEs: []string{fmt.Sprintf("CVE-2024-%04d", i)}}
		for k := 0; k < 1+r.IntN(4); k++ {
			p := vaern.AdvisoryProduct{Key: fmt.Sprintf("A%d-P%d", i, k), Vendor: pick(r, pVendors), Product: pick(r, pProducts),
				PURL: pick(r, pPURLs), CPE: pick(r, pCPEs), Status: pick(r, pStatuses), Platform: r.IntN(10) == 0}
			for v := 0; v < r.IntN(3); v++ {
				vr := vaern.VersionRange{Scheme: pick(r, pSchemes)}
				if r.IntN(3) == 0 {
					vr.Exact = pick(r, pVersions)
				} else {
					vr.Introduced, vr.Fixed = pick(r, pBounds), pick(r, pBounds)
					if r.IntN(3) == 0 {
						vr.Fixed, vr.LastAffected = "", pick(r, pBounds)
					}
				}
				p.Versions = append(p.Versions, vr)
			}
			a.Products = append(a.Products, p)
		}
		out = append(out, a)
	}
	return out
}

func randomAssets(r *rand.Rand, n int) []Asset {
	var out []Asset
	for i := 0; i < n; i++ {
		a := Asset{OrgID: int64(1 + r.IntN(5)), SystemID: int64(i/3 + 1), ComponentID: int64(i % 3),
			Name: pick(r, pNames), Vendor: pick(r, pVendors), Product: pick(r, pProducts), Version: pick(r, pVersions),
			CPE: pick(r, pCPEs), PURL: pick(r, pPURLs)}
		if a.PURL != "" && r.IntN(2) == 0 {
			a.PURL += "@" + pick(r, []string{"4.17.20", "4.17.21", "2.14.1", "1.0.0", "3.2"})
		}
		out = append(out, a)
	}
	return out
}

// TestDirectionsAgree: for random advisories and assets, Index.Match per asset, MatchAll with
// workers, and AssetIndex.Match per advisory give the same matches.
func TestDirectionsAgree(t *testing.T) {
	defer func(n int) { assetShare = n }(assetShare)
	assetShare = 100 // several shares in NewAssetIndex, merged
	for seed := uint64(1); seed <= 12; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		advs := randomAdvisories(r, 40)
		assets := randomAssets(r, 600)
		ix := NewIndex(advs)

		var one []Match
		for _, a := range assets {
			one = append(one, ix.Match(a)...)
		}
		all := MatchAll(ix, assets, 3)
		ax := NewAssetIndex(assets)
		var back []Match
		for _, adv := range advs {
			back = append(back, ax.Match(adv)...)
		}
		SortMatches(one)
		SortMatches(all)
		SortMatches(back)
		if len(one) == 0 {
			t.Fatalf("seed %d: no matches at all; the pools do not meet", seed)
		}
		compare := func(what string, got []Match) {
			if len(got) != len(one) {
				t.Fatalf("seed %d: %s gives %d matches, Index.Match %d", seed, what, len(got), len(one))
			}
			for i := range one {
				if !sameMatch(one[i], got[i]) {
					t.Fatalf("seed %d: %s differs at %d:\n%+v\n%+v", seed, what, i, got[i], one[i])
				}
			}
		}
		compare("MatchAll", all)
		compare("AssetIndex", back)
	}
}

// TestRangeKeyStable: a re-import that yields the same range gives the same key, whatever the
// product keys, statuses and order; another range gives another key.
func TestRangeKeyStable(t *testing.T) {
	mk := func(key string, st vaern.ProductStatus, fixed string) vaern.Advisory {
		return vaern.Advisory{ID: 9, State: vaern.AdvisoryPublished, Products: []vaern.AdvisoryProduct{
			{Key: key, PURL: "pkg:npm/lodash", Status: st, Versions: []vaern.VersionRange{{Scheme: "npm", Fixed: fixed, Expr: "vers:npm/<" + fixed}}}}}
	}
	as := Asset{PURL: "pkg:npm/lodash@4.17.20"}
	k1 := NewIndex([]vaern.Advisory{mk("CSAFPID-1", vaern.StatusAffected, "4.17.21")}).Match(as)[0].RangeKey
	k2 := NewIndex([]vaern.Advisory{mk("other-key", vaern.StatusAffected, "4.17.21")}).Match(as)[0].RangeKey
	k3 := NewIndex([]vaern.Advisory{mk("CSAFPID-1", vaern.StatusAffected, "4.17.22")}).Match(as)[0].RangeKey
	if k1 != k2 {
		t.Errorf("product key changed the range key: %s %s", k1, k2)
	}
	if k1 == k3 {
		t.Errorf("another range gave the same key %s", k1)
	}
	if len(k1) != 32 {
		t.Errorf("range key %q", k1)
	}
}
