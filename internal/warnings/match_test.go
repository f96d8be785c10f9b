package warnings

import (
	"strings"
	"testing"

	"github.com/vaern/vaern"
)

func adv(id int64, ps ...vaern.AdvisoryProduct) vaern.Advisory {
	for i := range ps {
		if ps[i].Key == "" {
			ps[i].Key = "P" + string(rune('0'+i))
		}
		if ps[i].Status == "" {
			ps[i].Status = vaern.StatusAffected
		}
	}
	return vaern.Advisory{ID: id, Source: vaern.SourceCSAF, SourceID: "T-1", State: vaern.AdvisoryPublished,
		CVEs: []string{"CVE-2024-0001"}, Products: ps}
}

func below(v string) []vaern.VersionRange { return []vaern.VersionRange{{Fixed: v, Expr: "< " + v}} }

type want struct {
	none    bool
	tier    vaern.ExposureTier
	outcome Outcome
	rule    Rule
	verdict Verdict
}

func TestTiers(t *testing.T) {
	cases := []struct {
		name  string
		adv   vaern.Advisory
		asset Asset
		want  want
	}{
		// exact: purl
		{"purl in range", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: []vaern.VersionRange{{Scheme: "npm", Fixed: "4.17.21"}}}),
			Asset{Name: "lodash", PURL: "pkg:npm/lodash@4.17.20"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictInRange}},
		{"purl scheme from type", adv(1, vaern.AdvisoryProduct{PURL: "pkg:maven/org.apache.logging.log4j/log4j-core", Versions: below("2.15.0")}),
			Asset{PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictInRange}},
		{"purl qualifiers do not count", adv(1, vaern.AdvisoryProduct{PURL: "pkg:deb/debian/openssl", Versions: below("3.0.11-1")}),
			Asset{PURL: "pkg:deb/debian/openssl@3.0.9-1?arch=amd64&distro=bookworm"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictInRange}},
		{"purl pypi name normalised", adv(1, vaern.AdvisoryProduct{PURL: "pkg:pypi/Django_Rest", Versions: below("3.0")}),
			Asset{PURL: "pkg:pypi/django-rest@2.9"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictInRange}},
		{"purl version in the advisory purl", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/left-pad@1.0.0"}),
			Asset{PURL: "pkg:npm/left-pad@1.0.0"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictInRange}},
		{"purl out of range gives nothing", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: []vaern.VersionRange{{Introduced: "4.0.0", Fixed: "4.17.21"}}}),
			Asset{PURL: "pkg:npm/lodash@3.10.1"}, want{none: true}},
		{"purl at the fix is fixed", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: below("4.17.21")}),
			Asset{PURL: "pkg:npm/lodash@4.17.21"},
			want{tier: vaern.TierExact, outcome: OutcomeFixed, rule: RulePURL, verdict: VerdictFixed}},
		{"purl without a version asks to confirm", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: below("4.17.21")}),
			Asset{PURL: "pkg:npm/lodash"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictUnknown}},
		{"purl with a range the importer could not read asks to confirm", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: []vaern.VersionRange{{Expr: "see the vendor's notice"}}}),
			Asset{PURL: "pkg:npm/lodash@4.17.20"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictNotComparable}},
		{"purl other package", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: below("4.17.21")}),
			Asset{PURL: "pkg:npm/lodash-es@4.17.20"}, want{none: true}},
		{"purl other namespace", adv(1, vaern.AdvisoryProduct{PURL: "pkg:maven/org.example/core", Versions: below("2.0")}),
			Asset{PURL: "pkg:maven/com.other/core@1.0"}, want{none: true}},
		// exact: CPE
		{"cpe 2.3 in range", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*", Versions: below("2.4.58")}),
			Asset{CPE: "cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RuleCPE, verdict: VerdictInRange}},
		{"cpe 2.2 uri on the asset", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:o:cisco:ios:*:*:*:*:*:*:*:*", Versions: []vaern.VersionRange{{Scheme: "cisco-ios", Introduced: "15.2(4)E", Fixed: "15.2(7)E3"}}}),
			Asset{CPE: "cpe:/o:cisco:ios:15.2%284%29e1"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RuleCPE, verdict: VerdictInRange}},
		{"cpe version from the register", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:fortinet:fortios:*:*:*:*:*:*:*:*", Versions: below("7.2.5")}),
			Asset{CPE: "cpe:2.3:a:fortinet:fortios:*:*:*:*:*:*:*:*", Version: "7.2.4"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RuleCPE, verdict: VerdictInRange}},
		{"cpe own version exact", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:acme:widget:3.1:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:a:acme:widget:3.1:*:*:*:*:*:*:*"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RuleCPE, verdict: VerdictInRange}},
		{"cpe other target_sw is another product", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:acme:widget:*:*:*:*:*:wordpress:*:*"}),
			Asset{CPE: "cpe:2.3:a:acme:widget:1.0:*:*:*:*:drupal:*:*"}, want{none: true}},
		{"cpe update named by the advisory only", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleCPE, verdict: VerdictInRange}},
		{"cpe other update", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_13:*:*:*:*:*:*"}, want{none: true}},
		// confirm: names
		{"name with legal suffix and alias", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"}),
			Asset{Vendor: "Microsoft Corporation", Product: "Exchange", Version: "2019 CU12"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleAlias, verdict: VerdictAllVersions}},
		{"name case and punctuation", adv(1, vaern.AdvisoryProduct{Vendor: "D-Link", Product: "DIR-820L"}),
			Asset{Vendor: "dlink", Product: "dir 820l"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictAllVersions}},
		{"name vendor in the product", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"}),
			Asset{Vendor: "Microsoft", Product: "Microsoft Exchange Server 2019", Version: "15.2.1118.7"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictAllVersions}},
		{"name in range", adv(1, vaern.AdvisoryProduct{Vendor: "Progress", Product: "MOVEit Transfer", Versions: below("2023.0.2")}),
			Asset{Vendor: "Progress Software Corporation", Product: "MOVEit Transfer", Version: "2023.0.1"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleAlias, verdict: VerdictInRange}},
		{"name version unknown", adv(1, vaern.AdvisoryProduct{Vendor: "Progress", Product: "MOVEit Transfer", Versions: below("2023.0.2")}),
			Asset{Vendor: "Progress", Product: "MOVEit Transfer"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictUnknown}},
		{"name version not comparable", adv(1, vaern.AdvisoryProduct{Vendor: "Progress", Product: "MOVEit Transfer", Versions: below("2023.0.2")}),
			Asset{Vendor: "Progress", Product: "MOVEit Transfer", Version: "nyeste"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictNotComparable}},
		{"name version out of range", adv(1, vaern.AdvisoryProduct{Vendor: "Progress", Product: "MOVEit Transfer", Versions: []vaern.VersionRange{{Introduced: "2022.0", Fixed: "2023.0.2"}}}),
			Asset{Vendor: "Progress", Product: "MOVEit Transfer", Version: "2021.1"}, want{none: true}},
		{"name windows release by name", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Windows Server 2016", Versions: []vaern.VersionRange{{Introduced: "10.0.14393.0", Fixed: "10.0.14393.6897"}}}),
			Asset{Vendor: "Microsoft", Product: "Windows Server 2016", Version: "10.0.14393.6800"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleAlias, verdict: VerdictInRange}},
		{"name windows other edition", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Windows Server 2019", Versions: []vaern.VersionRange{{Introduced: "10.0.17763.0", Fixed: "10.0.17763.5000"}}}),
			Asset{Vendor: "Microsoft", Product: "Windows Server 2016"}, want{none: true}},
		{"name windows edition only", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Windows"}),
			Asset{Vendor: "Microsoft", Product: "Windows Server 2019 Datacenter", Version: "10.0.17763.1"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleAlias, verdict: VerdictAllVersions}},
		{"name edition of the advisory, version of the asset", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server 2016"}),
			Asset{Vendor: "Microsoft", Product: "Exchange Server", Version: "2019 CU12"}, want{none: true}},
		{"name edition agrees", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server 2016"}),
			Asset{Vendor: "Microsoft", Product: "Exchange Server 2016", Version: "CU23"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictInRange}},
		{"name cisco train", adv(1, vaern.AdvisoryProduct{Vendor: "Cisco", Product: "IOS", Versions: []vaern.VersionRange{{Introduced: "15.2(4)E", Fixed: "15.2(7)E3"}}}),
			Asset{Vendor: "Cisco Systems, Inc.", Product: "IOS", Version: "15.2(4)E1"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleAlias, verdict: VerdictInRange}},
		{"name from the asset's CPE", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"}),
			Asset{CPE: "cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictAllVersions}},
		// triage
		{"product without vendor in the advisory", adv(1, vaern.AdvisoryProduct{Product: "OpenSSL", Versions: below("3.0.7")}),
			Asset{Vendor: "OpenSSL Project", Product: "OpenSSL", Version: "3.0.5"},
			want{tier: vaern.TierTriage, outcome: OutcomeAffected, rule: RuleProductOnly, verdict: VerdictInRange}},
		{"product without vendor in the register", adv(1, vaern.AdvisoryProduct{Vendor: "Fortinet", Product: "FortiOS"}),
			Asset{Product: "FortiOS", Version: "7.2.4"},
			want{tier: vaern.TierTriage, outcome: OutcomeAffected, rule: RuleProductOnly, verdict: VerdictAllVersions}},
		{"fuzzy: product words in a longer product", adv(1, vaern.AdvisoryProduct{Vendor: "Citrix", Product: "NetScaler Gateway"}),
			Asset{Vendor: "Citrix", Product: "NetScaler Gateway Appliance VPX"},
			want{tier: vaern.TierTriage, outcome: OutcomeAffected, rule: RuleFuzzy, verdict: VerdictAllVersions}},
		{"fuzzy: system name only", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"}),
			Asset{Name: "Mailserver (Exchange 2019)"},
			want{tier: vaern.TierTriage, outcome: OutcomeAffected, rule: RuleFuzzy, verdict: VerdictAllVersions}},
		{"name-only system with the product's name", adv(1, vaern.AdvisoryProduct{Vendor: "Progress", Product: "MOVEit Transfer"}),
			Asset{Name: "MOVEit Transfer"},
			want{tier: vaern.TierTriage, outcome: OutcomeAffected, rule: RuleProductOnly, verdict: VerdictAllVersions}},
		{"component name is its product", adv(1, vaern.AdvisoryProduct{Vendor: "OpenSSL Project", Product: "OpenSSL", Versions: below("3.0.7")}),
			Asset{SystemID: 1, ComponentID: 9, Vendor: "OpenSSL", Name: "openssl", Version: "3.0.5"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictInRange}},
		{"system name is free text", adv(1, vaern.AdvisoryProduct{Vendor: "OpenSSL Project", Product: "OpenSSL", Versions: below("3.0.7")}),
			Asset{SystemID: 1, Vendor: "OpenSSL", Name: "openssl", Version: "3.0.5"},
			want{tier: vaern.TierTriage, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictInRange}},
		{"under investigation goes to triage", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Status: vaern.StatusUnderInvestigation}),
			Asset{PURL: "pkg:npm/lodash@4.17.20"},
			want{tier: vaern.TierTriage, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictAllVersions}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c.adv, c.asset, c.want) })
	}
}

// TestNever holds the matcher to the false positives other tools have had.
func TestNever(t *testing.T) {
	cases := []struct {
		name  string
		adv   vaern.Advisory
		asset Asset
	}{
		// Dependency-Track #1832, #3268: "*" and "-" matching everything
		{"cpe vendor and product ANY", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", Vendor: "Apache", Product: "Log4j"}},
		{"cpe product NA", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:apache:-:*:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"}},
		{"cpe version NA against a versioned asset", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:h:acme:router_x:-:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:h:acme:router_x:2.1:*:*:*:*:*:*:*"}},
		{"asset cpe all ANY", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*"}},
		{"product name star", adv(1, vaern.AdvisoryProduct{Vendor: "*", Product: "*"}),
			Asset{Vendor: "Microsoft", Product: "Exchange Server"}},
		{"product name dash", adv(1, vaern.AdvisoryProduct{Vendor: "-", Product: "-"}),
			Asset{Vendor: "Microsoft", Product: "Exchange Server", Version: "-"}},
		{"product n/a", adv(1, vaern.AdvisoryProduct{Vendor: "n/a", Product: "n/a"}),
			Asset{Product: "n/a"}},
		{"asset star names", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"}),
			Asset{Vendor: "*", Product: "*", Name: "*"}},
		// grype #580: a wildcard vendor matching an unrelated product
		{"cpe wildcard vendor", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:*:redis:*:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:a:redislabs:redis:7.0.0:*:*:*:*:*:*:*"}},
		{"cpe partial wildcard vendor", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:a:micro*:exchange_server:*:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*"}},
		{"same product name, other vendor", adv(1, vaern.AdvisoryProduct{Vendor: "Acme", Product: "Gateway"}),
			Asset{Vendor: "Citrix", Product: "Gateway"}},
		{"same package name, other ecosystem", adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/requests"}),
			Asset{PURL: "pkg:pypi/requests@2.31.0", Name: "requests"}},
		{"different purls, same names", adv(1, vaern.AdvisoryProduct{Vendor: "Apache", Product: "Commons Text", PURL: "pkg:maven/org.apache.commons/commons-text"}),
			Asset{Vendor: "Apache", Product: "Commons Text", PURL: "pkg:maven/org.apache.commons/commons-lang3@3.12.0"}},
		// a "running on / with" CPE is not affected
		{"platform cpe", adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*", Platform: true}),
			Asset{CPE: "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*", Vendor: "Microsoft", Product: "Windows Server 2019"}},
		{"platform name", adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Windows", Platform: true}),
			Asset{Vendor: "Microsoft", Product: "Windows Server 2019"}},
		// a withdrawn advisory warns no one
		{"withdrawn", func() vaern.Advisory {
			a := adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash"})
			a.State = vaern.AdvisoryWithdrawn
			return a
		}(), Asset{PURL: "pkg:npm/lodash@1.0.0"}},
		// a stop word alone is no fuzzy match
		{"fuzzy stop word", adv(1, vaern.AdvisoryProduct{Vendor: "Acme", Product: "Server"}),
			Asset{Name: "Fileserver for the web"}},
		// a VEX document does not warn
		{"vex affected statement", func() vaern.Advisory {
			a := adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash"})
			a.Vex = true
			return a
		}(), Asset{PURL: "pkg:npm/lodash@1.0.0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c.adv, c.asset, want{none: true}) })
	}
	// a CPE of NA version matches the asset without versions (hardware), exactly
	t.Run("cpe NA matches NA", func(t *testing.T) {
		check(t, adv(1, vaern.AdvisoryProduct{CPE: "cpe:2.3:h:acme:router_x:-:*:*:*:*:*:*:*"}),
			Asset{CPE: "cpe:2.3:h:acme:router_x:-:*:*:*:*:*:*:*"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RuleCPE, verdict: VerdictInRange})
	})
}

func TestPrevention(t *testing.T) {
	lodash := "pkg:npm/lodash"
	cases := []struct {
		name  string
		adv   vaern.Advisory
		asset Asset
		want  want
	}{
		{"known not affected", adv(1,
			vaern.AdvisoryProduct{PURL: lodash, Versions: below("4.17.21")},
			vaern.AdvisoryProduct{PURL: lodash, Status: vaern.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path",
				Versions: []vaern.VersionRange{{Exact: "4.17.20"}}}),
			Asset{PURL: lodash + "@4.17.20"},
			want{tier: vaern.TierExact, outcome: OutcomeNotAffected, rule: RulePURL, verdict: VerdictInRange}},
		{"known not affected, other version still affected", adv(1,
			vaern.AdvisoryProduct{PURL: lodash, Versions: below("4.17.21")},
			vaern.AdvisoryProduct{PURL: lodash, Status: vaern.StatusNotAffected, Versions: []vaern.VersionRange{{Exact: "4.17.20"}}}),
			Asset{PURL: lodash + "@4.17.19"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictInRange}},
		{"first fixed: at or above", adv(1,
			vaern.AdvisoryProduct{Vendor: "Acme", Product: "Widget", Versions: []vaern.VersionRange{{Introduced: "2.0", Fixed: "2.4.1"}}},
			vaern.AdvisoryProduct{Vendor: "Acme", Product: "Widget", Status: vaern.StatusFixed, Versions: []vaern.VersionRange{{Exact: "2.4.1"}}}),
			Asset{Vendor: "Acme", Product: "Widget", Version: "2.5"},
			want{tier: vaern.TierConfirm, outcome: OutcomeFixed, rule: RuleName, verdict: VerdictInRange}},
		{"fixed beats every version", adv(1,
			vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"},
			vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server", Status: vaern.StatusFixed, Versions: []vaern.VersionRange{{Exact: "15.2.1544.4"}}}),
			Asset{Vendor: "Microsoft", Product: "Exchange Server", Version: "15.2.1544.9"},
			want{tier: vaern.TierConfirm, outcome: OutcomeFixed, rule: RuleName, verdict: VerdictInRange}},
		{"fixed unknown version still warns", adv(1,
			vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server"},
			vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Exchange Server", Status: vaern.StatusFixed, Versions: []vaern.VersionRange{{Exact: "15.2.1544.4"}}}),
			Asset{Vendor: "Microsoft", Product: "Exchange Server"},
			want{tier: vaern.TierConfirm, outcome: OutcomeAffected, rule: RuleName, verdict: VerdictAllVersions}},
		{"vex not affected", func() vaern.Advisory {
			a := adv(2, vaern.AdvisoryProduct{PURL: lodash, Status: vaern.StatusNotAffected, Justification: "component_not_present"})
			a.Vex = true
			return a
		}(), Asset{PURL: lodash + "@4.17.20"},
			want{tier: vaern.TierExact, outcome: OutcomeNotAffected, rule: RulePURL, verdict: VerdictAllVersions}},
		{"less specific prevention loses", adv(1,
			vaern.AdvisoryProduct{PURL: lodash, Versions: below("4.17.21")},
			vaern.AdvisoryProduct{Vendor: "lodash", Product: "lodash", Status: vaern.StatusNotAffected}),
			Asset{Vendor: "lodash", Product: "lodash", PURL: lodash + "@4.17.20"},
			want{tier: vaern.TierExact, outcome: OutcomeAffected, rule: RulePURL, verdict: VerdictInRange}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c.adv, c.asset, c.want) })
	}
}

func check(t *testing.T, a vaern.Advisory, as Asset, w want) {
	t.Helper()
	ms := NewIndex([]vaern.Advisory{a}).Match(as)
	if w.none {
		if len(ms) != 0 {
			t.Fatalf("want no match, got %+v\n%s", ms[0], ms[0].Evidence.Text())
		}
		return
	}
	if len(ms) != 1 {
		t.Fatalf("want one match, got %d", len(ms))
	}
	m := ms[0]
	if m.Tier != w.tier || m.Outcome != w.outcome || m.Evidence.Rule != w.rule || m.Evidence.Verdict != w.verdict {
		t.Errorf("got %s/%s/%s/%s, want %s/%s/%s/%s\n%s", m.Tier, m.Outcome, m.Evidence.Rule, m.Evidence.Verdict,
			w.tier, w.outcome, w.rule, w.verdict, m.Evidence.Text())
	}
	if m.RangeKey == "" || m.AdvisoryID != a.ID || m.ProductKey == "" {
		t.Errorf("match lacks its keys: %+v", m)
	}
	if txt := m.Evidence.Text(); !strings.Contains(txt, "matched the advisory's") {
		t.Errorf("evidence text: %s", txt)
	}
	// the other direction gives the same
	back := NewAssetIndex([]Asset{as}).Match(a)
	if len(back) != 1 || !sameMatch(back[0], m) {
		t.Errorf("AssetIndex gives %+v, Index %+v", back, m)
	}
}

func sameMatch(a, b Match) bool {
	return a.OrgID == b.OrgID && a.SystemID == b.SystemID && a.ComponentID == b.ComponentID &&
		a.AdvisoryID == b.AdvisoryID && a.ProductKey == b.ProductKey && a.Tier == b.Tier &&
		a.Outcome == b.Outcome && a.Evidence == b.Evidence && a.RangeKey == b.RangeKey &&
		strings.Join(a.CVEs, ",") == strings.Join(b.CVEs, ",") && a.ClosedBy == b.ClosedBy
}

func TestApplyVEX(t *testing.T) {
	kev := vaern.Advisory{ID: 1, State: vaern.AdvisoryPublished, CVEs: []string{"CVE-2024-3094"},
		Products: []vaern.AdvisoryProduct{{Key: "kev", Vendor: "Tukaani", Product: "xz", Status: vaern.StatusAffected}}}
	vex := vaern.Advisory{ID: 2, State: vaern.AdvisoryPublished, Vex: true, CVEs: []string{"CVE-2024-3094"},
		Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Tukaani", Product: "xz", Status: vaern.StatusNotAffected,
			Justification: "vulnerable_code_not_in_execute_path", Versions: []vaern.VersionRange{{Exact: "5.6.1"}}}}}
	other := vaern.Advisory{ID: 3, State: vaern.AdvisoryPublished, CVEs: []string{"CVE-2024-3094", "CVE-2024-9999"},
		Products: []vaern.AdvisoryProduct{{Key: "x", Vendor: "Tukaani", Product: "xz", Status: vaern.StatusAffected}}}
	ix := NewIndex([]vaern.Advisory{kev, vex, other})
	ms := ApplyVEX(ix.Match(Asset{SystemID: 7, Vendor: "Tukaani", Product: "xz", Version: "5.6.1"}))
	if len(ms) != 3 {
		t.Fatalf("want 3 matches, got %+v", ms)
	}
	if ms[0].Outcome != OutcomeNotAffected || ms[0].ClosedBy != 2 || ms[0].Evidence.Justification == "" {
		t.Errorf("the KEV entry is not closed by the VEX: %+v", ms[0])
	}
	if ms[2].Outcome != OutcomeAffected || ms[2].ClosedBy != 0 {
		t.Errorf("a VEX on one CVE closed an advisory on two: %+v", ms[2])
	}
	// another version: the VEX says nothing, the warning stays
	ms = ApplyVEX(ix.Match(Asset{SystemID: 7, Vendor: "Tukaani", Product: "xz", Version: "5.6.0"}))
	if len(ms) != 2 || ms[0].Outcome != OutcomeAffected {
		t.Errorf("5.6.0: %+v", ms)
	}
}

func TestEvidenceText(t *testing.T) {
	ms := NewIndex([]vaern.Advisory{adv(1, vaern.AdvisoryProduct{PURL: "pkg:npm/lodash", Versions: []vaern.VersionRange{{Scheme: "npm", Fixed: "4.17.21", Expr: "vers:npm/<4.17.21"}}})}).
		Match(Asset{PURL: "pkg:npm/lodash@4.17.20"})
	want := `purl "pkg:npm/lodash@4.17.20" matched the advisory's purl "pkg:npm/lodash" (same package); version 4.17.20 is in range "vers:npm/<4.17.21" (npm rules)`
	if len(ms) != 1 || ms[0].Evidence.Text() != want {
		t.Errorf("got %q\nwant %q", ms[0].Evidence.Text(), want)
	}
	ms = NewIndex([]vaern.Advisory{adv(1, vaern.AdvisoryProduct{Vendor: "Microsoft", Product: "Windows Server 2016",
		Versions: []vaern.VersionRange{{Introduced: "10.0.14393.0", Fixed: "10.0.14393.6897", Expr: "< 10.0.14393.6897"}}})}).
		Match(Asset{Vendor: "Microsoft", Product: "Windows Server 2016"})
	if len(ms) != 1 || !strings.Contains(ms[0].Evidence.Text(), "patch level is not") || ms[0].Tier != vaern.TierConfirm {
		t.Errorf("windows release without patch level: %+v %s", ms, ms[0].Evidence.Text())
	}
}
