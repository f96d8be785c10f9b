package register

import (
	"strings"
	"testing"
)

func TestParseCPE(t *testing.T) {
	good := []struct{ in, vendor, product, version string }{
		{"cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_12:*:*:*:*:*:*", "microsoft", "exchange_server", "2019"},
		{"cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*", "fortinet", "fortios", "7.2.4"},
		{"cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.13:*:*:*:*:*:*:*", "citrix", "netscaler_application_delivery_controller", "13.1-49.13"},
		{`cpe:2.3:a:acme:web\:shop:1.0:*:*:da:*:*:*:*`, "acme", "web:shop", "1.0"},
		{"cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*", "cisco", "asa_5505", ""},
	}
	for _, c := range good {
		got, err := ParseCPE(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got.Vendor != c.vendor || got.Product != c.product || got.Version != c.version {
			t.Errorf("%s: got %+v", c.in, got)
		}
	}
	bad := map[string]string{
		"cpe:/a:microsoft:exchange_server:2019":                        "CPE 2.2",
		"microsoft exchange":                                           "cpe:2.3",
		"cpe:2.3:a:microsoft:exchange_server:2019":                     "has 6 fields",
		"cpe:2.3:x:microsoft:exchange_server:2019:*:*:*:*:*:*:*":       "not a valid",
		"cpe:2.3:a:micro soft:exchange_server:2019:*:*:*:*:*:*:*":      "not a valid",
		"cpe:2.3:a:*:*:*:*:*:*:*:*:*:*":                                "vendor and the product",
		"cpe:2.3:a:microsoft:exchange_server:2019:*:*:english:*:*:*:*": "not a valid",
		"cpe:2.3:a:microsoft:exchange_server:2019:*:*:*:*:*:*:*:extra": "has 14 fields",
	}
	for in, want := range bad {
		_, err := ParseCPE(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one saying %q", in, err, want)
		}
	}
}

func TestCleanPURL(t *testing.T) {
	got, err := CleanPURL(" pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1 ")
	if err != nil || got != "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1" {
		t.Fatalf("got %q, %v", got, err)
	}
	if got, _ := CleanPURL(""); got != "" {
		t.Fatalf("empty: %q", got)
	}
	for _, in := range []string{"log4j", "pkg:", "pkg:/name", "pkg:npm/", "https://example.com"} {
		if _, err := CleanPURL(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
