package register

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	xunicode "golang.org/x/text/encoding/unicode"
)

// Excel's "Unicode text" and many Windows tools write UTF-16 with a byte order mark.
func TestReadCSVUTF16(t *testing.T) {
	text := "Navn;Systemejer;Fortrolighed\r\nKMD Sag;anne@aarhus.dk;3\r\nØkonomi – Prisme;;2\r\n"
	for _, order := range []xunicode.Endianness{xunicode.LittleEndian, xunicode.BigEndian} {
		data, err := xunicode.UTF16(order, xunicode.UseBOM).NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		tab, err := ReadTable(data)
		if err != nil {
			t.Fatalf("ReadTable(UTF-16 %v): %v", order, err)
		}
		if strings.Join(tab.Header, "|") != "Navn|Systemejer|Fortrolighed" || len(tab.Rows) != 2 || tab.Rows[1][0] != "Økonomi – Prisme" {
			t.Errorf("UTF-16 %v read as %q %q", order, tab.Header, tab.Rows)
		}
	}
	// An odd number of bytes after a UTF-16 BOM is not UTF-16.
	if _, err := ReadTable([]byte("\xff\xfeN\x00a")); err == nil || !strings.Contains(err.Error(), "not valid UTF-16") {
		t.Errorf("broken UTF-16: %v", err)
	}
}

func TestReadTableBounds(t *testing.T) {
	long := strings.Repeat("x", MaxCellChars+1)
	if _, err := ReadTable([]byte("Navn;Noter\nA;" + long + "\n")); err == nil || !strings.Contains(err.Error(), "row 2, column 2: the cell holds more than 32767 characters") {
		t.Errorf("an overlong cell: %v", err)
	}
	// A cell of 32767 characters of several bytes each is within Excel's limit.
	if _, err := ReadTable([]byte("Navn;Noter\nA;" + strings.Repeat("æ", MaxCellChars) + "\n")); err != nil {
		t.Errorf("a full cell of æ: %v", err)
	}

	// A workbook whose sheet nests without end, and one that unpacks to far more than it weighs,
	// are refused before excelize opens them.
	good := xlsxOf(t, [][]any{{"Navn"}, {"A"}})
	withEntry := func(name string, body []byte, declared uint64) []byte {
		zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, f := range zr.File {
			if f.Name == name {
				continue
			}
			w, _ := zw.Create(f.Name)
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			w.Write(b.Bytes())
		}
		if declared == 0 {
			w, _ := zw.Create(name)
			w.Write(body)
		} else {
			// A header that claims what a bomb would unpack to; the guard believes the claim
			// (archive/zip would refuse to unpack more than it) and refuses without unpacking.
			w, _ := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, CompressedSize64: uint64(len(body)), UncompressedSize64: declared})
			w.Write(body)
		}
		zw.Close()
		return buf.Bytes()
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"deep sheet", withEntry("xl/worksheets/sheet1.xml", []byte(`<worksheet><sheetData>`+strings.Repeat("<row>", 100000)), 0), "xl/worksheets/sheet1.xml: the document is nested more than 32 levels deep"},
		{"zip bomb", withEntry("xl/media/bomb.bin", []byte("0"), 300<<20), "the file unpacks to more than 256 MiB"},
	} {
		if len(c.data) > MaxImportBytes {
			t.Fatalf("%s: the test file is %d bytes, over the upload limit", c.name, len(c.data))
		}
		_, err := ReadTable(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
