package knowledge

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/vaern/vaern"
)

// zipOf builds a zip container with the named entries; the first is stored when store is set.
func zipOf(t testing.TB, store bool, entries ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(entries); i += 2 {
		h := &zip.FileHeader{Name: entries[i], Method: zip.Deflate}
		if store && i == 0 {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(entries[i+1]))
	}
	zw.Close()
	return buf.Bytes()
}

func samples(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"a.pdf":  []byte("%PDF-1.7\n%%EOF"),
		"a.png":  []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"a.jpg":  []byte("\xff\xd8\xff\xe0\x00\x10JFIF"),
		"a.docx": zipOf(t, false, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>"),
		"a.xlsx": zipOf(t, false, "[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<workbook/>"),
		"a.odt":  zipOf(t, true, "mimetype", TypeODT, "content.xml", "<office:document-content/>"),
	}
}

func TestSniffAttachment(t *testing.T) {
	want := map[string]string{"a.pdf": TypePDF, "a.png": TypePNG, "a.jpg": TypeJPEG, "a.docx": TypeDOCX, "a.xlsx": TypeXLSX, "a.odt": TypeODT}
	for name, data := range samples(t) {
		got, err := SniffAttachment(name, data)
		if err != nil || got != want[name] {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	for name, data := range map[string][]byte{
		"virus.pdf":  []byte("MZ\x90\x00"),                         // an executable named PDF
		"a.docx":     []byte("%PDF-1.7"),                           // a PDF named DOCX
		"empty.pdf":  nil,                                          // nothing
		"jar.docx":   zipOf(t, false, "META-INF/MANIFEST.MF", "x"), // a zip that is no office file
		"calc.odt":   zipOf(t, true, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", "<x/>"),
		"macro.xlsx": zipOf(t, false, "[Content_Types].xml", "<Types/>", "ppt/presentation.xml", "<p/>"),
		"page.html":  []byte("<html><script>alert(1)</script>"),
		"deep.docx":  zipOf(t, false, "[Content_Types].xml", strings.Repeat("<a>", 1000), "word/document.xml", "<w/>"),
		"big.pdf":    append([]byte("%PDF-"), make([]byte, MaxAttachment)...),
	} {
		if typ, err := SniffAttachment(name, data); err == nil {
			t.Errorf("%s accepted as %s", name, typ)
		} else if ve := (*vaern.ValidationError)(nil); !errors.As(err, &ve) || ve.Field != "file" {
			t.Errorf("%s: %v does not name the file field", name, err)
		}
	}
}

// FuzzSniffAttachment: any bytes under any name get an answer without a panic, and what is
// accepted has one of the six types and a name that agrees with it.
func FuzzSniffAttachment(f *testing.F) {
	for name, data := range samples(f) {
		f.Add(name, data)
	}
	f.Add("x.pdf", []byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		typ, err := SniffAttachment(name, data)
		if err != nil {
			return
		}
		ok := false
		for _, e := range extensions[typ] {
			ok = ok || strings.HasSuffix(strings.ToLower(name), e)
		}
		if !ok {
			t.Fatalf("%q accepted as %s", name, typ)
		}
	})
}

func TestTermsAndHighlight(t *testing.T) {
	if got := Terms(`Adgangs-kontrol "OR" NEAR(x*) æblegrød æblegrød`); strings.Join(got, " ") != "adgangs kontrol or near x æblegrød" {
		t.Fatalf("Terms = %q", got)
	}
	if len(Terms(strings.Repeat("a ", 100))) != 1 || len(Terms("a b c d e f g h i j k")) != MaxTerms {
		t.Fatal("Terms is not bounded")
	}
	s := Snippet("Politikken <b>beskriver</b> adgangskontrollen.\x02", Terms("adgangskontrol politik"))
	if got := string(Highlight(s)); got != "<mark>Politikken</mark> &lt;b&gt;beskriver&lt;/b&gt; <mark>adgangskontrollen</mark>." {
		t.Fatalf("Highlight = %q", got)
	}
	if got := string(Highlight("a\x02b\x02c\x03\x03d\x02e")); got != "a<mark>bc</mark>d<mark>e</mark>" {
		t.Fatalf("unbalanced markers: %q", got)
	}
	long := strings.Repeat("fyld ", 200) + "målet " + strings.Repeat("mere ", 200)
	if sn := Snippet(long, []string{"målet"}); !strings.HasPrefix(sn, "… ") || !strings.Contains(sn, MarkStart+"målet"+MarkEnd) || len([]rune(sn)) > 240 {
		t.Fatalf("snippet of a long text: %q", sn)
	}
}

func TestDiffAndPick(t *testing.T) {
	d := Diff("a\nb\nc", "a\nc\nd")
	var ops []string
	for _, l := range d {
		ops = append(ops, l.Op+l.Text)
	}
	if strings.Join(ops, ",") != " a,-b, c,+d" {
		t.Fatalf("Diff = %v", ops)
	}
	texts := map[string]vaern.PostText{"da": {Title: "Dansk"}, "en": {Title: "English"}}
	for lang, want := range map[string]string{"da": "Dansk/false", "nb": "Dansk/true", "en": "English/false"} {
		p, _, fb := Pick(texts, lang, "da")
		if got := p.Title + "/" + map[bool]string{true: "true", false: "false"}[fb]; got != want {
			t.Errorf("Pick(%s) = %s, want %s", lang, got, want)
		}
	}
}

func TestMayAuthor(t *testing.T) {
	r := Rules{}
	for _, c := range []struct {
		role          vaern.Role
		centre, allow bool
		kind          vaern.PostKind
		want          bool
	}{
		{vaern.RoleCentreAnalyst, true, false, vaern.PostArticle, true},
		{vaern.RoleCoordinator, false, false, vaern.PostArticle, false},
		{vaern.RoleCoordinator, false, true, vaern.PostTemplate, true},
		{vaern.RoleViewer, false, true, vaern.PostArticle, false},
		{vaern.RoleCoordinator, false, false, vaern.PostThread, true},
		{vaern.RoleRespondent, false, true, vaern.PostThread, false},
	} {
		if got := r.MayAuthor(c.role, c.centre, c.allow, c.kind); got != c.want {
			t.Errorf("%+v: %v", c, got)
		}
	}
}

func TestModerationRules(t *testing.T) {
	r := Rules{}
	for _, c := range []struct {
		role   vaern.Role
		centre bool
		want   bool
	}{
		{vaern.RoleCentreAnalyst, true, true},
		{vaern.RoleCentreAdmin, true, true},
		{vaern.RoleCoordinator, false, false},
		{vaern.RoleCentreAnalyst, false, false}, // a centre role acting for another organisation
	} {
		if got := r.MayModerate(c.role, c.centre); got != c.want {
			t.Errorf("MayModerate(%+v) = %v", c, got)
		}
	}
	for in, ok := range map[string]bool{"": false, "   ": false, "spam": true, strings.Repeat("x", MaxReason+1): false} {
		if got, err := r.CleanReason(in); (err == nil) != ok || ok && got != strings.TrimSpace(in) {
			t.Errorf("CleanReason(%.20q) = %q, %v", in, got, err)
		}
	}
}
