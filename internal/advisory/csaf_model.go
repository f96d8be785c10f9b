package advisory

import "encoding/json"

// The CSAF 2.0 document as Værn reads it: the fields the import and the mandatory tests need.
// gocsaf's own model (csaf.Advisory) is not used for reading, because the tests need every list
// in document order with its index for the JSON path, and unknown enum values must reach the
// tests instead of failing the decoder; gocsaf validates the schema.

type csafDoc struct {
	Document        csafDocument        `json:"document"`
	ProductTree     *csafProductTree    `json:"product_tree"`
	Vulnerabilities []csafVulnerability `json:"vulnerabilities"`
	// hasVulnerabilities tells an absent vulnerabilities list from an empty one (6.1.27.3).
	hasVulnerabilities bool
}

type csafDocument struct {
	Category          string `json:"category"`
	CSAFVersion       string `json:"csaf_version"`
	Lang              string `json:"lang"`
	SourceLang        string `json:"source_lang"`
	Title             string `json:"title"`
	AggregateSeverity *struct {
		Text      string `json:"text"`
		Namespace string `json:"namespace"`
	} `json:"aggregate_severity"`
	Distribution *struct {
		Text string `json:"text"`
		TLP  *struct {
			Label string `json:"label"`
			URL   string `json:"url"`
		} `json:"tlp"`
	} `json:"distribution"`
	Publisher struct {
		Category         string `json:"category"`
		Name             string `json:"name"`
		Namespace        string `json:"namespace"`
		ContactDetails   string `json:"contact_details"`
		IssuingAuthority string `json:"issuing_authority"`
	} `json:"publisher"`
	Tracking struct {
		ID                 string         `json:"id"`
		Version            string         `json:"version"`
		Status             string         `json:"status"`
		InitialReleaseDate string         `json:"initial_release_date"`
		CurrentReleaseDate string         `json:"current_release_date"`
		RevisionHistory    []csafRevision `json:"revision_history"`
		Aliases            []string       `json:"aliases"`
		Generator          *struct {
			Date   string `json:"date"`
			Engine struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"engine"`
		} `json:"generator"`
	} `json:"tracking"`
	Notes      []csafNote      `json:"notes"`
	References []csafReference `json:"references"`
}

type csafRevision struct {
	Date          string `json:"date"`
	Number        string `json:"number"`
	Summary       string `json:"summary"`
	LegacyVersion string `json:"legacy_version,omitempty"`
}

type csafNote struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title,omitempty"`
	Audience string `json:"audience,omitempty"`
}

type csafReference struct {
	Category string `json:"category,omitempty"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

type csafProductTree struct {
	Branches         []csafBranch       `json:"branches,omitempty"`
	FullProductNames []csafProduct      `json:"full_product_names,omitempty"`
	ProductGroups    []csafProductGroup `json:"product_groups,omitempty"`
	Relationships    []csafRelationship `json:"relationships,omitempty"`
}

type csafBranch struct {
	Category string       `json:"category"`
	Name     string       `json:"name"`
	Product  *csafProduct `json:"product,omitempty"`
	Branches []csafBranch `json:"branches,omitempty"`
}

type csafProduct struct {
	Name      string      `json:"name"`
	ProductID string      `json:"product_id"`
	Helper    *csafHelper `json:"product_identification_helper,omitempty"`
}

type csafHelper struct {
	CPE           string       `json:"cpe,omitempty"`
	PURL          string       `json:"purl,omitempty"`
	Hashes        []csafHashes `json:"hashes,omitempty"`
	ModelNumbers  []string     `json:"model_numbers,omitempty"`
	SBOMURLs      []string     `json:"sbom_urls,omitempty"`
	SerialNumbers []string     `json:"serial_numbers,omitempty"`
	SKUs          []string     `json:"skus,omitempty"`
}

type csafHashes struct {
	FileHashes []struct {
		Algorithm string `json:"algorithm"`
		Value     string `json:"value"`
	} `json:"file_hashes"`
	Filename string `json:"filename"`
}

type csafProductGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
	Summary    string   `json:"summary,omitempty"`
}

type csafRelationship struct {
	Category                  string      `json:"category"`
	FullProductName           csafProduct `json:"full_product_name"`
	ProductReference          string      `json:"product_reference"`
	RelatesToProductReference string      `json:"relates_to_product_reference"`
}

type csafVulnerability struct {
	CVE string `json:"cve,omitempty"`
	CWE *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"cwe,omitempty"`
	IDs []struct {
		SystemName string `json:"system_name"`
		Text       string `json:"text"`
	} `json:"ids,omitempty"`
	Title         string             `json:"title,omitempty"`
	Notes         []csafNote         `json:"notes,omitempty"`
	References    []csafReference    `json:"references,omitempty"`
	Flags         []csafFlag         `json:"flags,omitempty"`
	Involvements  []csafInvolvement  `json:"involvements,omitempty"`
	ProductStatus *csafProductStatus `json:"product_status,omitempty"`
	Remediations  []csafRemediation  `json:"remediations,omitempty"`
	Scores        []csafScore        `json:"scores,omitempty"`
	Threats       []csafThreat       `json:"threats,omitempty"`
	ReleaseDate   string             `json:"release_date,omitempty"`
}

type csafFlag struct {
	Label      string   `json:"label"`
	Date       string   `json:"date,omitempty"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

type csafInvolvement struct {
	Party  string `json:"party"`
	Status string `json:"status"`
	Date   string `json:"date,omitempty"`
}

type csafProductStatus struct {
	FirstAffected      []string `json:"first_affected,omitempty"`
	FirstFixed         []string `json:"first_fixed,omitempty"`
	Fixed              []string `json:"fixed,omitempty"`
	KnownAffected      []string `json:"known_affected,omitempty"`
	KnownNotAffected   []string `json:"known_not_affected,omitempty"`
	LastAffected       []string `json:"last_affected,omitempty"`
	Recommended        []string `json:"recommended,omitempty"`
	UnderInvestigation []string `json:"under_investigation,omitempty"`
}

type csafRemediation struct {
	Category   string   `json:"category"`
	Details    string   `json:"details"`
	URL        string   `json:"url,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	Date       string   `json:"date,omitempty"`
}

type csafScore struct {
	Products []string        `json:"products"`
	CVSSv2   json.RawMessage `json:"cvss_v2,omitempty"`
	CVSSv3   json.RawMessage `json:"cvss_v3,omitempty"`
}

type csafThreat struct {
	Category   string   `json:"category"`
	Details    string   `json:"details"`
	Date       string   `json:"date,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
	GroupIDs   []string `json:"group_ids,omitempty"`
}

// statusLists names each product_status list with its JSON key, in the standard's order.
func (ps *csafProductStatus) lists() []struct {
	key string
	ids []string
} {
	return []struct {
		key string
		ids []string
	}{
		{"first_affected", ps.FirstAffected}, {"first_fixed", ps.FirstFixed}, {"fixed", ps.Fixed},
		{"known_affected", ps.KnownAffected}, {"known_not_affected", ps.KnownNotAffected},
		{"last_affected", ps.LastAffected}, {"recommended", ps.Recommended},
		{"under_investigation", ps.UnderInvestigation},
	}
}
