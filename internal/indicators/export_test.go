package indicators

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/vaern/vaern"
)

var t0 = time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)

// sample is one indicator of every type, under every label.
func sample() []vaern.Indicator {
	vals := []struct{ typ, v string }{
		{"ip", "203.0.113.7"}, {"ip", "2001:db8::1"}, {"cidr", "198.51.100.0/24"}, {"domain", "evil.example.com"},
		{"url", "http://evil.example.com/a?b=c"}, {"md5", "0749bae92ca336a02c83d126e04ec628"},
		{"sha1", "77b0c41b7d340b8a3d903f21347bbf06aa766b5b"}, {"sha256", "b3c4ae251f8094fa15b510051835c657eaef2a6cea46075d3aec964b14a99f68"},
		{"email", "ceo@evil.example.com"}, {"ja3", "e7d705a3286e19ea42f587b344ee6865"},
	}
	tlps := []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
	srcs := []string{"manual", "incident", "sensor", "feed"}
	var out []vaern.Indicator
	for i, x := range vals {
		out = append(out, vaern.Indicator{ID: int64(i + 1), OrgID: 1, Type: x.typ, Value: x.v, Source: srcs[i%4], Confidence: i * 11,
			FirstSeen: t0, LastSeen: t0.Add(time.Hour), ExpiresAt: t0.AddDate(0, 1, 0), TLP: tlps[i%5], CreatedAt: t0, UpdatedAt: t0.Add(time.Minute),
			Description: "seen\tin a phishing\nwave", Category: "phishing"})
	}
	return out
}

func export(t *testing.T, format, typ string, items []vaern.Indicator) []byte {
	t.Helper()
	sel, err := Selection(format, typ)
	if err != nil {
		t.Fatalf("%s %s: %v", format, typ, err)
	}
	var b bytes.Buffer
	w, err := NewWriter(&b, Options{Format: format, Type: typ, Publisher: Identity{OrgID: 1, Name: "KommuneCERT"}, BaseURL: "https://vaern.example", Version: t0})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range items {
		if in(sel, n.Type) {
			if err := w.Write(n); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func in(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func lines(b []byte) []string { return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") }

func TestPlain(t *testing.T) {
	got := lines(export(t, Plain, "domain", sample()))
	if len(got) != 1 || got[0] != "evil.example.com" {
		t.Fatalf("plain domain = %q", got)
	}
	if all := lines(export(t, Plain, "", sample())); len(all) != 10 {
		t.Fatalf("plain = %d lines", len(all))
	}
}

func TestSuricataDataset(t *testing.T) {
	// The string dataset: each line one base64 value, which decodes to the indicator.
	got := lines(export(t, SuricataDataset, "", sample()))
	want := map[string]bool{"evil.example.com": true, "http://evil.example.com/a?b=c": true, "ceo@evil.example.com": true}
	if len(got) != len(want) {
		t.Fatalf("string dataset = %q", got)
	}
	for _, l := range got {
		v, err := base64.StdEncoding.DecodeString(l)
		if err != nil || !want[string(v)] {
			t.Errorf("line %q: %q %v", l, v, err)
		}
	}
	// Hash datasets are plain lower-case hex of the right length.
	for typ, n := range map[string]int{"md5": 32, "sha256": 64, "ja3": 32} {
		for _, l := range lines(export(t, SuricataDataset, typ, sample())) {
			if _, err := hex.DecodeString(l); err != nil || len(l) != n {
				t.Errorf("%s line %q", typ, l)
			}
		}
	}
	if ip := lines(export(t, SuricataDataset, "ip", sample())); len(ip) != 2 || ip[0] != "203.0.113.7" {
		t.Errorf("ip dataset = %q", ip)
	}
	for _, typ := range []string{"sha1", "cidr"} {
		if _, err := Selection(SuricataDataset, typ); err == nil {
			t.Errorf("a %s dataset was accepted; Suricata has no such dataset type", typ)
		}
	}
	// datarep: value,reputation with a number.
	for _, l := range lines(export(t, SuricataDatarep, "md5", sample())) {
		v, rep, ok := strings.Cut(l, ",")
		if n, err := strconv.Atoi(rep); !ok || len(v) != 32 || err != nil || n < 1 {
			t.Errorf("datarep line %q", l)
		}
	}
}

func TestSuricataIPRep(t *testing.T) {
	cats := map[string]bool{}
	for _, l := range lines(export(t, SuricataIPRepCat, "", nil)) {
		f := strings.Split(l, ",")
		id, err := strconv.Atoi(f[0])
		if len(f) != 3 || err != nil || id < 1 || id > 60 || strings.ContainsAny(f[1], " ,") {
			t.Errorf("category line %q", l)
		}
		cats[f[0]] = true
	}
	got := lines(export(t, SuricataIPRep, "", sample()))
	if len(got) != 3 {
		t.Fatalf("iprep = %q", got)
	}
	for _, l := range got {
		f := strings.Split(l, ",")
		score, err := strconv.Atoi(f[2])
		if len(f) != 3 || !cats[f[1]] || err != nil || score < 1 || score > 127 {
			t.Errorf("iprep line %q", l)
		}
	}
	for c, want := range map[int]int{0: 1, 100: 127, 50: 64, 200: 127, -3: 1} {
		if got := Score(c); got != want {
			t.Errorf("Score(%d) = %d, want %d", c, got, want)
		}
	}
}

func TestZeek(t *testing.T) {
	got := lines(export(t, Zeek, "", sample()))
	if got[0] != "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url" {
		t.Fatalf("header %q", got[0])
	}
	types := map[string]bool{}
	for _, l := range got[1:] {
		f := strings.Split(l, "\t")
		if len(f) != 5 {
			t.Fatalf("line %q has %d fields", l, len(f))
		}
		types[f[1]] = true
		if f[1] == "Intel::URL" && strings.Contains(f[0], "://") {
			t.Errorf("a Zeek URL keeps its scheme: %q", f[0])
		}
		if !strings.HasPrefix(f[4], "https://vaern.example/indicators/") || f[3] == "" {
			t.Errorf("line %q", l)
		}
	}
	for _, want := range []string{"Intel::ADDR", "Intel::SUBNET", "Intel::DOMAIN", "Intel::URL", "Intel::FILE_HASH", "Intel::EMAIL"} {
		if !types[want] {
			t.Errorf("no %s line", want)
		}
	}
	if types["Intel::JA3"] {
		t.Error("JA3 in the default Zeek export (it needs the ja3 package)")
	}
	if ja3 := lines(export(t, Zeek, "ja3", sample())); len(ja3) != 2 || !strings.Contains(ja3[1], "\tIntel::JA3\t") {
		t.Errorf("ja3 export = %q", ja3)
	}
}

// stixSchema compiles the STIX 2.1 bundle schema from VAERN_TESTDATA.
func stixSchema(t *testing.T) *jsonschema.Schema {
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		t.Skip("VAERN_TESTDATA is not set: the STIX 2.1 schemas are in shared/data/stix/schemas")
	}
	root := filepath.Join(dir, "stix", "schemas")
	c := jsonschema.NewCompiler()
	const base = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		return c.AddResource(base+filepath.ToSlash(rel), doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(base + "common/bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSTIXExportIsValid(t *testing.T) {
	schema := stixSchema(t)
	out := export(t, STIX, "", sample())
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("the bundle does not fit the STIX 2.1 schema: %v\n%s", err, out)
	}
	var b struct {
		Objects []map[string]any `json:"objects"`
	}
	json.Unmarshal(out, &b)
	kinds := map[string]int{}
	for _, o := range b.Objects {
		kinds[o["type"].(string)]++
		if o["type"] == "marking-definition" {
			if _, ok := MarkingTLP(o["id"].(string)); !ok {
				t.Errorf("marking %v is not a TLP 2.0 marking", o["id"])
			}
		}
	}
	if kinds["indicator"] != 9 || kinds["marking-definition"] != 5 || kinds["identity"] != 1 {
		t.Fatalf("objects %v", kinds)
	}
	// What we write, we read back the same.
	p, err := ParseSTIX(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 9 || len(p.Refused) != 0 {
		t.Fatalf("round trip: %d items, refused %v", len(p.Items), p.Refused)
	}
	if again := export(t, STIX, "", sample()); !bytes.Equal(again, out) {
		t.Fatal("the same set gave different bytes")
	}
}

func TestMISPFeed(t *testing.T) {
	out := export(t, MISP, "", sample())
	z, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, _ := f.Open()
		files[f.Name], _ = io.ReadAll(r)
	}
	var manifest map[string]struct {
		Info      string `json:"info"`
		Timestamp string `json:"timestamp"`
		Orgc      struct{ Name, UUID string }
		Tag       []struct{ Name string }
	}
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 5 {
		t.Fatalf("manifest: %v %s", err, files["manifest.json"])
	}
	attrs := 0
	for id, m := range manifest {
		ev := files[id+".json"]
		if ev == nil || m.Timestamp == "" || m.Orgc.Name != "KommuneCERT" || len(m.Tag) != 1 || !strings.HasPrefix(m.Tag[0].Name, "tlp:") {
			t.Fatalf("event %s: %+v", id, m)
		}
		// Each event file is an event MISP reads, and Værn too.
		p, err := ParseMISP(ev)
		if err != nil {
			t.Fatal(err)
		}
		attrs += len(p.Items)
		if len(p.Refused) != 0 {
			t.Errorf("event %s refused %v", id, p.Refused)
		}
	}
	if attrs != 10 {
		t.Errorf("%d attributes, want 10", attrs)
	}
	hl := lines(files["hashes.csv"])
	if len(hl) != 10 {
		t.Fatalf("hashes.csv = %q", hl)
	}
	sum := md5.Sum([]byte("203.0.113.7"))
	found := false
	for _, l := range hl {
		h, ev, _ := strings.Cut(l, ",")
		if _, ok := manifest[ev]; !ok {
			t.Errorf("hashes.csv names unknown event %q", ev)
		}
		found = found || h == hex.EncodeToString(sum[:])
	}
	if !found {
		t.Error("hashes.csv lacks the md5 of 203.0.113.7")
	}
}

func TestFormatsHaveTypesAndNames(t *testing.T) {
	for _, f := range Formats {
		if ContentType(f) == "" || FileName(f, "") == "" {
			t.Errorf("%s has no content type or file name", f)
		}
	}
	if _, err := Selection("csv", ""); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := Selection(Plain, "bitcoin"); err == nil {
		t.Error("unknown type accepted")
	}
	_ = bufio.NewWriter
}
