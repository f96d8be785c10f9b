package indicators

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testdata(t testing.TB, parts ...string) []byte {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is not set: the real STIX and MISP files are in shared/data")
	}
	b, err := os.ReadFile(filepath.Join(append([]string{dir}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportRealSTIX(t *testing.T) {
	p, err := ParseSTIX(testdata(t, "stix", "indicator-for-c2-ip-address.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Items[0].Type != "ip" || p.Items[0].Value != "10.0.0.0" || p.Items[0].ExternalID != "indicator--33fe3b22-0201-47cf-85d0-97c02164528d" {
		t.Fatalf("items %+v", p.Items)
	}
	if !strings.Contains(p.Items[0].Description, "IP Address for known C2 channel") || p.Items[0].ValidFrom.Year() != 2014 {
		t.Errorf("item %+v", p.Items[0])
	}
	// Every real file parses; the broader patterns are refused by object, never guessed at.
	files, _ := filepath.Glob(filepath.Join(os.Getenv("VAERN_TESTDATA"), "stix", "*.json"))
	total := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		p, err := ParseSTIX(b)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		total += len(p.Items)
		for _, r := range p.Refused {
			if !strings.HasPrefix(r.Object, "indicator--") || r.Reason == "" {
				t.Errorf("%s: refusal %+v", filepath.Base(f), r)
			}
		}
		if filepath.Base(f) == "malicious-email-indicator-with-attachment.json" && len(p.Refused) == 0 {
			t.Error("the e-mail pattern with MATCHES was not refused")
		}
	}
	if total < 20 {
		t.Errorf("only %d indicators from the real files", total)
	}
	// poisonivy's "A OR B" patterns give both indicators.
	p, _ = ParseSTIX(testdata(t, "stix", "poisonivy.json"))
	var dom, ip bool
	for _, it := range p.Items {
		dom = dom || it.Value == "3q.wubangtu.info"
		ip = ip || it.Value == "123.183.210.28"
	}
	if !dom || !ip {
		t.Error("an OR pattern lost one of its values")
	}
}

func TestImportRealMISP(t *testing.T) {
	p, err := ParseMISP(testdata(t, "misp", "57c4445b-c548-4654-af0b-4be3950d210f.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range p.Items {
		got[it.Type] = it.Value
	}
	if len(p.Items) != 3 || got["md5"] != "0749bae92ca336a02c83d126e04ec628" || got["sha256"] == "" || got["sha1"] == "" {
		t.Fatalf("items %+v", p.Items)
	}
	if p.TLP != "CLEAR" || p.Title != "Ransomware - Xorist" || p.Ignored != 4 {
		t.Errorf("tlp %q title %q ignored %d", p.TLP, p.Title, p.Ignored)
	}
	// filename and regkey|value are for detection but not indicator types Værn keeps.
	if len(p.Refused) != 2 {
		t.Errorf("refused %+v", p.Refused)
	}
}

func TestImportErrorsNameTheObject(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		misp           bool
	}{
		{"not json", `{"type":`, "is not a JSON object", false},
		{"not a bundle", `{"type":"report"}`, "not a STIX 2.1 bundle", false},
		{"objects not a list", `{"type":"bundle","objects":{}}`, "not a list", false},
		{"indicator without pattern", `{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","valid_from":"2020-01-01T00:00:00Z"}]}`, "objects[0] (indicator--1): an indicator needs a pattern", false},
		{"bad valid_from", `{"type":"bundle","objects":[{"type":"indicator","id":"indicator--2","pattern":"[ipv4-addr:value = '1.2.3.4']","pattern_type":"stix","valid_from":"yesterday"}]}`, "objects[0] (indicator--2): valid_from", false},
		{"pattern of wrong type", `{"type":"bundle","objects":[{"type":"indicator","id":"indicator--3","pattern":5}]}`, "objects[0]", false},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), "nested more than", false},
		{"misp value not a string", `{"Event":{"uuid":"e","Attribute":[{"uuid":"a1","type":"md5","value":5,"to_ids":true}]}}`, "Attribute[0] (a1): value must be a string", true},
		{"misp bad to_ids", `{"Event":{"uuid":"e","Attribute":[{"uuid":"a2","type":"md5","value":"x","to_ids":"maybe"}]}}`, "Attribute[0] (a2): to_ids", true},
		{"misp object attribute", `{"Event":{"uuid":"e","Object":[{"name":"file","Attribute":[{"type":7}]}]}}`, "Object[0] file Attribute[0]: type must be a string", true},
		{"misp empty", `{}`, "is not a MISP event", true},
	} {
		var err error
		var p *Parsed
		if c.misp {
			p, err = ParseMISP([]byte(c.in))
		} else {
			p, err = ParseSTIX([]byte(c.in))
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || p != nil {
			t.Errorf("%s: %v, want an error with %q and nothing parsed", c.name, err, c.want)
		}
	}
}

func TestPatterns(t *testing.T) {
	for pat, want := range map[string]string{
		"[ipv4-addr:value = '1.2.3.4']":     "ip:1.2.3.4",
		"[ipv4-addr:value = '10.1.0.0/16']": "cidr:10.1.0.0/16",
		"[file:hashes.'SHA-256' = 'EF537F25C895BFA782526529A9B63D97AA631564D5D789C2B765448C8635FB6C']": "sha256:ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c",
		"[url:value = 'http://x.example/it\\'s']":                                                      "url:http://x.example/it's",
		"[domain-name:value = 'a.example' OR ipv4-addr:value = '1.1.1.1']":                             "domain:a.example",
	} {
		obs, why := parsePattern(pat)
		if why != "" || len(obs) == 0 || obs[0].Type+":"+obs[0].Value != want {
			t.Errorf("%s: %v %q, want %s", pat, obs, why, want)
		}
	}
	for _, pat := range []string{
		"[file:name = 'x.exe']", "[ipv4-addr:value != '1.2.3.4']", "[domain-name:value MATCHES 'x']",
		"[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'a.example']", "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a.example']",
		"[ipv4-addr:value = '1.2.3.4'] WITHIN 5 SECONDS", "[ipv4-addr:value = 'no']", "[ipv4-addr:value = '1.2.3.4",
	} {
		if obs, why := parsePattern(pat); why == "" {
			t.Errorf("%s was read as %v", pat, obs)
		}
	}
}
