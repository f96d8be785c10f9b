package warnings

import "testing"

func TestNameKey(t *testing.T) {
	same := [][2][2]string{
		{{"Microsoft Corporation", "Exchange"}, {"Microsoft", "Exchange Server"}},
		{{"Microsoft", "Microsoft Exchange Server 2019"}, {"microsoft", "exchange_server 2019"}},
		{{"Cisco Systems, Inc.", "IOS"}, {"Cisco", "ios"}},
		{{"The Apache Software Foundation", "Log4j2"}, {"Apache", "Log4j"}},
		{{"Visma A/S", "Løn"}, {"visma", "LØN"}},
		{{"D-Link", "DIR-820L"}, {"dlink", "dir 820l"}},
		{{"Microsoft", "Windows Server 2019 Datacenter"}, {"Microsoft", "Windows 2019"}},
	}
	for _, c := range same {
		a, b := NameKey(c[0][0], c[0][1]), NameKey(c[1][0], c[1][1])
		if a != b || a == "" {
			t.Errorf("%q and %q: %q, %q", c[0], c[1], a, b)
		}
	}
	differ := [][2][2]string{
		{{"Microsoft", "Windows Server 2016"}, {"Microsoft", "Windows Server 2019"}},
		{{"Acme", "Gateway"}, {"Citrix", "Gateway"}},
		{{"Microsoft", "SharePoint"}, {"Microsoft", "Exchange"}},
	}
	for _, c := range differ {
		if a, b := NameKey(c[0][0], c[0][1]), NameKey(c[1][0], c[1][1]); a == b {
			t.Errorf("%q and %q both %q", c[0], c[1], a)
		}
	}
	for _, blank := range []string{"", "*", "-", "n/a"} {
		if k := NameKey("Microsoft", blank); k != "" {
			t.Errorf("product %q: %q", blank, k)
		}
	}
}
