package register

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vaern/vaern"
)

// Rules are the register checks that guard writes, in the shape the store calls them inside its
// transactions (store.RegisterRules). They hold no state.
type Rules struct{}

func (Rules) NameKey(name string) string                      { return NameKey(name) }
func (Rules) CleanSystem(s *vaern.ITSystem) error             { return CleanSystem(s) }
func (Rules) CleanThreat(t, d string) (string, string, error) { return CleanThreat(t, d) }
func (Rules) KnownThreat(key string) bool {
	_, ok := BuiltinThreat(key, "en")
	return ok
}
func (Rules) CheckRisk(m vaern.RiskMatrix, ra *vaern.RiskAssessment) error { return CheckRisk(m, ra) }
func (Rules) CleanAcceptance(name, reason string) (string, string, error) {
	return CleanAcceptance(name, reason)
}
func (Rules) DefaultMatrix() vaern.RiskMatrix { return DefaultMatrix() }
func (Rules) ValidateMatrix(m *vaern.RiskMatrix, ref *vaern.RiskMatrix) error {
	return ValidateMatrix(m, ref)
}
func (Rules) Apply(dst *vaern.ITSystem, rec Record) { Apply(dst, rec) }

// Diff is Diff, for the store's audit of a change.
func (Rules) Diff(a, b vaern.ITSystem) map[string][2]any { return Diff(a, b) }

// MakePlan is MakePlan, for the store's import inside its transaction.
func (Rules) MakePlan(existing []vaern.ITSystem, recs []Record) vaern.ImportPlan {
	return MakePlan(existing, recs)
}

// NameKey is a system name's identity within an organisation: case and surrounding space do not
// make two systems. The register refuses a second system with the same key, and a spreadsheet
// import updates the system whose key a row's name has.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// CleanSystem trims and validates a system's fields, naming the first one that is wrong.
func CleanSystem(s *vaern.ITSystem) error {
	trim := func(p *string) { *p = strings.TrimSpace(*p) }
	for _, p := range []*string{&s.Name, &s.Description, &s.Vendor, &s.Product, &s.Version, &s.Supplier, &s.Notes, &s.AIPurpose, &s.AISupplier} {
		trim(p)
	}
	s.Tags = vaern.NormalizeTags(s.Tags)
	long := func(v string, n int) bool { return utf8.RuneCountInString(v) > n }
	switch {
	case s.Name == "":
		return vaern.Invalid("name", "is required")
	case long(s.Name, MaxName):
		return vaern.Invalid("name", "is longer than 200 characters")
	case long(s.Description, MaxText):
		return vaern.Invalid("description", "is too long")
	case long(s.Notes, MaxText):
		return vaern.Invalid("notes", "is too long")
	case long(s.Vendor, MaxShort):
		return vaern.Invalid("vendor", "is longer than 200 characters")
	case long(s.Product, MaxShort):
		return vaern.Invalid("product", "is longer than 200 characters")
	case long(s.Version, MaxShort):
		return vaern.Invalid("version", "is longer than 200 characters")
	case long(s.Supplier, MaxShort):
		return vaern.Invalid("supplier", "is longer than 200 characters")
	case long(s.AIPurpose, MaxText):
		return vaern.Invalid("ai_purpose", "is too long")
	case long(s.AISupplier, MaxShort):
		return vaern.Invalid("ai_supplier", "is longer than 200 characters")
	case s.AIUse != "" && s.AIUse != vaern.AINone && !s.UsesAI():
		return vaern.Invalid("ai_use", "is not an answer about AI")
	case len(s.Tags) > 30 || long(strings.Join(s.Tags, ","), 1000):
		return vaern.Invalid("tags", "are too many")
	}
	var err error
	if s.CPE, err = CleanCPE(s.CPE); err != nil {
		return vaern.Invalid("cpe", "is not a valid CPE 2.3 name")
	}
	if s.PURL, err = CleanPURL(s.PURL); err != nil {
		return vaern.Invalid("purl", "is not a valid package URL")
	}
	switch s.Hosting {
	case "", vaern.HostingOwn, vaern.HostingShared, vaern.HostingSupplier, vaern.HostingSaaS:
	default:
		return vaern.Invalid("hosting", "is not a hosting form")
	}
	switch s.DPAStatus {
	case "", vaern.DPANotNeeded, vaern.DPAMissing, vaern.DPAInProgress, vaern.DPASigned, vaern.DPAExpired:
	default:
		return vaern.Invalid("dpa_status", "is not a DPA status")
	}
	if s.PersonalData < 0 || s.PersonalData > 7 {
		return vaern.Invalid("personal_data", "is not a personal-data category")
	}
	for _, l := range []struct {
		f string
		v int
	}{{"confidentiality", s.Confidentiality}, {"integrity", s.Integrity}, {"availability", s.Availability}} {
		if l.v < 0 || l.v > vaern.CritVeryHigh {
			return vaern.Invalid(l.f, "must be a level from 1 to 4")
		}
	}
	if s.RTO < 0 || s.RPO < 0 || s.RTO > 10*365*24*time.Hour || s.RPO > 10*365*24*time.Hour {
		return vaern.Invalid("rto_hours", "must be a number of hours")
	}
	return nil
}

// CleanThreat trims and validates an own threat's title and description.
func CleanThreat(title, desc string) (string, string, error) {
	title, desc = strings.TrimSpace(title), strings.TrimSpace(desc)
	switch {
	case title == "":
		return title, desc, vaern.Invalid("threat_title", "is required")
	case utf8.RuneCountInString(title) > 200:
		return title, desc, vaern.Invalid("threat_title", "is longer than 200 characters")
	case utf8.RuneCountInString(desc) > MaxText:
		return title, desc, vaern.Invalid("threat_description", "is too long")
	}
	return title, desc, nil
}

// CleanAcceptance trims and validates who accepts a residual risk and why.
func CleanAcceptance(name, reason string) (string, string, error) {
	name, reason = strings.TrimSpace(name), strings.TrimSpace(reason)
	switch {
	case name == "":
		return name, reason, vaern.Invalid("accepted_by", "is required")
	case utf8.RuneCountInString(name) > 200:
		return name, reason, vaern.Invalid("accepted_by", "is longer than 200 characters")
	case reason == "":
		return name, reason, vaern.Invalid("accept_reason", "is required")
	case utf8.RuneCountInString(reason) > MaxText:
		return name, reason, vaern.Invalid("accept_reason", "is too long")
	}
	return name, reason, nil
}

// CheckRisk validates a risk assessment's levels against the matrix it is assessed on, its review
// interval and its scenario.
func CheckRisk(m vaern.RiskMatrix, ra *vaern.RiskAssessment) error {
	nl, nc := len(m.Likelihood), len(m.Consequence)
	switch {
	case ra.Likelihood < 1 || ra.Likelihood > nl:
		return vaern.Invalid("likelihood", "must be a level of the risk matrix")
	case ra.Consequence < 1 || ra.Consequence > nc:
		return vaern.Invalid("consequence", "must be a level of the risk matrix")
	case ra.ResidualLikelihood < 0 || ra.ResidualLikelihood > nl:
		return vaern.Invalid("residual_likelihood", "must be a level of the risk matrix")
	case ra.ResidualConsequence < 0 || ra.ResidualConsequence > nc:
		return vaern.Invalid("residual_consequence", "must be a level of the risk matrix")
	case (ra.ResidualLikelihood == 0) != (ra.ResidualConsequence == 0):
		return vaern.Invalid("residual_likelihood", "needs both residual likelihood and consequence, or neither")
	case ra.ReviewMonths < 1 || ra.ReviewMonths > 60:
		return vaern.Invalid("review_months", "must be from 1 to 60 months")
	case utf8.RuneCountInString(ra.Scenario) > MaxText:
		return vaern.Invalid("scenario", "is too long")
	}
	return nil
}
