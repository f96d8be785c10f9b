package vaern

import "time"

// This file is the warnings module's shared vocabulary: an advisory as Værn keeps it, whatever its
// source (CISA KEV, a CVE JSON 5 record, a CSAF 2.0 document, or the centre's own analysts), the
// products it names, and an exposure (one member system × one advisory) with its life. The
// importers (internal/advisory) produce these types, the matcher (internal/warnings) reads them,
// and the store keeps them.

// AdvisorySource tells where an advisory came from.
type AdvisorySource string

const (
	SourceKEV    AdvisorySource = "kev"    // CISA Known Exploited Vulnerabilities catalogue
	SourceCVE    AdvisorySource = "cve"    // a CVE JSON 5 record
	SourceCSAF   AdvisorySource = "csaf"   // a CSAF 2.0 document (also VEX)
	SourceCentre AdvisorySource = "centre" // written by the centre's analysts
)

// AdvisoryState is where an advisory is in its life.
type AdvisoryState string

const (
	AdvisoryDraft     AdvisoryState = "draft"     // written, not yet matched or told to anyone
	AdvisoryPublished AdvisoryState = "published" // matched against every member's register
	AdvisoryWithdrawn AdvisoryState = "withdrawn" // no longer warns; its exposures are closed
)

// Severity is an advisory's or a vulnerability's severity, from the CVSS base score where there is
// one (CVSS v3/v4 qualitative scale).
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityMedium   Severity = "medium"
	SeverityLow      Severity = "low"
	SeverityNone     Severity = "none"
	SeverityUnknown  Severity = "" // the source gives none
)

// SeverityOf maps a CVSS base score to its qualitative severity.
func SeverityOf(score float64) Severity {
	switch {
	case score >= 9:
		return SeverityCritical
	case score >= 7:
		return SeverityHigh
	case score >= 4:
		return SeverityMedium
	case score > 0:
		return SeverityLow
	}
	return SeverityNone
}

// Advisory is one warning about one or more vulnerabilities in named products.
type Advisory struct {
	ID            int64
	Source        AdvisorySource
	SourceID      string // the CVE id (KEV, CVE), the CSAF tracking id, or the centre's own id
	SourceVersion string // CSAF tracking.version, the CVE record's dateUpdated, KEV's catalogVersion
	Revision      int    // Værn's own revision counter: 1 at the first publication
	State         AdvisoryState
	Title         string
	Summary       string
	// Texts holds the analyst's own wording per language ("da", "nb", "en"); Title and Summary are
	// the source's or the first language's.
	Texts    map[string]AdvisoryText
	Severity Severity
	CVSS     float64 // highest base score over the vulnerabilities, 0 if none
	CVSSVec  string  // its vector string
	// TLP is the TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED); Audience says who it is
	// addressed to, in internal/access's row form ("all", "members:1,2", ...). Imported public
	// feeds are CLEAR to all members.
	TLP      string
	Audience string
	CVEs     []string // every CVE id the advisory covers
	Products []AdvisoryProduct
	// Actions are the recommended actions (CSAF remediations, KEV's requiredAction, the analyst's).
	Actions []AdvisoryAction
	// KnownExploited is KEV's listing or CSAF's threat of category exploit_status; Ransomware is
	// KEV's knownRansomwareCampaignUse = "Known".
	KnownExploited bool
	Ransomware     bool
	Published      time.Time // by the source (KEV dateAdded, CSAF initial_release_date)
	Updated        time.Time // by the source (CSAF current_release_date, CVE dateUpdated)
	Due            time.Time // remediation deadline (KEV dueDate, or the analyst's); zero if none
	// Override lists the CSAF mandatory tests (e.g. "6.1.1") the document failed and that an
	// analyst imported anyway; the advisory shows them.
	Override []string
	Vex      bool // a CSAF VEX document: it may only close or prevent warnings
	// References are the URLs the source points to (CVE references, CSAF references), for the
	// analyst to read on; added by the importers, not matched.
	References []string
	Raw        []byte // the imported document as received (kept for export and audit), nil for centre ones
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AdvisoryText is an analyst's wording of an advisory in one language.
type AdvisoryText struct {
	Title   string
	Summary string
	Actions string
}

// AdvisoryAction is one recommended action, for some of the advisory's products.
type AdvisoryAction struct {
	Category   string   // CSAF remediation category: vendor_fix, mitigation, workaround, no_fix_planned, none_available
	Text       string   // what to do
	URL        string   // where to read more
	ProductIDs []string // AdvisoryProduct.Key values it applies to; empty: all
}

// ProductStatus is what an advisory says about one product (CSAF product_status and CVE status).
type ProductStatus string

const (
	StatusAffected           ProductStatus = "affected"            // CSAF known_affected, CVE affected
	StatusFixed              ProductStatus = "fixed"               // CSAF fixed / first_fixed, CVE unaffected above a fix
	StatusNotAffected        ProductStatus = "not_affected"        // CSAF known_not_affected (VEX), CVE unaffected
	StatusUnderInvestigation ProductStatus = "under_investigation" // CSAF under_investigation, CVE unknown
	StatusRecommended        ProductStatus = "recommended"         // CSAF recommended: the version to move to
)

// AdvisoryProduct is one product (or a range of its versions) an advisory speaks of, with what it
// says about it. The matcher reads only these fields.
type AdvisoryProduct struct {
	Key     string // stable id within the advisory (the CSAF product_id, or one made by the importer)
	Vendor  string // free text as the source writes it ("Microsoft", "Schneider Electric")
	Product string // free text ("Exchange Server", "EcoStruxure Power Build Rapsody")
	// CPE is a CPE 2.3 formatted string (2.2 URIs are converted on import); PURL a package URL.
	// Either may carry a version, or "*" / "-" where the range below says which versions.
	CPE  string
	PURL string
	// Versions is the versions the status applies to; empty means every version of the product.
	Versions []VersionRange
	Status   ProductStatus
	// Justification is the VEX / CSAF flag label (e.g. vulnerable_code_not_present) for a
	// not_affected product.
	Justification string
	// Platform marks a "running on / with" relation (a CPE configuration's platform part or a
	// CSAF relationship's other side): never counted as affected on its own.
	Platform bool
	CVEs     []string // the advisory's CVEs that concern this product; empty: all
}

// VersionRange is one version or range of versions, in the source's own terms. Exactly one of
// Exact, or a lower and/or upper bound, is set.
type VersionRange struct {
	// Scheme names how the versions compare: a purl type ("npm", "maven", "pypi", "deb", "rpm",
	// "nuget", "golang", ...), "semver", "cisco-ios", "windows", "generic" (dotted numbers), or ""
	// when the source names none. CVE's versionType lands here.
	Scheme string
	Exact  string // a single version ("15.2(4)E1", "2019 R2")
	// Introduced is the first version in the range (inclusive); "" or "0" means from the start.
	Introduced string
	// Fixed is the first version no longer in the range (exclusive, CVE lessThan / CSAF "<");
	// LastAffected the last one still in it (inclusive, CVE lessThanOrEqual / CSAF "<=").
	Fixed        string
	LastAffected string
	// Expr keeps the source's text for the evidence ("vers:generic/<2.4.1", "<= 10.0.14393.6897").
	Expr string
}

// ExposureTier is how sure a match is, which decides who hears of it.
type ExposureTier string

const (
	TierExact   ExposureTier = "exact"   // purl or CPE identity and a version in range: the owner is warned
	TierConfirm ExposureTier = "confirm" // vendor and product by name: the owner is asked to confirm
	TierTriage  ExposureTier = "triage"  // a product name alone or a fuzzy name: the centre's triage queue only
)

// ExposureStatus is where an exposure is in its life.
type ExposureStatus string

const (
	ExposureNew          ExposureStatus = "new"
	ExposureAcknowledged ExposureStatus = "acknowledged"
	ExposureMitigated    ExposureStatus = "mitigated"
	ExposurePatched      ExposureStatus = "patched"
	ExposureNotAffected  ExposureStatus = "not_affected" // with a reason
	ExposureRiskAccepted ExposureStatus = "risk_accepted"
	// ExposureClosed is set by Værn, not a person: the advisory was withdrawn, a revision or a VEX
	// statement took the system out of the range, or the system's version moved out of it.
	ExposureClosed ExposureStatus = "closed"
)

// Open reports whether the exposure still asks for action.
func (s ExposureStatus) Open() bool { return s == ExposureNew || s == ExposureAcknowledged }

// Exposure is one member system (or one of its SBOM components) matched by one advisory.
type Exposure struct {
	ID          int64
	OrgID       int64
	SystemID    int64
	SystemName  string // read-only, joined
	ComponentID int64  // 0 when the system itself matched
	AdvisoryID  int64
	SourceID    string // read-only, joined from the advisory
	ProductKey  string // the AdvisoryProduct.Key that matched
	Tier        ExposureTier
	Status      ExposureStatus
	// Evidence explains the match in words: which field of the system or component matched which
	// product of the advisory, and which range.
	Evidence string
	// RangeKey identifies the matched range, so an acknowledgement survives a re-import that
	// matches the same system with the same range.
	RangeKey     string
	Reason       string    // for not_affected, risk_accepted, mitigated
	AcceptedBy   int64     // risk accepted by whom
	AcceptedTill time.Time // and until when
	Due          time.Time
	FirstSeen    time.Time
	AckedAt      time.Time
	ResolvedAt   time.Time
	UpdatedAt    time.Time
}
