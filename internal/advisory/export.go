package advisory

import (
	"errors"

	"github.com/vaern/vaern"
)

// Publisher is the CSAF document.publisher of an exported advisory: the centre.
type Publisher struct {
	Name           string // "KommuneCERT"
	Namespace      string // "https://cert.example.kommune.dk"
	Category       string // CSAF publisher category; "coordinator" when empty
	ContactDetails string
	IssuingAuth    string
}

// ExportCSAF writes a centre advisory as a CSAF 2.0 csaf_security_advisory.
func ExportCSAF(a vaern.Advisory, pub Publisher) ([]byte, error) {
	return nil, errors.New("not implemented yet")
}
