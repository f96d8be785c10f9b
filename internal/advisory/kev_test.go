package advisory

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
)

func TestKEVRealFile(t *testing.T) {
	data := realFile(t, "kev/known_exploited_vulnerabilities.json")
	res, err := Parse(context.Background(), "kev.json", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != vaern.SourceKEV || len(res.Advisories) != 1404 {
		t.Fatalf("format %s, %d advisories; want kev, 1404", res.Format, len(res.Advisories))
	}
	ransom := 0
	for _, a := range res.Advisories {
		if !a.KnownExploited || a.Published.IsZero() || len(a.Products) != 1 || a.SourceVersion != "2025.08.25" {
			t.Fatalf("incomplete entry: %+v", a)
		}
		if a.Ransomware {
			ransom++
		}
	}
	if ransom == 0 {
		t.Error("no entry with known ransomware use")
	}
	a := res.Advisories[0]
	if a.SourceID != "CVE-2025-48384" || a.Products[0].Vendor != "Git" || a.Products[0].Product != "Git" ||
		!a.Due.Equal(time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC)) || len(a.Actions) != 1 ||
		!strings.Contains(a.Summary, "carriage return") {
		t.Errorf("first entry: %+v", a)
	}
}

const kevSeed = `{"title":"t","catalogVersion":"2025.01.01","dateReleased":"2025-01-01T00:00:00Z","count":1,
"vulnerabilities":[{"cveID":"CVE-2024-0001","vendorProject":"Acme","product":"Widget","vulnerabilityName":"Acme Widget RCE",
"dateAdded":"2025-01-01","shortDescription":"d","requiredAction":"Apply updates per vendor instructions.","dueDate":"2025-01-22",
"knownRansomwareCampaignUse":"Known","notes":"","cwes":[]}]}`

func TestKEVErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bad id", strings.Replace(kevSeed, "CVE-2024-0001", "CVE-24", 1), "f.json: /vulnerabilities/0/cveID: \"CVE-24\" is not a CVE id"},
		{"bad date", strings.Replace(kevSeed, `"2025-01-01","short`, `"yesterday","short`, 1), "/vulnerabilities/0/dateAdded"},
		{"wrong type", strings.Replace(kevSeed, `"count":1`, `"count":"one"`, 1), "f.json: /count: "},
		{"duplicate", strings.Replace(kevSeed, `}]}`, `},{"cveID":"CVE-2024-0001","dateAdded":"2025-01-01"}]}`, 1), "listed twice"},
		{"not json", "hello", "not a JSON object"},
		{"unknown", `{"a":1}`, "not a CISA KEV catalogue, a CVE JSON 5 record or a CSAF 2.0 document"},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), "nested more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(context.Background(), "f.json", []byte(tc.in), Options{})
			var e *Error
			if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want *Error containing %q", err, tc.want)
			}
			if len(res.Advisories) != 0 {
				t.Error("advisories returned with an error")
			}
		})
	}
	res, err := Parse(context.Background(), "f.json", []byte(kevSeed), Options{})
	if err != nil || !res.Advisories[0].Ransomware || res.Advisories[0].Actions[0].Category != "vendor_fix" {
		t.Fatalf("%v %+v", err, res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, "f.json", []byte(kevSeed), Options{}); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled parse: %v", err)
	}
}

func FuzzKEV(f *testing.F) {
	f.Add([]byte(kevSeed))
	f.Add([]byte(`{"vulnerabilities":[{"cveID":"CVE-2024-1234","dateAdded":"2024-01-01"}]}`))
	f.Add([]byte(`{"catalogVersion":"x","vulnerabilities":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(context.Background(), "fuzz.json", data, Options{})
		if err != nil && len(res.Advisories) > 0 {
			t.Fatal("advisories with an error")
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error of type %T: %v", err, err)
		}
	})
}

func TestTypeErrorPaths(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"catalogVersion":"x","vulnerabilities":[{"cveID":"CVE-2024-0001","dateAdded":"2024-01-01"},{"cveID":5}]}`, "k.json: /vulnerabilities/1/cveID: "},
		{`{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001"},"containers":{"cna":{"affected":[{"product":"x"},{"product":7}]}}}`,
			"k.json: /containers/cna/affected/1/product: "},
		{`{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0001"},"containers":{"cna":{"affected":[{"product":{"a":[1,2]}}]}}}`,
			"k.json: /containers/cna/affected/0/product"},
		{`{"catalogVersion":"x","vulnerabilities":[{"cveID":"CVE-2024-0001","cwes":[1]}]}`, "k.json: /vulnerabilities/0/cwes/0: "},
	} {
		_, err := Parse(context.Background(), "k.json", []byte(tc.in), Options{})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("err = %v, want prefix %q", err, tc.want)
		}
	}
}
