package report

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/export"
)

// Formats are the export formats, as the format parameter names them.
var Formats = []string{"pdf", "xlsx", "csv", "json"}

// ValidFormat checks an export format.
func ValidFormat(f string) error {
	for _, x := range Formats {
		if f == x {
			return nil
		}
	}
	return vaern.Invalid("format", "must be pdf, xlsx, csv or json")
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName makes a download name such as vaern-aarhus-2025.pdf.
func FileName(parts ...string) string {
	s := strings.ToLower(strings.Join(parts, "-"))
	s = strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", " ", "-").Replace(s)
	s = strings.Trim(unsafeName.ReplaceAllString(s, ""), "-")
	return "vaern-" + s
}

// Write renders doc (or js for JSON) in format as a download named name.
func Write(w http.ResponseWriter, format string, doc export.Doc, js any, name string) error {
	var b []byte
	var err error
	var ctype string
	switch format {
	case "pdf":
		b, err = export.PDF(doc, export.PDFOptions{})
		ctype = "application/pdf"
	case "xlsx":
		b, err = export.XLSX(doc)
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "csv":
		b, err = export.CSV(doc.CSV)
		ctype = "text/csv; charset=utf-8"
	case "json":
		b, err = export.JSON(js)
		ctype = "application/json"
	default:
		return ValidFormat(format)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}
