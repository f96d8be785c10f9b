package advisory

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// CSAF tests 6.1.7 to 6.1.10: CVSS scores per product, their form, their computation and the
// agreement of their properties with the vector.

// JSON property → vector metric, and JSON value → vector value, per CVSS version family.
var cvss3Props = map[string]struct {
	metric string
	values map[string]string
}{
	"attackVector":                  {"AV", map[string]string{"NETWORK": "N", "ADJACENT_NETWORK": "A", "LOCAL": "L", "PHYSICAL": "P"}},
	"attackComplexity":              {"AC", map[string]string{"LOW": "L", "HIGH": "H"}},
	"privilegesRequired":            {"PR", map[string]string{"NONE": "N", "LOW": "L", "HIGH": "H"}},
	"userInteraction":               {"UI", map[string]string{"NONE": "N", "REQUIRED": "R"}},
	"scope":                         {"S", map[string]string{"UNCHANGED": "U", "CHANGED": "C"}},
	"confidentialityImpact":         {"C", cia3},
	"integrityImpact":               {"I", cia3},
	"availabilityImpact":            {"A", cia3},
	"exploitCodeMaturity":           {"E", map[string]string{"UNPROVEN": "U", "PROOF_OF_CONCEPT": "P", "FUNCTIONAL": "F", "HIGH": "H", "NOT_DEFINED": "X"}},
	"remediationLevel":              {"RL", map[string]string{"OFFICIAL_FIX": "O", "TEMPORARY_FIX": "T", "WORKAROUND": "W", "UNAVAILABLE": "U", "NOT_DEFINED": "X"}},
	"reportConfidence":              {"RC", map[string]string{"UNKNOWN": "U", "REASONABLE": "R", "CONFIRMED": "C", "NOT_DEFINED": "X"}},
	"confidentialityRequirement":    {"CR", req3},
	"integrityRequirement":          {"IR", req3},
	"availabilityRequirement":       {"AR", req3},
	"modifiedAttackVector":          {"MAV", map[string]string{"NETWORK": "N", "ADJACENT_NETWORK": "A", "LOCAL": "L", "PHYSICAL": "P", "NOT_DEFINED": "X"}},
	"modifiedAttackComplexity":      {"MAC", map[string]string{"LOW": "L", "HIGH": "H", "NOT_DEFINED": "X"}},
	"modifiedPrivilegesRequired":    {"MPR", map[string]string{"NONE": "N", "LOW": "L", "HIGH": "H", "NOT_DEFINED": "X"}},
	"modifiedUserInteraction":       {"MUI", map[string]string{"NONE": "N", "REQUIRED": "R", "NOT_DEFINED": "X"}},
	"modifiedScope":                 {"MS", map[string]string{"UNCHANGED": "U", "CHANGED": "C", "NOT_DEFINED": "X"}},
	"modifiedConfidentialityImpact": {"MC", mcia3},
	"modifiedIntegrityImpact":       {"MI", mcia3},
	"modifiedAvailabilityImpact":    {"MA", mcia3},
}

var (
	cia3  = map[string]string{"HIGH": "H", "LOW": "L", "NONE": "N"}
	mcia3 = map[string]string{"HIGH": "H", "LOW": "L", "NONE": "N", "NOT_DEFINED": "X"}
	req3  = map[string]string{"LOW": "L", "MEDIUM": "M", "HIGH": "H", "NOT_DEFINED": "X"}
	cia2  = map[string]string{"NONE": "N", "PARTIAL": "P", "COMPLETE": "C"}
	req2  = map[string]string{"LOW": "L", "MEDIUM": "M", "HIGH": "H", "NOT_DEFINED": "ND"}
)

var cvss2Props = map[string]struct {
	metric string
	values map[string]string
}{
	"accessVector":               {"AV", map[string]string{"NETWORK": "N", "ADJACENT_NETWORK": "A", "LOCAL": "L"}},
	"accessComplexity":           {"AC", map[string]string{"HIGH": "H", "MEDIUM": "M", "LOW": "L"}},
	"authentication":             {"Au", map[string]string{"MULTIPLE": "M", "SINGLE": "S", "NONE": "N"}},
	"confidentialityImpact":      {"C", cia2},
	"integrityImpact":            {"I", cia2},
	"availabilityImpact":         {"A", cia2},
	"exploitability":             {"E", map[string]string{"UNPROVEN": "U", "PROOF_OF_CONCEPT": "POC", "FUNCTIONAL": "F", "HIGH": "H", "NOT_DEFINED": "ND"}},
	"remediationLevel":           {"RL", map[string]string{"OFFICIAL_FIX": "OF", "TEMPORARY_FIX": "TF", "WORKAROUND": "W", "UNAVAILABLE": "U", "NOT_DEFINED": "ND"}},
	"reportConfidence":           {"RC", map[string]string{"UNCONFIRMED": "UC", "UNCORROBORATED": "UR", "CONFIRMED": "C", "NOT_DEFINED": "ND"}},
	"collateralDamagePotential":  {"CDP", map[string]string{"NONE": "N", "LOW": "L", "LOW_MEDIUM": "LM", "MEDIUM_HIGH": "MH", "HIGH": "H", "NOT_DEFINED": "ND"}},
	"targetDistribution":         {"TD", map[string]string{"NONE": "N", "LOW": "L", "MEDIUM": "M", "HIGH": "H", "NOT_DEFINED": "ND"}},
	"confidentialityRequirement": {"CR", req2},
	"integrityRequirement":       {"IR", req2},
	"availabilityRequirement":    {"AR", req2},
}

func (c *checker) cvssTests() {
	for i := range c.doc.Vulnerabilities {
		v := &c.doc.Vulnerabilities[i]
		type key struct{ product, version string }
		seen := map[key]string{}
		for j, s := range v.Scores {
			p := fmt.Sprintf("/vulnerabilities/%d/scores/%d", i, j)
			for _, raw := range []struct {
				field string
				data  json.RawMessage
			}{{"cvss_v2", s.CVSSv2}, {"cvss_v3", s.CVSSv3}} {
				if len(raw.data) == 0 || string(raw.data) == "null" {
					continue
				}
				version := c.checkCVSS(raw.data, raw.field, p+"/"+raw.field)
				if version == "" {
					continue
				}
				for k, prod := range s.Products {
					kk := key{prod, version}
					if first, dup := seen[kk]; dup {
						c.fail("6.1.7", fmt.Sprintf("%s/products/%d", p, k),
							"product %q has more than one CVSS v%s score in this vulnerability (also at %s)", prod, version, first)
					} else {
						seen[kk] = p
					}
				}
			}
		}
	}
}

// checkCVSS runs 6.1.8 to 6.1.10 on one cvss_v2 or cvss_v3 object and returns its version
// ("" when it is too broken to say).
func (c *checker) checkCVSS(data json.RawMessage, field, path string) string {
	var obj map[string]any
	if err := json.Unmarshal(data, &obj); err != nil {
		c.fail("6.1.8", path, "the CVSS object is not a JSON object")
		return ""
	}
	version, _ := obj["version"].(string)
	vector, _ := obj["vectorString"].(string)
	base, hasBase := obj["baseScore"].(float64)
	props := cvss3Props
	switch {
	case field == "cvss_v2" && version == "2.0":
		props = cvss2Props
	case field == "cvss_v3" && (version == "3.0" || version == "3.1"):
	default:
		c.fail("6.1.8", path+"/version", "%q is not a CVSS version allowed in %s", version, field)
		return ""
	}
	if !hasBase || base < 0 || base > 10 {
		c.fail("6.1.8", path+"/baseScore", "baseScore is missing or outside 0 to 10")
		return version
	}
	if field == "cvss_v3" {
		if _, ok := obj["baseSeverity"].(string); !ok {
			c.fail("6.1.8", path+"/baseSeverity", "baseSeverity is required")
			return version
		}
	}
	vec, err := parseCVSSVector(version, vector)
	if err != nil {
		c.fail("6.1.8", path+"/vectorString", "%v", err)
		return version
	}
	names := make([]string, 0, len(obj))
	for k := range obj {
		names = append(names, k)
	}
	sort.Strings(names)
	undefined := "X"
	if field == "cvss_v2" {
		undefined = "ND"
	}
	for _, k := range names {
		pr, ok := props[k]
		if !ok {
			continue
		}
		val, _ := obj[k].(string)
		abbr, ok := pr.values[val]
		if !ok {
			c.fail("6.1.8", path+"/"+k, "%q is not a value of %s", val, k)
			continue
		}
		if got := vec.get(pr.metric, undefined); got != abbr {
			c.fail("6.1.10", path+"/"+k, "%s is %s, but the vector says %s:%s", k, val, pr.metric, got)
		}
	}
	var want cvssScores
	if field == "cvss_v2" {
		want = cvss2Score(vec)
	} else {
		want = cvss3Score(version, vec)
	}
	for _, s := range []struct {
		score, severity string
		want            float64
	}{{"baseScore", "baseSeverity", want.Base}, {"temporalScore", "temporalSeverity", want.Temporal},
		{"environmentalScore", "environmentalSeverity", want.Environmental}} {
		if got, ok := obj[s.score].(float64); ok && math.Abs(got-s.want) > 1e-9 {
			c.fail("6.1.9", path+"/"+s.score, "%s is %v, but the vector gives %v", s.score, got, s.want)
		}
		if field == "cvss_v3" {
			if got, ok := obj[s.severity].(string); ok && got != severityName(s.want) {
				c.fail("6.1.9", path+"/"+s.severity, "%s is %s, but the score %v is %s", s.severity, got, s.want, severityName(s.want))
			}
		}
	}
	return version
}
