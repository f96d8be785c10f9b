package sensor

import (
	"bytes"
	stdjson "encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// realEVEFiles returns every EVE file under $VAERN_TESTDATA/suricata.
func realEVEFiles(t testing.TB) map[string][]byte {
	t.Helper()
	dir := os.Getenv("VAERN_TESTDATA")
	if dir == "" {
		return nil
	}
	files := map[string][]byte{}
	root := filepath.Join(dir, "suricata")
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		files[path] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no EVE files under %s", root)
	}
	return files
}

// eachEvent calls fn with every event of an EVE file (NDJSON lines or a JSON array's elements).
func eachEvent(data []byte, fn func([]byte)) {
	i := skipSpace(data, 0, nil)
	if i < len(data) && data[i] == '[' {
		for i++; i < len(data); {
			i = skipSpace(data, i, nil)
			if i >= len(data) || data[i] == ']' {
				return
			}
			if data[i] == ',' {
				i++
				continue
			}
			end, _, ok := valueEnd(data, i)
			if !ok {
				return
			}
			fn(data[i:end])
			i = end
		}
		return
	}
	for _, ln := range bytes.Split(data, []byte{'\n'}) {
		if ln = bytes.TrimSpace(ln); len(ln) > 0 {
			fn(ln)
		}
	}
}

// compareResults compares two parses field by field and names the first difference.
func compareResults(t *testing.T, what string, got, want *Result) {
	t.Helper()
	if len(got.Alerts) != len(want.Alerts) {
		t.Fatalf("%s: %d alerts, the goccy path %d", what, len(got.Alerts), len(want.Alerts))
	}
	for i := range want.Alerts {
		g, w := reflect.ValueOf(got.Alerts[i]), reflect.ValueOf(want.Alerts[i])
		for f := 0; f < g.NumField(); f++ {
			if !reflect.DeepEqual(g.Field(f).Interface(), w.Field(f).Interface()) {
				t.Errorf("%s: alert %d, %s: %#v, the goccy path %#v", what, i, g.Type().Field(f).Name, g.Field(f).Interface(), w.Field(f).Interface())
			}
		}
	}
	if got.Rejected != want.Rejected || !reflect.DeepEqual(got.Errors, want.Errors) {
		t.Errorf("%s: rejected %d %v, the goccy path %d %v", what, got.Rejected, got.Errors, want.Rejected, want.Errors)
	}
	if !reflect.DeepEqual(got.Other, want.Other) {
		t.Errorf("%s: other %v, the goccy path %v", what, got.Other, want.Other)
	}
}

// TestDecoderMatchesGoccyOnRealFiles parses every real Suricata file with Værn's decoder and
// with the goccy/go-json path it replaced, and compares the results field by field: as a whole
// file, line by line (each event alone, as NDJSON), and with payloads kept or not.
func TestDecoderMatchesGoccyOnRealFiles(t *testing.T) {
	files := realEVEFiles(t)
	if files == nil {
		t.Skip("VAERN_TESTDATA is not set: the real EVE files are not available")
	}
	files["unit ndjson"] = []byte(ndjson)
	alerts := 0
	for name, data := range files {
		var events bytes.Buffer
		eachEvent(data, func(ev []byte) {
			c := new(bytes.Buffer)
			if stdjson.Compact(c, ev) == nil {
				ev = c.Bytes()
			}
			events.Write(ev)
			events.WriteByte('\n')
		})
		for _, in := range []struct {
			what string
			data []byte
		}{{name, data}, {name + " as NDJSON", events.Bytes()}} {
			for _, keep := range []bool{false, true} {
				opt := Options{Pseudo: testPseudo(t, "147.32.84.0/24"), KeepPayload: keep}
				got, err := parse(in.data, DefaultLimits, opt, false)
				if err != nil {
					t.Fatal(err)
				}
				want, err := parse(in.data, DefaultLimits, opt, true)
				if err != nil {
					t.Fatal(err)
				}
				compareResults(t, fmt.Sprintf("%s (payload %v)", in.what, keep), got, want)
				alerts += len(got.Alerts)
			}
		}
	}
	if alerts < 100 {
		t.Errorf("only %d alerts compared", alerts)
	}
}

// decodedView is what the parser reads of an event, to compare the decoders: dns.queries only
// by whether there is one and the first one's name.
type decodedView struct {
	Ev       eveEvent
	Alert    *eveAl
	HasQuery bool
	Query0   string
}

func viewOf(ev eveEvent) decodedView {
	v := decodedView{Alert: ev.Alert, HasQuery: len(ev.DNS.Queries) > 0}
	if v.HasQuery {
		v.Query0 = ev.DNS.Queries[0].RRName
	}
	ev.Alert, ev.DNS.Queries = nil, nil
	v.Ev = ev
	return v
}

// checkAgainstEncodingJSON decodes data with Værn's decoder and with encoding/json into the same
// struct: the same accept or refuse, the same values.
func checkAgainstEncodingJSON(t *testing.T, d *eveDecoder, data []byte) (accepted bool) {
	t.Helper()
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var got eveEvent
	var al eveAl
	ok := d.decode(data, &got, &al)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if ok {
			t.Fatalf("%q: not an object, accepted", data)
		}
		return false // encoding/json takes a top-level null for a struct; the parser wants an object
	}
	var want eveEvent
	werr := stdjson.Unmarshal(data, &want)
	if ok != (werr == nil) {
		t.Fatalf("%q: the decoder says ok=%v (%s at %d), encoding/json %v", data, ok, d.err, d.errAt, werr)
	}
	if !ok {
		return false
	}
	if g, w := viewOf(got), viewOf(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("%q:\n got %+v (alert %+v)\nwant %+v (alert %+v)", data, g, g.Alert, w, w.Alert)
	}
	return true
}

// decoderCases are inputs that the decoder must read as encoding/json does: escapes, surrogates,
// invalid UTF-8, duplicate and case-folded keys, null, merged objects, numbers, broken JSON.
var decoderCases = []string{
	`{}`, ` { } `, `{"event_type":"alert"}`, `{"event_type":"alert"} x`, `{"event_type":"alert"}{}`, `{"a":1,}`, `{,"a":1}`, `{"a" 1}`, `{"a":}`,
	`{"alert":{"signature":"\u00e6\u00f8\u00e5 \ud83d\ude00 \ud83d x \ude00 \ud83d\u0041 \ud83d\ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}}`,
	`{"alert":{"signature":"bad \u12"}}`, `{"alert":{"signature":"bad \x"}}`, `{"alert":{"signature":"bad \'"}}`, "{\"proto\":\"tab\there\"}",
	"{\"proto\":\"\xff\xfe ok \xc3\xa6 \xe2\x82\"}", "{\"proto\":\"\xed\xa0\x80\"}", "{\"x\":\"\xff\",\"proto\":\"\xc3\xa6\"}", `{"proto":"unterminated`,
	`{"src_ip":"1.2.3.4","src_ip":"5.6.7.8"}`, `{"SRC_IP":"1.2.3.4"}`, `{"Src_Ip":"1.2.3.4","src_ip":"9.9.9.9"}`, "{\"\u017frc_ip\":\"1.1.1.1\"}",
	"{\"tls\":{\"ja3\":{\"hash\":\"x\"}},\"TLS\":{\"sni\":\"a\"},\"tl\u017f\":{\"ja4\":\"j\"}}", "{\"alert\":{\"\u212a\":1,\"severity\":2}}",
	`{"\u0073rc_ip":"1.2.3.4","ev\u0065nt_type":"alert"}`, `{"src_port":80,"dest_port":-0,"alert":{"signature_id":9223372036854775807}}`,
	`{"alert":{"signature_id":9223372036854775808}}`, `{"alert":{"signature_id":-9223372036854775808}}`, `{"alert":{"signature_id":-9223372036854775809}}`,
	`{"alert":{"signature_id":99999999999999999999}}`, `{"src_port":1.0}`, `{"src_port":1e2}`, `{"src_port":01}`, `{"src_port":-}`, `{"src_port":"80"}`,
	`{"src_port":true}`, `{"src_port":null,"dest_port":null}`, `{"src_port":1,"src_port":null}`, `{"x":1.5e+3,"y":-0.0E-0,"z":[1,2,[],{}]}`,
	`{"x":1.}`, `{"x":.5}`, `{"x":1e}`, `{"x":tru}`, `{"x":nul}`, `{"x":[1,]}`, `{"x":[,1]}`, `{"x":{"a":[{"b":null}]}}`,
	`{"alert":null}`, `{"alert":{"signature_id":1},"alert":{"signature":"merged"}}`, `{"alert":{"signature_id":1},"alert":null,"alert":{"signature":"new"}}`,
	`{"alert":{"signature_id":1},"alert":null}`, `{"alert":5}`, `{"alert":"x"}`, `{"alert":[]}`, `{"alert":nul}`, `{"http":null,"tls":null,"dns":null}`,
	`{"http":{"hostname":"a"},"http":{"url":"/b"}}`, `{"http":[]}`, `{"tls":{"ja3":null}}`, `{"tls":{"ja3":"x"}}`, `{"tls":{"ja3":{"hash":5}}}`,
	`{"dns":{"queries":[{"rrname":"a"},{"rrname":"b"}]}}`, `{"dns":{"queries":[{"rrname":"a"}],"queries":[{}]}}`, `{"dns":{"queries":[{"rrname":"a"}],"queries":[]}}`,
	`{"dns":{"queries":[{"rrname":"a"}],"queries":null}}`, `{"dns":{"queries":[{"rrname":"a"}],"queries":null,"queries":[{}]}}`, `{"dns":{"queries":[null]}}`,
	`{"dns":{"queries":[{"rrname":"a"}],"queries":[null]}}`, `{"dns":{"queries":[1]}}`, `{"dns":{"queries":{}}}`, `{"dns":{"queries":[{"rrname":"a"},5]}}`,
	`{"dns":{"queries":[{"rrname":"a"}]},"dns":{"rrname":"r"}}`, `{"dns":{"queries":[{"rrname":"a"}, {"rrname":"b"} ] , "rrname" : "c" }}`,
	`{"payload":"QUJD","http":{"http_request_body":"x","http_response_body":"y"}}`, "{\"proto\":\"a\"\n,\r\"dest_ip\"\t:\"b\"}",
	`[]`, `null`, `"x"`, ``, `   `, `{`, `{"a"`, `{"a":`, `{"a":"`, `{"a":[`, `{"a":{`, `{"a":1`, `{"a":"\`,
}

func TestDecoderMatchesEncodingJSON(t *testing.T) {
	var d eveDecoder
	for _, c := range decoderCases {
		checkAgainstEncodingJSON(t, &d, []byte(c))
	}
	deep := strings.Repeat(`{"a":`, maxJSONDepth-1) + "1" + strings.Repeat("}", maxJSONDepth-1)
	checkAgainstEncodingJSON(t, &d, []byte(deep))
	checkAgainstEncodingJSON(t, &d, []byte(`{"a":`+deep+`}`))
	checkAgainstEncodingJSON(t, &d, []byte(`{"a":`+strings.Repeat("[", maxJSONDepth)+strings.Repeat("]", maxJSONDepth)+`}`))
	for _, data := range realEVEFiles(t) {
		eachEvent(data, func(ev []byte) { checkAgainstEncodingJSON(t, &d, ev) })
	}
}

// TestDecoderMatchesEncodingJSONOnMutations is the fuzz target's check over a fixed set of
// random mutations of the real events and the cases (bytes replaced, dropped, inserted or
// repeated, from an alphabet of JSON's own characters), so that every run of the tests has it.
func TestDecoderMatchesEncodingJSONOnMutations(t *testing.T) {
	var seeds [][]byte
	for _, c := range decoderCases {
		seeds = append(seeds, []byte(c))
	}
	for _, data := range realEVEFiles(t) {
		eachEvent(data, func(ev []byte) { seeds = append(seeds, ev) })
	}
	eachEvent([]byte(ndjson), func(ev []byte) { seeds = append(seeds, ev) })
	rng := rand.New(rand.NewPCG(7, 8))
	const alphabet = "{}[]:,\"\\/ \n\tuUdD0123456789.-+eEaflnrstx\x00\x1f\x7f\xc3\xa6\xed\xa0\xff"
	var d eveDecoder
	accepted := 0
	for range 30000 {
		b := bytes.Clone(seeds[rng.IntN(len(seeds))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b) + 1)
			switch rng.IntN(4) {
			case 0:
				if i < len(b) {
					b[i] = alphabet[rng.IntN(len(alphabet))]
				}
			case 1:
				if i < len(b) {
					b = append(b[:i], b[i+1:]...)
				}
			case 2:
				b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
			default:
				if j := i + rng.IntN(20); j <= len(b) {
					b = append(b[:j], append(bytes.Clone(b[i:j]), b[j:]...)...)
				}
			}
		}
		if checkAgainstEncodingJSON(t, &d, b) {
			accepted++
		}
	}
	if accepted < 3000 || accepted > 27000 {
		t.Errorf("%d of 30,000 mutations accepted: the mix says little", accepted)
	}
	t.Logf("%d of 30,000 mutations accepted", accepted)
}

// TestRefusedLinesKeepTheirMessages: a line the decoder refuses is named with goccy/go-json's
// message, as before the decoder was Værn's own.
func TestRefusedLinesKeepTheirMessages(t *testing.T) {
	body := `{"timestamp":"2026-12-02T10:15:00Z","event_type":"alert","src_port":"80"}` + "\n" + `{"event_type":"alert",}` + "\n" +
		`{"event_type":"alert","alert":{"signature":"\x"}}` + "\n" + `{"event_type":"alert"} trailing` + "\n"
	got, err := parse([]byte(body), DefaultLimits, Options{Pseudo: testPseudo(t)}, false)
	if err != nil {
		t.Fatal(err)
	}
	want, err := parse([]byte(body), DefaultLimits, Options{Pseudo: testPseudo(t)}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rejected != 4 || !reflect.DeepEqual(got.Errors, want.Errors) {
		t.Fatalf("errors %v, the goccy path %v", got.Errors, want.Errors)
	}
}

// TestEscapedTextsOutliveTheirLine: texts unescaped into the decoder's scratch buffer (which the
// next line reuses) and views into the body must be copied before the body and the buffer are
// reused. Every kept text of every line is escaped here; the results must equal the goccy path's
// after the body is overwritten.
func TestEscapedTextsOutliveTheirLine(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, `{"timestamp":"2026-12-02T10:15:%02d.5+01:00","event_type":"alert","src_ip":"\u0032\u0030\u0033.0.113.%d","dest_ip":"10.0.0.%d",`+
			`"proto":"\u0054CP","alert":{"signature_id":%d,"signature":"sig \u00e6 %d \ud83d\ude00","category":"c\"%d"},`+
			`"http":{"hostname":"h%d.ex\u0061mple","url":"/\u00f8/%d"},"tls":{"ja3":{"hash":"E7D705A3286E19EA42F587B344EE68%02d"},"ja4":"t\u0031%d"},"payload":"\u0041%d"}`+"\n",
			i, i, i, 1000+i, i, i, i, i, i, i, i)
	}
	opt := Options{Pseudo: testPseudo(t), KeepPayload: true}
	body := []byte(b.String())
	got, err := parse(body, DefaultLimits, opt, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range body {
		body[i] = 'x'
	}
	want, err := parse([]byte(b.String()), DefaultLimits, opt, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Alerts) != 50 {
		t.Fatalf("%d alerts %v", len(want.Alerts), want.Errors)
	}
	compareResults(t, "escaped texts", got, want)
}

// FuzzEVEDecoderMatchesEncodingJSON holds Værn's decoder to encoding/json on random and mutated
// events, seeded from the real files and the tricky cases: the same accept or refuse, the same
// values read.
func FuzzEVEDecoderMatchesEncodingJSON(f *testing.F) {
	for _, c := range decoderCases {
		f.Add([]byte(c))
	}
	for _, data := range realEVEFiles(f) {
		eachEvent(data, func(ev []byte) { f.Add(bytes.Clone(ev)) })
	}
	eachEvent([]byte(ndjson), func(ev []byte) { f.Add(bytes.Clone(ev)) })
	var d eveDecoder
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstEncodingJSON(t, &d, data)
	})
}
