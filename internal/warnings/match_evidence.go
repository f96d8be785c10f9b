package warnings

import (
	"fmt"
	"strings"
)

// Field names one field of an asset or of an advisory product, as the evidence cites it. The
// values are stable identifiers (for translation keys), not display text.
type Field string

const (
	FieldPURL          Field = "purl"           // the package URL
	FieldCPE           Field = "cpe"            // the CPE name
	FieldVendorProduct Field = "vendor_product" // vendor and product together, as names
	FieldProduct       Field = "product"        // the product name alone
	FieldName          Field = "name"           // the asset's free-text name
)

// Rule names how the identity matched.
type Rule string

const (
	RulePURL        Rule = "purl"         // same purl type, namespace and name
	RuleCPE         Rule = "cpe"          // same CPE part, vendor and product (NISTIR 7696), other attributes not disjoint
	RuleName        Rule = "name"         // vendor and product equal after normalisation
	RuleAlias       Rule = "alias"        // vendor and product equal after an alias
	RuleProductOnly Rule = "product_only" // product equal, one side has no vendor
	RuleFuzzy       Rule = "fuzzy"        // every distinctive word of the product in the asset's product or name
)

// Verdict is what the version comparison said.
type Verdict string

const (
	VerdictInRange       Verdict = "in_range"       // the asset's version is in one of the ranges
	VerdictAllVersions   Verdict = "all_versions"   // the statement names no versions: every version
	VerdictOutOfRange    Verdict = "out_of_range"   // outside every range, and not at or above a fix
	VerdictFixed         Verdict = "fixed"          // at or above a range's fixed bound (or above its last affected)
	VerdictUnknown       Verdict = "unknown"        // the asset has no version
	VerdictNotComparable Verdict = "not_comparable" // the version cannot be compared under the scheme
)

// Evidence says why a match was made, in parts that the UI can translate and in English
// (Text) for the API.
type Evidence struct {
	AssetField    Field  // which field of the asset matched
	AssetValue    string // its value, as the register has it
	AdvisoryField Field  // which field of the advisory product it matched
	AdvisoryValue string // its value, as the advisory has it
	Rule          Rule
	// Alias is the canonical name when Rule is RuleAlias ("microsoft exchange server").
	Alias string
	// Range is the text of the range that decided ("< 4.17.21", "vers:npm/<4.17.21"), "" when
	// the statement names no versions.
	Range string
	// Scheme is the version rule used ("npm", "maven", "windows", "cisco-ios", "generic", ...).
	Scheme  string
	Version string // the asset's version that was compared
	Verdict Verdict
	// Status is the advisory product's status (affected, fixed, not_affected, ...).
	Status string
	// Justification is the VEX justification of a not_affected statement.
	Justification string
	// Note says more where the verdict alone would puzzle ("the release is known, its patch
	// level is not"), in English; NoteKey names it for translation (the first note when there
	// are two).
	Note    string
	NoteKey NoteKey
}

// NoteKey names an evidence note.
type NoteKey string

const (
	NotePatchLevelUnknown NoteKey = "patch_level_unknown" // a Windows release without its revision, a bound inside the build
	NoteOtherTrain        NoteKey = "other_train"         // Cisco IOS versions of two trains
	NoteNotOrdered        NoteKey = "not_ordered"         // the scheme cannot order the two (unknown suffixes, ...)
	NoteNotAVersion       NoteKey = "not_a_version"       // the asset's version is no version of the scheme ("latest")
	NoteUpdateUnnamed     NoteKey = "update_unnamed"      // the advisory's CPE names an update, the asset's none
	NoteClosedByOther     NoteKey = "closed_by_other"     // ApplyVEX: another advisory's statement closed it
)

var fieldText = map[Field]string{
	FieldPURL:          "purl",
	FieldCPE:           "CPE",
	FieldVendorProduct: "vendor and product",
	FieldProduct:       "product",
	FieldName:          "name",
}

var verdictText = map[Verdict]string{
	VerdictInRange:       "is in range",
	VerdictAllVersions:   "is affected (the advisory names every version)",
	VerdictOutOfRange:    "is outside the range",
	VerdictFixed:         "is at or above the fixed version",
	VerdictUnknown:       "is not known (the register has no version)",
	VerdictNotComparable: "cannot be compared",
}

// Text is the evidence in one English sentence, e.g.
// `purl "pkg:npm/lodash@4.17.20" matched the advisory's purl "pkg:npm/lodash" (same package);
// version 4.17.20 is in range "vers:npm/<4.17.21" (npm rules)`.
func (e Evidence) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q matched the advisory's %s %q", fieldText[e.AssetField], e.AssetValue,
		fieldText[e.AdvisoryField], e.AdvisoryValue)
	switch e.Rule {
	case RulePURL:
		b.WriteString(" (same package)")
	case RuleCPE:
		b.WriteString(" (same CPE vendor and product)")
	case RuleName:
		b.WriteString(" (same vendor and product by name)")
	case RuleAlias:
		fmt.Fprintf(&b, " (same vendor and product by name, through a known alias: %s)", e.Alias)
	case RuleProductOnly:
		b.WriteString(" (same product name, no vendor to compare)")
	case RuleFuzzy:
		b.WriteString(" (similar name)")
	}
	b.WriteString("; ")
	switch {
	case e.Verdict == VerdictAllVersions:
		b.WriteString("the advisory names every version")
	case e.Verdict == VerdictUnknown:
		b.WriteString("the register has no version")
	default:
		fmt.Fprintf(&b, "version %s %s", e.Version, verdictText[e.Verdict])
		if e.Range != "" {
			fmt.Fprintf(&b, " %q", e.Range)
		}
		if e.Scheme != "" {
			fmt.Fprintf(&b, " (%s rules)", e.Scheme)
		}
	}
	if e.Note != "" {
		b.WriteString(": ")
		b.WriteString(e.Note)
	}
	switch e.Status {
	case "not_affected":
		b.WriteString("; the advisory says it is not affected")
		if e.Justification != "" {
			fmt.Fprintf(&b, " (%s)", e.Justification)
		}
	case "fixed", "recommended":
		b.WriteString("; the advisory names this as fixed")
	case "under_investigation":
		b.WriteString("; the vendor is still investigating")
	}
	return b.String()
}
