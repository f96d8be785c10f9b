package advisory

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// kevCatalogue is CISA's Known Exploited Vulnerabilities catalogue as published in JSON.
type kevCatalogue struct {
	Title           string     `json:"title"`
	CatalogVersion  string     `json:"catalogVersion"`
	DateReleased    string     `json:"dateReleased"`
	Count           int        `json:"count"`
	Vulnerabilities []kevEntry `json:"vulnerabilities"`
}

type kevEntry struct {
	CVEID             string   `json:"cveID"`
	VendorProject     string   `json:"vendorProject"`
	Product           string   `json:"product"`
	VulnerabilityName string   `json:"vulnerabilityName"`
	DateAdded         string   `json:"dateAdded"`
	ShortDescription  string   `json:"shortDescription"`
	RequiredAction    string   `json:"requiredAction"`
	DueDate           string   `json:"dueDate"`
	Ransomware        string   `json:"knownRansomwareCampaignUse"`
	Notes             string   `json:"notes"`
	CWEs              []string `json:"cwes"`
}

// parseKEV turns each catalogue entry into one advisory, keyed by its CVE id so a re-import
// updates instead of duplicating.
func parseKEV(ctx context.Context, name string, data []byte) (Result, error) {
	var cat kevCatalogue
	if err := json.Unmarshal(data, &cat); err != nil {
		return Result{}, decodeError(name, data, err)
	}
	if len(cat.Vulnerabilities) > maxKEVEntries {
		return Result{}, &Error{File: name, Path: "/vulnerabilities",
			Message: fmt.Sprintf("more than %d entries", maxKEVEntries)}
	}
	released, _ := parseTime(cat.DateReleased)
	out := make([]vaern.Advisory, 0, len(cat.Vulnerabilities))
	seen := make(map[string]int, len(cat.Vulnerabilities))
	for i, e := range cat.Vulnerabilities {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return Result{}, ctxError(name, err)
			}
		}
		path := fmt.Sprintf("/vulnerabilities/%d", i)
		id := strings.TrimSpace(e.CVEID)
		if !cveIDPattern.MatchString(id) {
			return Result{}, &Error{File: name, Path: path + "/cveID", Message: fmt.Sprintf("%q is not a CVE id", e.CVEID)}
		}
		if j, dup := seen[id]; dup {
			return Result{}, &Error{File: name, Path: path + "/cveID",
				Message: fmt.Sprintf("%s is listed twice (also at /vulnerabilities/%d)", id, j)}
		}
		seen[id] = i
		added, err := parseDate(e.DateAdded)
		if err != nil {
			return Result{}, &Error{File: name, Path: path + "/dateAdded", Message: err.Error()}
		}
		var due time.Time
		if e.DueDate != "" {
			if due, err = parseDate(e.DueDate); err != nil {
				return Result{}, &Error{File: name, Path: path + "/dueDate", Message: err.Error()}
			}
		}
		a := vaern.Advisory{
			Source:         vaern.SourceKEV,
			SourceID:       id,
			SourceVersion:  cat.CatalogVersion,
			Title:          kevTitle(e),
			Summary:        joinNonEmpty("\n\n", e.ShortDescription, e.Notes),
			TLP:            "CLEAR",
			Audience:       "all",
			CVEs:           []string{id},
			KnownExploited: true,
			Ransomware:     strings.EqualFold(strings.TrimSpace(e.Ransomware), "Known"),
			Published:      added,
			Updated:        released,
			Due:            due,
			Products: []vaern.AdvisoryProduct{{
				Key:     "kev-1",
				Vendor:  strings.TrimSpace(e.VendorProject),
				Product: strings.TrimSpace(e.Product),
				Status:  vaern.StatusAffected,
			}},
		}
		if act := strings.TrimSpace(e.RequiredAction); act != "" {
			a.Actions = []vaern.AdvisoryAction{{Category: kevActionCategory(act), Text: act}}
		}
		out = append(out, a)
	}
	return Result{Advisories: out}, nil
}

func kevTitle(e kevEntry) string {
	if t := strings.TrimSpace(e.VulnerabilityName); t != "" {
		return e.CVEID + ": " + t
	}
	return e.CVEID
}

// kevActionCategory guesses the CSAF remediation category of KEV's free-text requiredAction;
// most say "Apply mitigations per vendor instructions", which is a vendor fix or mitigation.
func kevActionCategory(text string) string {
	l := strings.ToLower(text)
	switch {
	case strings.Contains(l, "update") || strings.Contains(l, "patch") || strings.Contains(l, "upgrade"):
		return "vendor_fix"
	case strings.Contains(l, "discontinue") && !strings.Contains(l, "mitigation"):
		return "no_fix_planned"
	}
	return "mitigation"
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// parseDate reads a calendar date (KEV's "2025-08-25"), or a full timestamp.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, ok := parseTime(s); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
}

// parseTime reads the timestamps the sources write: RFC 3339, with or without a zone (CVE
// records often omit it; UTC is meant).
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
