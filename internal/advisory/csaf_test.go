package advisory

import (
	"context"
	"testing"

	"github.com/vaern/vaern"
)

func TestCSAFRealFile(t *testing.T) {
	data := realFile(t, "csaf/icsa-25-010-02.json")
	res, err := Parse(context.Background(), "icsa-25-010-02.json", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != vaern.SourceCSAF || len(res.Advisories) != 1 || len(res.Failed) != 0 {
		t.Fatalf("%+v", res)
	}
	a := res.Advisories[0]
	t.Logf("%+v", a.Products)
	if a.SourceID != "ICSA-25-010-02" || a.SourceVersion != "1.0.0" || a.TLP != "CLEAR" || a.Audience != "all" ||
		a.CVSS != 8.8 || a.Severity != vaern.SeverityHigh || a.Vex || len(a.CVEs) != 1 || a.CVEs[0] != "CVE-2024-11999" {
		t.Errorf("advisory: %+v", a)
	}
	if len(a.Products) != 2 || a.Products[0].Key != "CSAFPID-0001" || a.Products[0].Vendor != "Schneider Electric" ||
		a.Products[0].Product != "Harmony with EcoStruxureTM Operator Terminal Expert runtime" ||
		a.Products[0].Status != vaern.StatusAffected || len(a.Products[0].Versions) != 0 {
		t.Errorf("products: %+v", a.Products)
	}
	if len(a.Actions) == 0 || a.Actions[0].Category != "mitigation" || len(a.Actions[0].ProductIDs) != 2 {
		t.Errorf("actions: %+v", a.Actions)
	}
	if a.Published.IsZero() || a.Summary == "" || len(a.References) == 0 || len(a.Raw) != len(data) {
		t.Errorf("dates/summary/refs: %v %q %d", a.Published, a.Summary, len(a.References))
	}
}
