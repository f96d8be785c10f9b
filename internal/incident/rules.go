package incident

import (
	"time"

	"github.com/vaern/vaern"
)

// Rules are the incident module's write guards, handed to the store (store.IncidentRules). The
// store keeps a case's deadlines with it, computed by these rules in the transaction that changes
// the case, so lists and reminders read them without computing.
type Rules struct{}

// CleanIncident trims and validates a case's fields.
func (Rules) CleanIncident(c *vaern.Incident) error { return Clean(c) }

// CleanObservables parses and normalises observables.
func (Rules) CleanObservables(in []string) ([]vaern.Observable, error) { return ParseObservables(in) }

// Fitting lists the regimes that apply to c by their conditions under the stored settings.
func (Rules) Fitting(c vaern.Incident, settings []byte) ([]string, error) {
	s, err := ParseSettings(settings)
	if err != nil {
		return nil, err
	}
	return s.Fitting(c), nil
}

// KnownRegime reports whether key names a regime under the stored settings.
func (Rules) KnownRegime(key string, settings []byte) bool {
	s, err := ParseSettings(settings)
	if err != nil {
		return false
	}
	_, ok := s.Lookup(key)
	return ok
}

// KnownStep reports whether step is a step of regime key.
func (Rules) KnownStep(key, step string, settings []byte) bool {
	s, _ := ParseSettings(settings)
	r, ok := s.Lookup(key)
	return ok && r.step(step) != nil
}

// Deadlines computes every deadline of a case.
func (Rules) Deadlines(c vaern.Incident, regimes []vaern.AppliedRegime, reports []vaern.IncidentReport, settings []byte, now time.Time) []vaern.Deadline {
	s, _ := ParseSettings(settings)
	return Deadlines(Facts{Case: c, Regimes: regimes, Reports: reports}, s, now)
}

// CleanSettings validates the centre's settings.
func (Rules) CleanSettings(b []byte) error {
	s, err := ParseSettings(b)
	if err != nil {
		return err
	}
	return s.Validate()
}

// CleanClassification checks a cause and classification pair.
func (Rules) CleanClassification(cause, class string) error {
	if !ValidCause(cause) {
		return vaern.Invalid("cause", "is not a cause of the NIS Cooperation Group taxonomy")
	}
	if !ValidClassification(class) {
		return vaern.Invalid("classification", "is not an RSIT class/type")
	}
	return nil
}
