package framework

import (
	"fmt"
	"regexp"
	"strconv"
)

// refScheme describes one external catalogue a question can reference.
type refScheme struct {
	name    string
	title   string
	pattern *regexp.Regexp
	example string
	// check refines the pattern (ranges the pattern cannot express).
	check func(id string) bool
}

var refSchemes = []refScheme{
	{
		name:    "cis",
		title:   "CIS Controls v8 safeguard",
		pattern: regexp.MustCompile(`^([1-9]|1[0-8])\.[1-9][0-9]?$`),
		example: "4.1 (control 1..18, safeguard)",
	},
	{
		name:    "iso27001",
		title:   "ISO/IEC 27001:2022 Annex A control",
		pattern: regexp.MustCompile(`^A\.[5-8]\.[1-9][0-9]?$`),
		example: "A.5.1 .. A.5.37, A.6.1 .. A.6.8, A.7.1 .. A.7.14, A.8.1 .. A.8.34",
		check: func(id string) bool {
			n, err := strconv.Atoi(id[4:])
			if err != nil {
				return false
			}
			limit := map[byte]int{'5': 37, '6': 8, '7': 14, '8': 34}[id[2]]
			return n <= limit
		},
	},
	{
		name:    "nis2",
		title:   "NIS2 Directive Art. 21(2) letter",
		pattern: regexp.MustCompile(`^21\.2\.[a-j]$`),
		example: "21.2.a .. 21.2.j",
	},
	{
		name:    "nist-csf",
		title:   "NIST CSF 2.0 subcategory",
		pattern: regexp.MustCompile(`^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-[0-9]{2}$`),
		example: "GV.OC-01, PR.AA-01",
	},
	{
		name:    "nsm",
		title:   "NSM grunnprinsipper for IKT-sikkerhet 2.x measure",
		pattern: regexp.MustCompile(`^[1-4]\.[1-9][0-9]?\.[1-9][0-9]?$`),
		example: "1.1.1 (category.principle.measure)",
	},
	{
		name:    "oscal",
		title:   "control of an imported OSCAL catalogue",
		pattern: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}#[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$`),
		example: "catalogue#control-id, e.g. nist-sp-800-53#ac-2.1",
	},
}

func findScheme(name string) *refScheme {
	for i := range refSchemes {
		if refSchemes[i].name == name {
			return &refSchemes[i]
		}
	}
	return nil
}

func schemeNames() string {
	s := ""
	for i, r := range refSchemes {
		if i > 0 {
			s += ", "
		}
		s += r.name
	}
	return s
}

// Valid reports whether the scheme is known and the id is well formed for it.
func (r Ref) Valid() error {
	s := findScheme(r.Scheme)
	if s == nil {
		return fmt.Errorf("unknown reference scheme %q (known: %s)", r.Scheme, schemeNames())
	}
	if !s.pattern.MatchString(r.ID) || (s.check != nil && !s.check(r.ID)) {
		return fmt.Errorf("%q is not a valid %s id (%s; e.g. %s)", r.ID, r.Scheme, s.title, s.example)
	}
	return nil
}
