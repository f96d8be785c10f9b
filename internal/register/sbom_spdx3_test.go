package register

import (
	"strings"
	"testing"
)

// An SPDX 3.0 document in the JSON-LD serialisation, written for this test: a document whose SBOM
// has an application as root element, with two packages, one licence by expression.
const spdx3Doc = `{
  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
  "@graph": [
    {"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2026-01-01T00:00:00Z", "createdBy": ["urn:t:tool"]},
    {"type": "SpdxDocument", "spdxId": "urn:t:doc", "creationInfo": "_:ci", "rootElement": ["urn:t:sbom"]},
    {"type": "software_Sbom", "spdxId": "urn:t:sbom", "creationInfo": "_:ci", "rootElement": ["urn:t:app"],
     "element": ["urn:t:app", "urn:t:lib1", "urn:t:lib2"]},
    {"type": "software_Package", "spdxId": "urn:t:app", "creationInfo": "_:ci", "name": "Case Portal", "software_packageVersion": "4.2",
     "software_primaryPurpose": "application"},
    {"type": "software_Package", "spdxId": "urn:t:lib1", "creationInfo": "_:ci", "name": "left-pad", "software_packageVersion": "1.3.0",
     "software_packageUrl": "pkg:npm/left-pad@1.3.0", "software_primaryPurpose": "library"},
    {"type": "software_Package", "spdxId": "urn:t:lib2", "creationInfo": "_:ci", "name": "openssl", "software_packageVersion": "3.0.13",
     "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "cpe23",
       "identifier": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*"}]},
    {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:t:lic-mit", "creationInfo": "_:ci", "simplelicensing_licenseExpression": "MIT"},
    {"type": "Relationship", "spdxId": "urn:t:rel1", "creationInfo": "_:ci", "from": "urn:t:lib1", "relationshipType": "hasConcludedLicense", "to": ["urn:t:lic-mit"]},
    {"type": "Relationship", "spdxId": "urn:t:rel2", "creationInfo": "_:ci", "from": "urn:t:app", "relationshipType": "contains", "to": ["urn:t:lib1", "urn:t:lib2"]}
  ]
}`

func TestParseSPDX3(t *testing.T) {
	doc, err := ParseSBOM(strings.NewReader(spdx3Doc))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != "SPDX-3.0" || doc.Subject.Name != "Case Portal" || doc.Subject.Version != "4.2" {
		t.Errorf("format %q subject %+v", doc.Format, doc.Subject)
	}
	if len(doc.Components) != 2 {
		t.Fatalf("components = %+v, want left-pad and openssl", doc.Components)
	}
	lp, ossl := doc.Components[0], doc.Components[1]
	if lp.Name != "left-pad" || lp.PURL != "pkg:npm/left-pad@1.3.0" || lp.Licence != "MIT" || lp.Kind != "library" {
		t.Errorf("left-pad = %+v", lp)
	}
	if ossl.Name != "openssl" || ossl.CPE != "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*" || ossl.Licence != "" {
		t.Errorf("openssl = %+v", ossl)
	}

	for _, c := range []struct{ doc, want string }{
		{`{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`, `no "@graph"`},
		{`{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [{"type": "software_Package", "spdxId": "x"}]}`, "@graph[0] (a software_Package) has no name"},
		{`{"@context": "https://example.org/other"}`, "neither bomFormat"},
	} {
		_, err := ParseSBOM(strings.NewReader(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSBOM(%.50s) = %v, want an error containing %q", c.doc, err, c.want)
		}
	}
}

// Nesting that would make a parser spend memory without bound is refused before any parser runs,
// in every format ParseSBOM reads.
func TestParseSBOMRefusesDeepNesting(t *testing.T) {
	for _, prefix := range []string{`{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": `,
		`{"spdxVersion": "SPDX-2.3", "packages": `, `{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": `} {
		doc := prefix + strings.Repeat("[", 100000)
		_, err := ParseSBOM(strings.NewReader(doc))
		if err == nil || !strings.Contains(err.Error(), "nested more than 100 levels") {
			t.Errorf("ParseSBOM(%s[[[...) = %v, want the nesting refused", prefix, err)
		}
	}
}
