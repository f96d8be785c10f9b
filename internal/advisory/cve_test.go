package advisory

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vaern/vaern"
)

func TestCVERealFiles(t *testing.T) {
	for _, tc := range []struct {
		file      string
		cvss      float64
		exploited bool
		check     func(t *testing.T, a vaern.Advisory)
	}{
		{"CVE-2024-3094.json", 10, false, func(t *testing.T, a vaern.Advisory) {
			var rhel6 *vaern.AdvisoryProduct
			for i, p := range a.Products {
				if p.Product == "Red Hat Enterprise Linux 6" {
					rhel6 = &a.Products[i]
				}
			}
			if rhel6 == nil || rhel6.CPE != "cpe:2.3:o:redhat:enterprise_linux:6:*:*:*:*:*:*:*" ||
				rhel6.PURL != "pkg:rpm/redhat/xz" || rhel6.Status != vaern.StatusNotAffected {
				t.Errorf("RHEL 6: %+v", rhel6)
			}
			if a.Products[0].Vendor != "" || a.Products[0].Product != "xz" || a.Products[0].Status != vaern.StatusAffected {
				t.Errorf("xz: %+v", a.Products[0])
			}
		}},
		{"CVE-2025-48384.json", 8.1, true, func(t *testing.T, a vaern.Advisory) {
			p := a.Products[0]
			if len(p.Versions) != 8 || p.Versions[0].Fixed != "2.43.7" || p.Versions[1].Introduced != "2.44.0-rc0" ||
				p.Versions[1].Fixed != "2.44.4" || p.Versions[1].Expr != ">= 2.44.0-rc0, < 2.44.4" {
				t.Errorf("git ranges: %+v", p.Versions)
			}
		}},
		{"CVE-2024-3000.json", 0, false, func(t *testing.T, a vaern.Advisory) {
			var adp bool
			for _, p := range a.Products {
				if strings.HasPrefix(p.Key, "adp0-") && p.CPE == "cpe:2.3:a:code-projects:online_book_system:1.0:*:*:*:*:*:*:*" {
					adp = true
				}
			}
			if !adp {
				t.Errorf("ADP product with CPE missing: %+v", a.Products)
			}
		}},
		{"CVE-2025-5000.json", 0, false, nil},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, err := Parse(context.Background(), tc.file, realFile(t, "cve/"+tc.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			a := res.Advisories[0]
			if res.Format != vaern.SourceCVE || a.SourceID+".json" != tc.file || a.Summary == "" || len(a.Products) == 0 || a.Published.IsZero() {
				t.Fatalf("%+v", a)
			}
			if tc.cvss > 0 && a.CVSS != tc.cvss {
				t.Errorf("CVSS %v, want %v", a.CVSS, tc.cvss)
			}
			if a.Severity != vaern.SeverityOf(a.CVSS) || a.KnownExploited != tc.exploited {
				t.Errorf("severity %q for %v, exploited %v", a.Severity, a.CVSS, a.KnownExploited)
			}
			if tc.check != nil {
				tc.check(t, a)
			}
		})
	}
}

const cveSeed = `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2024-0002","state":"PUBLISHED",
"datePublished":"2024-02-01T10:00:00","dateUpdated":"2024-02-02T10:00:00.000Z"},
"containers":{"cna":{"descriptions":[{"lang":"en","value":"A flaw."}],
"affected":[{"vendor":"Acme","product":"Widget","collectionURL":"https://pypi.org","packageName":"widget","defaultStatus":"unaffected",
"versions":[{"version":"1.0","lessThan":"1.4.2","status":"affected","versionType":"python"},
{"version":"1.4.2","lessThan":"*","status":"unaffected","versionType":"python"}],"cpes":["cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*"]}],
"metrics":[{"cvssV3_1":{"baseScore":7.5,"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}}]}}}`

func TestCVESynthetic(t *testing.T) {
	res, err := Parse(context.Background(), "c.json", []byte(cveSeed), Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Advisories[0]
	if len(a.Products) != 3 {
		t.Fatalf("products: %+v", a.Products)
	}
	aff, fixed, def := a.Products[0], a.Products[1], a.Products[2]
	if aff.Status != vaern.StatusAffected || aff.PURL != "pkg:pypi/widget" || aff.Versions[0].Introduced != "1.0" ||
		aff.Versions[0].Fixed != "1.4.2" || aff.Versions[0].Scheme != "pypi" {
		t.Errorf("affected: %+v", aff)
	}
	if fixed.Status != vaern.StatusFixed || fixed.Versions[0].Introduced != "1.4.2" {
		t.Errorf("fixed: %+v", fixed)
	}
	if def.Status != vaern.StatusNotAffected || len(def.Versions) != 0 {
		t.Errorf("default: %+v", def)
	}
	if a.Severity != vaern.SeverityHigh || a.Title != "CVE-2024-0002: A flaw." {
		t.Errorf("%q %q", a.Severity, a.Title)
	}
	un := strings.Replace(cveSeed, `"version":"1.0","lessThan":"1.4.2","status":"affected","versionType":"python"`, `"version":"unspecified","status":"affected"`, 1)
	res, err = Parse(context.Background(), "c.json", []byte(un), Options{})
	if err != nil || res.Advisories[0].Products[0].Status != vaern.StatusAffected || len(res.Advisories[0].Products[0].Versions) != 0 ||
		len(res.Advisories[0].Raw) != len(un) {
		t.Errorf("unspecified version: %v %+v", err, res.Advisories[0].Products[0])
	}
	for _, tc := range []struct{ name, old, new, want string }{
		{"bad status", `"status":"affected"`, `"status":"maybe"`, "/containers/cna/affected/0/versions/0: status \"maybe\""},
		{"bad cpe", `cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*`, `cpe:2.3:a:acme`, "/containers/cna/affected/0/cpes/0"},
		{"bad id", `CVE-2024-0002`, `X`, "/cveMetadata/cveId"},
		{"rejected", `PUBLISHED`, `REJECTED`, "/cveMetadata/state"},
		{"version 4", `"dataVersion":"5.1"`, `"dataVersion":"4.0"`, "/dataVersion"},
		{"type", `"affected":[`, `"affected":"x","a":[`, "/containers/cna/affected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(context.Background(), "c.json", []byte(strings.Replace(cveSeed, tc.old, tc.new, 1)), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCPEConversion(t *testing.T) {
	for in, want := range map[string]string{
		"cpe:/o:redhat:enterprise_linux:6":                                 "cpe:2.3:o:redhat:enterprise_linux:6:*:*:*:*:*:*:*",
		"cpe:/a:microsoft:internet_explorer:8.%02:sp%01":                   `cpe:2.3:a:microsoft:internet_explorer:8\.*:sp?:*:*:*:*:*:*`,
		"cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~": `cpe:2.3:a:hp:insight_diagnostics:7\.4\.0\.1570:-:*:*:online:win2003:x64:*`,
		"cpe:/a:foo%7ebar:big%24money:2010:::en-us":                        `cpe:2.3:a:foo\~bar:big\$money:2010:*:*:en\-us:*:*:*:*`,
	} {
		got, err := toCPE23(in)
		if err != nil || got != want {
			t.Errorf("toCPE23(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"cpe:/x:a:b", "cpe:2.3:a:b", "foo", "cpe:/a:b%2"} {
		if _, err := toCPE23(bad); err == nil {
			t.Errorf("toCPE23(%q) accepted", bad)
		}
	}
}

func FuzzCVE(f *testing.F) {
	f.Add([]byte(cveSeed))
	f.Add([]byte(`{"dataType":"CVE_RECORD","dataVersion":"5.0","cveMetadata":{"cveId":"CVE-2024-1111"},"containers":{"cna":{"affected":[{"product":"x","versions":[{"version":"< 2","status":"affected"}]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(context.Background(), "fuzz.json", data, Options{})
		var e *Error
		if err != nil && (len(res.Advisories) > 0 || !errors.As(err, &e)) {
			t.Fatalf("%T %v with %d advisories", err, err, len(res.Advisories))
		}
	})
}
