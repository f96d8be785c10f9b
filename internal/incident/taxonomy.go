package incident

import (
	"strings"

	"github.com/vaern/vaern"
)

// Causes are the NIS Cooperation Group's root-cause categories for incident reporting.
var Causes = []string{"system_failure", "natural_phenomena", "human_error", "malicious_action", "third_party_failure"}

// Class is an RSIT / eCSIRT.net incident class with its types, as the taxonomy names them.
type Class struct {
	Key   string
	Types []string
}

// Classes is the Reference Security Incident Taxonomy (the eCSIRT.net taxonomy as kept by the
// TF-CSIRT working group), used for malicious actions.
var Classes = []Class{
	{"abusive-content", []string{"spam", "harmful-speech", "violence"}},
	{"malicious-code", []string{"infected-system", "c2-server", "malware-distribution", "malware-configuration"}},
	{"information-gathering", []string{"scanner", "sniffing", "social-engineering"}},
	{"intrusion-attempts", []string{"ids-alert", "brute-force", "exploit"}},
	{"intrusions", []string{"privileged-account-compromise", "unprivileged-account-compromise", "application-compromise", "system-compromise", "burglary"}},
	{"availability", []string{"dos", "ddos", "misconfiguration", "sabotage", "outage"}},
	{"information-content-security", []string{"unauthorised-information-access", "unauthorised-information-modification", "data-loss", "data-leak"}},
	{"fraud", []string{"unauthorised-use-of-resources", "copyright", "masquerade", "phishing"}},
	{"vulnerable", []string{"weak-crypto", "ddos-amplifier", "potentially-unwanted-accessible", "information-disclosure", "vulnerable-system"}},
	{"other", []string{"other", "undetermined"}},
	{"test", []string{"test"}},
}

// ValidCause reports whether c is a cause key (or empty: not yet known).
func ValidCause(c string) bool {
	if c == "" {
		return true
	}
	for _, x := range Causes {
		if x == c {
			return true
		}
	}
	return false
}

// ValidClassification reports whether v is "class/type" of the taxonomy, a class alone, or empty.
func ValidClassification(v string) bool {
	if v == "" {
		return true
	}
	class, typ, hasType := strings.Cut(v, "/")
	for _, c := range Classes {
		if c.Key != class {
			continue
		}
		if !hasType {
			return true
		}
		for _, t := range c.Types {
			if t == typ {
				return true
			}
		}
	}
	return false
}

// Clean trims and validates a case's fields before it is stored, naming the first wrong one.
func Clean(c *vaern.Incident) error {
	c.Title = strings.TrimSpace(c.Title)
	c.Description = strings.TrimSpace(c.Description)
	c.Services = strings.TrimSpace(c.Services)
	switch {
	case c.Title == "":
		return vaern.Invalid("title", "is required")
	case len(c.Title) > 200:
		return vaern.Invalid("title", "is longer than 200 characters")
	case len(c.Description) > 20000:
		return vaern.Invalid("description", "is longer than 20000 characters")
	case c.AwareAt.IsZero():
		return vaern.Invalid("aware_at", "is required: the clocks run from when you became aware")
	case !c.StartedAt.IsZero() && c.StartedAt.After(c.AwareAt):
		return vaern.Invalid("started_at", "is after the time you became aware")
	case c.Severity < 0 || c.Severity > 4:
		return vaern.Invalid("severity", "must be 1-4")
	case !ValidCause(c.Cause):
		return vaern.Invalid("cause", "is not a cause of the NIS Cooperation Group taxonomy")
	case !ValidClassification(c.Classification):
		return vaern.Invalid("classification", "is not an RSIT class/type")
	case c.PDCount < 0:
		return vaern.Invalid("pd_count", "cannot be negative")
	case c.PDCategories < 0 || c.PDCategories > 7:
		return vaern.Invalid("pd_categories", "is not a known set of categories")
	case len(c.Services) > 2000:
		return vaern.Invalid("services", "is longer than 2000 characters")
	}
	if c.Status == "" {
		c.Status = vaern.IncidentNew
	}
	if !c.Status.Valid() {
		return vaern.Invalid("status", "is not a status")
	}
	if c.PDCategories != 0 || c.PDCount > 0 {
		c.PersonalData = true
	}
	if c.Sector == "" {
		c.Sector = "public_administration"
	}
	ok := false
	for _, s := range NIS2Sectors {
		ok = ok || s == c.Sector
	}
	if !ok {
		return vaern.Invalid("sector", "is not a sector")
	}
	return nil
}
