package register

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vaern/vaern"
)

// spdx3Element holds the properties of an SPDX 3.0 graph element that the importer reads; one
// struct serves every element type since JSON-LD puts them all in one list.
type spdx3Element struct {
	Type        string   `json:"type"`
	ID          string   `json:"spdxId"`
	Name        string   `json:"name"`
	Version     string   `json:"software_packageVersion"`
	PURL        string   `json:"software_packageUrl"`
	Purpose     string   `json:"software_primaryPurpose"`
	RootElement []string `json:"rootElement"`
	// Relationship
	From    string   `json:"from"`
	RelType string   `json:"relationshipType"`
	To      []string `json:"to"`
	// simplelicensing_LicenseExpression
	Expression  string `json:"simplelicensing_licenseExpression"`
	ExternalIDs []struct {
		Type       string `json:"externalIdentifierType"`
		Identifier string `json:"identifier"`
	} `json:"externalIdentifier"`
}

// parseSPDX3 reads an SPDX 3.0 JSON-LD document: its software_Package elements are the
// components, except the one the document's SBOM names as its root element, which is the system
// itself. Licences come from hasConcludedLicense (or else hasDeclaredLicense) relationships.
func parseSPDX3(b []byte) (SBOM, error) {
	const format = "SPDX-3.0"
	var doc struct {
		Graph []spdx3Element `json:"@graph"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return SBOM{}, fmt.Errorf("%s: %s", format, jsonErr(b, err))
	}
	if len(doc.Graph) == 0 {
		return SBOM{}, errors.New(`SPDX-3.0: the document has no "@graph" list of elements`)
	}
	byID := make(map[string]*spdx3Element, len(doc.Graph))
	for i := range doc.Graph {
		if id := doc.Graph[i].ID; id != "" {
			byID[id] = &doc.Graph[i]
		}
	}
	roots := map[string]bool{}
	concluded, declared := map[string]string{}, map[string]string{}
	for _, e := range doc.Graph {
		switch e.Type {
		case "software_Sbom", "SpdxDocument":
			for _, id := range e.RootElement {
				roots[id] = true
				// A document's root is usually its SBOM, whose root is the product.
				if r, ok := byID[id]; ok && r.Type == "software_Sbom" {
					for _, rid := range r.RootElement {
						roots[rid] = true
					}
				}
			}
		case "Relationship":
			var lic []string
			for _, to := range e.To {
				if l, ok := byID[to]; ok && l.Expression != "" {
					lic = append(lic, l.Expression)
				}
			}
			switch e.RelType {
			case "hasConcludedLicense":
				concluded[e.From] = strings.Join(lic, " AND ")
			case "hasDeclaredLicense":
				declared[e.From] = strings.Join(lic, " AND ")
			}
		}
	}
	out := SBOM{Format: format}
	for i, e := range doc.Graph {
		if e.Type != "software_Package" {
			continue
		}
		where := fmt.Sprintf("@graph[%d]", i)
		if strings.TrimSpace(e.Name) == "" {
			return SBOM{}, fmt.Errorf("%s: %s (a software_Package) has no name", format, where)
		}
		if len(out.Components) >= MaxComponents {
			return SBOM{}, fmt.Errorf("more than %d components", MaxComponents)
		}
		lic := concluded[e.ID]
		if lic == "" || lic == "NOASSERTION" {
			lic = declared[e.ID]
		}
		if lic == "NOASSERTION" || lic == "NONE" {
			lic = ""
		}
		c := vaern.Component{Name: clip(strings.TrimSpace(e.Name), 500), Version: clip(strings.TrimSpace(e.Version), 200),
			PURL: strings.TrimSpace(e.PURL), Licence: clip(lic, 500), Kind: clip(strings.ToLower(e.Purpose), 50)}
		for _, x := range e.ExternalIDs {
			switch x.Type {
			case "packageUrl":
				if c.PURL == "" {
					c.PURL = strings.TrimSpace(x.Identifier)
				}
			case "cpe23":
				if c.CPE == "" {
					c.CPE = strings.TrimSpace(x.Identifier)
				}
			}
		}
		if err := checkComponentIDs(&c, where); err != nil {
			return SBOM{}, err
		}
		if roots[e.ID] && out.Subject.Name == "" {
			out.Subject = c
			continue
		}
		out.Components = append(out.Components, c)
	}
	return out, nil
}
