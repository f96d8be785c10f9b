package register

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/inputguard"
)

// MaxSBOMBytes and MaxComponents bound what one SBOM may hold.
const (
	MaxSBOMBytes  = 64 << 20
	MaxComponents = 200000
)

// SBOMLimits bound an SBOM before the JSON parser sees it. Components may nest in CycloneDX (an
// application bundling libraries bundling libraries), but not 100 levels deep.
var SBOMLimits = inputguard.Limits{MaxBytes: MaxSBOMBytes, MaxDepth: 100, MaxTokens: 8000000,
	Timeout: 60 * time.Second, Expansion: 6}

// SBOM is a parsed bill of materials: its format, the product it describes (when it says) and its
// components.
type SBOM struct {
	Format     string // "CycloneDX 1.5", "SPDX-2.3"
	Subject    vaern.Component
	Components []vaern.Component
}

// ParseSBOM reads a CycloneDX (JSON, spec 1.2 to 1.6; 1.4 to 1.6 are the supported ones, 1.2 and
// 1.3 share their JSON shape) or SPDX 2.3 JSON document. The component that the document
// describes (CycloneDX metadata.component, SPDX documentDescribes) is the system itself, not one of
// its components, and is returned as Subject.
func ParseSBOM(r io.Reader) (SBOM, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSBOMBytes+1))
	if err != nil {
		return SBOM{}, fmt.Errorf("read SBOM: %w", err)
	}
	if len(b) > MaxSBOMBytes {
		return SBOM{}, fileError("sbom_too_large", "the SBOM is larger than %d MiB", MaxSBOMBytes>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if err := SBOMLimits.CheckJSON(b); err != nil {
		return SBOM{}, err
	}
	var probe struct {
		BOMFormat   string          `json:"bomFormat"`
		SpecVersion string          `json:"specVersion"`
		SPDXVersion string          `json:"spdxVersion"`
		Context     json.RawMessage `json:"@context"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return SBOM{}, fileError("sbom_json", "the SBOM is not valid JSON: %s", jsonErr(b, err))
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		switch probe.SpecVersion {
		case "1.2", "1.3", "1.4", "1.5", "1.6":
		default:
			return SBOM{}, fileError("cyclonedx_version", "CycloneDX specVersion %q is not supported (1.4 to 1.6 are)", probe.SpecVersion)
		}
		return parseCycloneDX(b, probe.SpecVersion)
	case probe.SPDXVersion != "":
		if probe.SPDXVersion != "SPDX-2.3" && probe.SPDXVersion != "SPDX-2.2" {
			return SBOM{}, fileError("spdx_version", "spdxVersion %q is not supported (SPDX-2.3 is)", probe.SPDXVersion)
		}
		return parseSPDX(b, probe.SPDXVersion)
	case bytes.Contains(probe.Context, []byte("spdx.org/rdf/3")):
		return parseSPDX3(b)
	}
	return SBOM{}, fileError("sbom_kind", "not a CycloneDX or SPDX JSON document: it has neither bomFormat \"CycloneDX\" nor spdxVersion")
}

// jsonErr names the line of a syntax error.
func jsonErr(b []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset <= int64(len(b)) {
		line := bytes.Count(b[:se.Offset], []byte("\n")) + 1
		return fmt.Sprintf("line %d: %v", line, err)
	}
	return err.Error()
}

type cdxLicence struct {
	License *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"license"`
	Expression string `json:"expression"`
}

type cdxComponent struct {
	Type       string         `json:"type"`
	Group      string         `json:"group"`
	Name       string         `json:"name"`
	Version    string         `json:"version"`
	PURL       string         `json:"purl"`
	CPE        string         `json:"cpe"`
	Licenses   []cdxLicence   `json:"licenses"`
	Components []cdxComponent `json:"components"`
}

func parseCycloneDX(b []byte, spec string) (SBOM, error) {
	var doc struct {
		Metadata struct {
			Component *cdxComponent `json:"component"`
		} `json:"metadata"`
		Components []cdxComponent `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return SBOM{}, fmt.Errorf("CycloneDX %s: %s", spec, jsonErr(b, err))
	}
	out := SBOM{Format: "CycloneDX " + spec}
	if c := doc.Metadata.Component; c != nil {
		out.Subject = cdxToComponent(*c)
	}
	var walk func(cs []cdxComponent, path string) error
	walk = func(cs []cdxComponent, path string) error {
		for i, c := range cs {
			where := fmt.Sprintf("%s[%d]", path, i)
			if len(out.Components) >= MaxComponents {
				return fmt.Errorf("more than %d components", MaxComponents)
			}
			comp := cdxToComponent(c)
			if comp.Name == "" {
				return fmt.Errorf("CycloneDX: %s has no name", where)
			}
			if err := checkComponentIDs(&comp, where); err != nil {
				return err
			}
			out.Components = append(out.Components, comp)
			if err := walk(c.Components, where+".components"); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(doc.Components, "components"); err != nil {
		return SBOM{}, err
	}
	return out, nil
}

func cdxToComponent(c cdxComponent) vaern.Component {
	name := strings.TrimSpace(c.Name)
	if g := strings.TrimSpace(c.Group); g != "" && name != "" {
		name = g + "/" + name
	}
	var lic []string
	for _, l := range c.Licenses {
		switch {
		case l.Expression != "":
			lic = append(lic, l.Expression)
		case l.License != nil && l.License.ID != "":
			lic = append(lic, l.License.ID)
		case l.License != nil && l.License.Name != "":
			lic = append(lic, l.License.Name)
		}
	}
	return vaern.Component{Name: clip(name, 500), Version: clip(strings.TrimSpace(c.Version), 200),
		PURL: strings.TrimSpace(c.PURL), CPE: strings.TrimSpace(c.CPE), Licence: clip(strings.Join(lic, " AND "), 500),
		Kind: clip(c.Type, 50)}
}

// checkComponentIDs keeps a component's identifiers only when they are valid, in canonical form; an
// SBOM from a tool with a sloppy CPE is still worth importing, so a bad identifier is dropped rather
// than failing the whole document.
func checkComponentIDs(c *vaern.Component, _ string) error {
	if c.PURL != "" {
		p, err := CleanPURL(c.PURL)
		if err != nil {
			p = ""
		}
		c.PURL = p
	}
	if c.CPE != "" {
		if _, err := ParseCPE(c.CPE); err != nil {
			c.CPE = ""
		}
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func parseSPDX(b []byte, version string) (SBOM, error) {
	var doc struct {
		DocumentDescribes []string `json:"documentDescribes"`
		Packages          []struct {
			SPDXID           string `json:"SPDXID"`
			Name             string `json:"name"`
			VersionInfo      string `json:"versionInfo"`
			LicenseConcluded string `json:"licenseConcluded"`
			LicenseDeclared  string `json:"licenseDeclared"`
			PrimaryPurpose   string `json:"primaryPackagePurpose"`
			ExternalRefs     []struct {
				Category string `json:"referenceCategory"`
				Type     string `json:"referenceType"`
				Locator  string `json:"referenceLocator"`
			} `json:"externalRefs"`
		} `json:"packages"`
		Relationships []struct {
			Element string `json:"spdxElementId"`
			Type    string `json:"relationshipType"`
			Related string `json:"relatedSpdxElement"`
		} `json:"relationships"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return SBOM{}, fmt.Errorf("%s: %s", version, jsonErr(b, err))
	}
	described := map[string]bool{}
	for _, id := range doc.DocumentDescribes {
		described[id] = true
	}
	for _, r := range doc.Relationships {
		if r.Element == "SPDXRef-DOCUMENT" && r.Type == "DESCRIBES" {
			described[r.Related] = true
		}
		if r.Related == "SPDXRef-DOCUMENT" && r.Type == "DESCRIBED_BY" {
			described[r.Element] = true
		}
	}
	out := SBOM{Format: version}
	for i, p := range doc.Packages {
		if strings.TrimSpace(p.Name) == "" {
			return SBOM{}, fmt.Errorf("%s: packages[%d] has no name", version, i)
		}
		if len(out.Components) >= MaxComponents {
			return SBOM{}, fmt.Errorf("more than %d components", MaxComponents)
		}
		lic := p.LicenseConcluded
		if lic == "" || lic == "NOASSERTION" || lic == "NONE" {
			lic = p.LicenseDeclared
		}
		if lic == "NOASSERTION" || lic == "NONE" {
			lic = ""
		}
		c := vaern.Component{Name: clip(strings.TrimSpace(p.Name), 500), Version: clip(strings.TrimSpace(p.VersionInfo), 200),
			Licence: clip(lic, 500), Kind: clip(strings.ToLower(p.PrimaryPurpose), 50)}
		for _, ref := range p.ExternalRefs {
			switch ref.Type {
			case "purl":
				if c.PURL == "" {
					c.PURL = strings.TrimSpace(ref.Locator)
				}
			case "cpe23Type":
				if c.CPE == "" {
					c.CPE = strings.TrimSpace(ref.Locator)
				}
			}
		}
		if err := checkComponentIDs(&c, fmt.Sprintf("packages[%d]", i)); err != nil {
			return SBOM{}, err
		}
		if described[p.SPDXID] && out.Subject.Name == "" {
			out.Subject = c
			continue
		}
		out.Components = append(out.Components, c)
	}
	return out, nil
}
