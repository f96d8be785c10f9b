package advisory

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gocsaf/csaf/v3/csaf"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/vaern/vaern"
)

func centreAdvisory() vaern.Advisory {
	pub := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	return vaern.Advisory{
		ID: 7, Source: vaern.SourceCentre, SourceID: "KCERT-2025-007", Revision: 2, State: vaern.AdvisoryPublished,
		Title: "Critical flaw in Acme Widget", Summary: "Acme Widget before 1.4.2 lets anyone run code.",
		Texts: map[string]vaern.AdvisoryText{"da": {Title: "Kritisk fejl i Acme Widget", Summary: "Opdatér til 1.4.2."},
			"nb": {Title: "Kritisk feil i Acme Widget", Summary: "Oppdater til 1.4.2."}},
		TLP: "AMBER+STRICT", CVEs: []string{"CVE-2025-0001", "CVE-2025-0002"},
		CVSSVec: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CVSS: 9.8, Severity: vaern.SeverityCritical,
		KnownExploited: true, Published: pub, Updated: pub.Add(48 * time.Hour), Due: pub.AddDate(0, 0, 14),
		References: []string{"https://acme.example/notice"},
		Products: []vaern.AdvisoryProduct{
			{Key: "widget", Vendor: "Acme", Product: "Widget", PURL: "pkg:npm/widget", Status: vaern.StatusAffected,
				Versions: []vaern.VersionRange{{Scheme: "npm", Introduced: "1.0.0", Fixed: "1.4.2"}, {Exact: "0.9"}}},
			{Key: "widget-fixed", Vendor: "Acme", Product: "Widget", Status: vaern.StatusFixed, Versions: []vaern.VersionRange{{Exact: "1.4.2"}}},
			{Key: "server", Vendor: "Microsoft", Product: "Windows Server", CPE: "cpe:2.3:o:microsoft:windows_server_2016:*:*:*:*:*:*:*:*",
				Status: vaern.StatusNotAffected, Justification: "component_not_present", CVEs: []string{"CVE-2025-0001"}},
			{Key: "gadget", Vendor: "Acme", Product: "Gadget", Status: vaern.StatusAffected,
				Versions: []vaern.VersionRange{{Expr: "all editions before 2019 R2"}}},
			{Key: "os@platform", Product: "Linux", Status: vaern.StatusAffected, Platform: true},
		},
		Actions: []vaern.AdvisoryAction{{Category: "vendor_fix", Text: "Update Widget to 1.4.2.", URL: "https://acme.example/dl", ProductIDs: []string{"widget"}},
			{Category: "workaround", Text: "Block port 8443."}},
	}
}

func TestExportCSAF(t *testing.T) {
	out, err := ExportCSAF(centreAdvisory(), Publisher{Name: "KommuneCERT", Namespace: "https://kommunecert.example"})
	if err != nil {
		t.Fatal(err)
	}
	// gocsaf's schema validation, independently of Parse.
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if errs, err := csaf.ValidateCSAF(doc); err != nil || len(errs) > 0 {
		t.Fatalf("schema: %v %v\n%s", err, errs, out)
	}
	// Our own mandatory tests.
	parsed, err := decodeCSAF("export", out)
	if err != nil {
		t.Fatal(err)
	}
	if fails := runMandatoryTests(parsed); len(fails) > 0 {
		t.Fatalf("mandatory tests: %+v\n%s", fails, out)
	}
	res, err := Parse(context.Background(), "export.json", out, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Advisories[0]
	if a.SourceID != "KCERT-2025-007" || a.SourceVersion != "2" || a.TLP != "AMBER" || a.CVSS != 9.8 || !a.KnownExploited ||
		len(a.CVEs) != 2 || a.Title != "Critical flaw in Acme Widget" {
		t.Errorf("round trip: %+v", a)
	}
	var notAffected, free bool
	for _, p := range a.Products {
		if p.Product == "Windows Server" && p.Status == vaern.StatusNotAffected && p.Justification == "component_not_present" &&
			len(p.CVEs) == 1 {
			notAffected = true
		}
		if p.Product == "Gadget" && len(p.Versions) == 1 && p.Versions[0].Expr == "all editions before 2019 R2" {
			free = true
		}
		if p.Platform {
			t.Errorf("platform product exported: %+v", p)
		}
	}
	if !notAffected || !free {
		t.Errorf("products: %+v", a.Products)
	}
	for _, want := range []string{`"label": "AMBER"`, "AMBER+STRICT", "Summary (da)", "2025-03-15", `"number": "2"`, "vers:npm/\u003e=1.0.0|\u003c1.4.2"} {
		if !strings.Contains(string(out), want) && !strings.Contains(string(out), strings.NewReplacer(">", `\u003e`, "<", `\u003c`).Replace(want)) {
			t.Errorf("export lacks %q", want)
		}
	}
}

func TestExportCSAFRefuses(t *testing.T) {
	a := centreAdvisory()
	if _, err := ExportCSAF(a, Publisher{Name: "KommuneCERT"}); err == nil {
		t.Error("publisher without namespace accepted")
	}
	a.Products = nil
	if _, err := ExportCSAF(a, Publisher{Name: "KommuneCERT", Namespace: "https://kommunecert.example"}); err == nil {
		t.Error("advisory without products accepted")
	}
}
