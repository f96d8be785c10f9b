package inputguard

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

var testLimits = Limits{MaxBytes: 1 << 20, MaxDepth: 16, MaxTokens: 1000}

func TestChecks(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  string
		json bool
		kind Kind
		line int
	}{
		{"flow nesting", strings.Repeat("[", 100000), false, TooDeep, 1},
		{"flow nesting as JSON", strings.Repeat("[", 100000), true, TooDeep, 1},
		{"objects", "{\"a\":\n" + strings.Repeat(`{"a":`, 20), true, TooDeep, 2},
		{"block nesting", nestedBlock(20), false, TooDeep, 17},
		{"compact sequences", "- " + strings.Repeat("- ", 20) + "x", false, TooDeep, 1},
		{"many values", strings.Repeat("- a\n", 2000), false, TooManyTokens, 501}, // "- " and "a": two values a line
		{"many JSON values", "[" + strings.Repeat("1,", 2000) + "1]", true, TooManyTokens, 1},
		{"too large", strings.Repeat(" ", 2<<20), false, TooLarge, 0},
		{"flow after a key, after text with brackets", "title: see [1]\nx: " + strings.Repeat("{a: ", 20), false, TooDeep, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			check := testLimits.CheckYAML
			if c.json {
				check = testLimits.CheckJSON
			}
			err := check([]byte(c.doc))
			var ge *Error
			if !errors.As(err, &ge) || ge.Kind != c.kind || ge.Line != c.line || !errors.Is(err, ErrRefused) {
				t.Errorf("got %v (%+v), want kind %d on line %d", err, ge, c.kind, c.line)
			}
		})
	}
	// What a parser would not read as nesting does not count.
	for _, doc := range []string{
		"text: \"" + strings.Repeat("[", 500) + "\"\n",
		"text: '" + strings.Repeat("{", 500) + "''s'\n",
		"text: |\n  " + strings.Repeat("[", 500) + "\n  more\nnext: 1\n",
		"- key: >-\n    " + strings.Repeat("[", 500) + "\n  other: fine\n",
		"# " + strings.Repeat("[", 500) + "\nplain: a [b] c " + strings.Repeat("[", 500) + "\n",
		"url: http://example.org/a:b [x\n",
		"a:\n  b:\n    c: [1, [2, {d: e}]]\n",
	} {
		if err := testLimits.CheckYAML([]byte(doc)); err != nil {
			t.Errorf("CheckYAML(%.40q) = %v, want accepted", doc, err)
		}
	}
	if err := testLimits.CheckJSON([]byte(`{"a": "` + strings.Repeat(`[\"`, 500) + `"}`)); err != nil {
		t.Errorf("brackets in a JSON string counted: %v", err)
	}
}

func nestedBlock(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	return b.String()
}

func TestCheckXML(t *testing.T) {
	ok := `<?xml version="1.0"?><!-- <a><a><a> --><r a="x>y" b='/'><![CDATA[<a><a><a>]]><e/><e></e></r>`
	if err := (Limits{MaxDepth: 2}).CheckXML([]byte(ok)); err != nil {
		t.Errorf("CheckXML(%s) = %v", ok, err)
	}
	for _, c := range []struct {
		doc  string
		kind Kind
	}{
		{strings.Repeat("<a>", 100000), TooDeep},
		{"<r>" + strings.Repeat("<e/>", 2000) + "</r>", TooManyTokens},
		{`<!DOCTYPE r [<!ENTITY x "y">]><r/>`, Doctype},
		{`<!x>`, Malformed},
	} {
		var ge *Error
		if err := testLimits.CheckXML([]byte(c.doc)); !errors.As(err, &ge) || ge.Kind != c.kind {
			t.Errorf("CheckXML(%.30q) = %v, want kind %d", c.doc, err, c.kind)
		}
	}
}

func TestCheckZip(t *testing.T) {
	zipOf := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range files {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		return buf.Bytes()
	}
	z := ZipLimits{MaxFiles: 3, MaxUnpacked: 1 << 20, XML: Limits{MaxDepth: 8}}
	if err := (Limits{}).CheckZip(zipOf(map[string]string{"xl/workbook.xml": "<w><s/></w>", "a.bin": "x"}), z); err != nil {
		t.Errorf("a small workbook: %v", err)
	}
	for _, c := range []struct {
		files map[string]string
		kind  Kind
	}{
		{map[string]string{"a": "", "b": "", "c": "", "d": ""}, ZipTooManyFiles},
		{map[string]string{"bomb.bin": strings.Repeat("0", 2<<20)}, ZipTooLarge},
		{map[string]string{"xl/worksheets/sheet1.xml": strings.Repeat("<c>", 50)}, TooDeep},
	} {
		var ge *Error
		if err := (Limits{}).CheckZip(zipOf(c.files), z); !errors.As(err, &ge) || ge.Kind != c.kind {
			t.Errorf("CheckZip(%d files) = %v, want kind %d", len(c.files), err, c.kind)
		}
	}
	if err := (Limits{}).CheckZip([]byte("PK\x03\x04 not a zip"), z); err == nil {
		t.Error("a damaged zip was accepted")
	}
}

// The guard itself must be cheap: it allocates nothing that grows with the input.
func TestCheckAllocatesLittle(t *testing.T) {
	doc := []byte(strings.Repeat("- [a, {b: 'c'}]\n", 50000))
	l := Limits{MaxDepth: 64, MaxTokens: 10000000}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		if err := l.CheckYAML(doc); err != nil {
			t.Fatal(err)
		}
		if err := l.CheckJSON(doc); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("20 checks of %d KB allocated %d bytes", len(doc)>>10, n)
	}
}

// astDepth measures the nesting goccy/go-yaml built, stopping past limit.
func astDepth(n ast.Node, limit int) int {
	if n == nil || limit < 0 {
		return 0
	}
	best := 0
	visit := func(c ast.Node) { best = max(best, astDepth(c, limit-1)) }
	switch v := n.(type) {
	case *ast.MappingNode:
		for _, mv := range v.Values {
			visit(mv.Value)
		}
	case *ast.MappingValueNode:
		visit(v.Value)
	case *ast.SequenceNode:
		for _, it := range v.Values {
			visit(it)
		}
	case *ast.AnchorNode:
		return astDepth(v.Value, limit)
	case *ast.TagNode:
		return astDepth(v.Value, limit)
	default:
		return 0
	}
	return best + 1
}

func jsonDepth(v any) int {
	best := 0
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			best = max(best, jsonDepth(x))
		}
	case map[string]any:
		for _, x := range t {
			best = max(best, jsonDepth(x))
		}
	default:
		return 0
	}
	return best + 1
}

// buildDoc makes a deep and wide document from fuzz parameters: depth levels of one of several
// nesting styles, each level width items wide, wrapped in one of the constructs the YAML scanner
// must see through.
func buildDoc(depth, width uint16, style, wrap uint8, leaf string) string {
	depth, width = depth%400, width%20+1
	open, sep, cls := "[", ", ", "]"
	switch style % 4 {
	case 1:
		open, sep, cls = "{k: ", ", j: ", "}"
	case 2:
		open, sep, cls = "[", ",\n", "]"
	case 3:
		open, sep, cls = "{\"k\": ", ", \"j\": ", "}"
	}
	var b strings.Builder
	for range depth {
		b.WriteString(open)
		for range width - 1 {
			b.WriteString(leaf + sep)
		}
	}
	b.WriteString(leaf)
	for range depth {
		b.WriteString(cls)
	}
	body := b.String()
	switch wrap % 5 {
	case 1:
		return "key: " + body + "\n"
	case 2:
		return "- " + strings.Repeat("- ", int(depth%50)) + body + "\n"
	case 3:
		return "text: |\n  " + body + "\nafter: " + body + "\n"
	case 4:
		return nestedBlock(int(depth%80)) + strings.Repeat(" ", int(depth%80)) + "v: " + body + "\n"
	}
	return body
}

// FuzzCheck holds the guard to its promise: whatever it accepts, the parsers that run next build
// no deeper than the limit, and what it refuses is refused with an *Error.
func FuzzCheck(f *testing.F) {
	f.Add(uint16(100), uint16(1), uint8(0), uint8(0), "a")
	f.Add(uint16(10), uint16(5), uint8(1), uint8(1), "'x, [y'")
	f.Add(uint16(70), uint16(2), uint8(2), uint8(2), "1")
	f.Add(uint16(30), uint16(3), uint8(3), uint8(3), "\"q\"")
	f.Add(uint16(60), uint16(1), uint8(0), uint8(4), "b # [[[")
	f.Add(uint16(399), uint16(19), uint8(1), uint8(1), "[")
	f.Fuzz(func(t *testing.T, depth, width uint16, style, wrap uint8, leaf string) {
		if len(leaf) > 20 {
			leaf = leaf[:20]
		}
		doc := []byte(buildDoc(depth, width, style, wrap, leaf))
		l := Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxTokens: 20000}
		err := l.CheckYAML(doc)
		var ge *Error
		if err != nil && !errors.As(err, &ge) {
			t.Fatalf("CheckYAML returned %T %v", err, err)
		}
		if err == nil {
			file, perr := parser.ParseBytes(doc, 0)
			if perr == nil {
				for _, d := range file.Docs {
					if got := astDepth(d.Body, 200); got > l.MaxDepth+1 {
						t.Fatalf("the guard accepted a document goccy/go-yaml nests %d deep:\n%.300s", got, doc)
					}
				}
			}
		}
		if jerr := l.CheckJSON(doc); jerr == nil {
			var v any
			if json.Unmarshal(doc, &v) == nil && jsonDepth(v) > l.MaxDepth {
				t.Fatalf("CheckJSON accepted a document %d deep", jsonDepth(v))
			}
		}
	})
}

// FuzzCheckBytes is FuzzCheck's promise for arbitrary input rather than generated shapes.
func FuzzCheckBytes(f *testing.F) {
	for _, s := range []string{"a: [b, {c: d}]", "- - - [x]", "k: |\n  [[\nj: [[", "'[': [\"]\", [']']]", "? [a]\n: {b: [c]}", "a: &x [1]\nb: *x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if len(doc) > 4096 {
			return
		}
		l := Limits{MaxDepth: 8, MaxTokens: 2000}
		if l.CheckYAML(doc) != nil {
			return
		}
		file, err := parser.ParseBytes(doc, 0)
		if err != nil {
			return
		}
		for _, d := range file.Docs {
			if got := astDepth(d.Body, 100); got > l.MaxDepth+1 {
				t.Fatalf("the guard accepted a document goccy/go-yaml nests %d deep:\n%q", got, doc)
			}
		}
	})
}
