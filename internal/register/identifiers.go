// Package register holds the system and risk register's logic that is more than storage: CPE and
// purl validation, SBOM parsing, the spreadsheet importer and exporter, the risk matrix and the
// built-in threat catalogue. It is pure: no database, no HTTP.
package register

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// The CPE 2.3 formatted-string grammar of NISTIR 7695 (figure 6-3), as in the official schema.
const (
	cpeAV   = `(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#$%&'\(\)\+,/:;<=>@\[\]\^` + "`" + `\{\|}~]))+(\?*|\*?))|[\*\-])`
	cpeLang = `(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-])`
)

var cpe23 = regexp.MustCompile(`^cpe:2\.3:[aho\*\-](:` + cpeAV + `){5}(:` + cpeLang + `)(:` + cpeAV + `){4}$`)

// CPE is a parsed CPE 2.3 formatted string.
type CPE struct {
	Part, Vendor, Product, Version string
}

// ParseCPE validates a CPE 2.3 formatted string and returns its main attributes. The vendor and
// product must be named: a CPE that matches every product identifies no system.
func ParseCPE(s string) (CPE, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "cpe:/") {
		return CPE{}, errors.New("is a CPE 2.2 URI; write it as a CPE 2.3 formatted string (cpe:2.3:...)")
	}
	if !strings.HasPrefix(s, "cpe:2.3:") {
		return CPE{}, errors.New("must start with cpe:2.3:")
	}
	if !cpe23.MatchString(s) {
		parts := splitCPE(s)
		if len(parts) != 13 {
			return CPE{}, fmt.Errorf("has %d fields, a CPE 2.3 name has 13 (cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other)", len(parts))
		}
		return CPE{}, errors.New("is not a valid CPE 2.3 formatted string (special characters must be escaped with \\)")
	}
	parts := splitCPE(s)
	c := CPE{Part: parts[2], Vendor: unescapeCPE(parts[3]), Product: unescapeCPE(parts[4]), Version: unescapeCPE(parts[5])}
	if parts[3] == "*" || parts[3] == "-" || parts[4] == "*" || parts[4] == "-" {
		return c, errors.New("must name the vendor and the product")
	}
	return c, nil
}

// splitCPE splits on colons that are not escaped.
func splitCPE(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func unescapeCPE(v string) string {
	if v == "*" || v == "-" {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// CleanCPE validates an optional CPE and returns it trimmed ("" stays "").
func CleanCPE(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	_, err := ParseCPE(s)
	return s, err
}

// CleanPURL validates an optional package URL and returns it in canonical form ("" stays "").
func CleanPURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if !strings.HasPrefix(s, "pkg:") {
		return "", errors.New("must start with pkg: (e.g. pkg:npm/lodash@4.17.21)")
	}
	p, err := packageurl.FromString(s)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "purl: ")
		return "", fmt.Errorf("is not a valid package URL: %s", msg)
	}
	if p.Type == "" || p.Name == "" {
		return "", errors.New("must name a type and a package (pkg:TYPE/NAME)")
	}
	return p.ToString(), nil
}
