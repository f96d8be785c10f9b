package advisory

import (
	"fmt"
	"math"
	"strings"
)

// CVSS v2.0, v3.0 and v3.1 scores computed from their vectors, as CSAF test 6.1.9 requires and
// as the CVSS specifications define them (FIRST: CVSS v2 Complete Guide section 3, CVSS v3.0 and
// v3.1 Specification Documents section 7 and appendix A).

// cvssVector is a parsed vector: metric abbreviation → value abbreviation.
type cvssVector map[string]string

var cvss3Metrics = map[string][]string{
	"AV": {"N", "A", "L", "P"}, "AC": {"L", "H"}, "PR": {"N", "L", "H"}, "UI": {"N", "R"},
	"S": {"U", "C"}, "C": {"H", "L", "N"}, "I": {"H", "L", "N"}, "A": {"H", "L", "N"},
	"E": {"X", "H", "F", "P", "U"}, "RL": {"X", "U", "W", "T", "O"}, "RC": {"X", "C", "R", "U"},
	"CR": {"X", "H", "M", "L"}, "IR": {"X", "H", "M", "L"}, "AR": {"X", "H", "M", "L"},
	"MAV": {"X", "N", "A", "L", "P"}, "MAC": {"X", "L", "H"}, "MPR": {"X", "N", "L", "H"},
	"MUI": {"X", "N", "R"}, "MS": {"X", "U", "C"}, "MC": {"X", "H", "L", "N"},
	"MI": {"X", "H", "L", "N"}, "MA": {"X", "H", "L", "N"},
}

var cvss3Base = []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"}

var cvss2Metrics = map[string][]string{
	"AV": {"L", "A", "N"}, "AC": {"H", "M", "L"}, "Au": {"M", "S", "N"},
	"C": {"N", "P", "C"}, "I": {"N", "P", "C"}, "A": {"N", "P", "C"},
	"E": {"U", "POC", "F", "H", "ND"}, "RL": {"OF", "TF", "W", "U", "ND"}, "RC": {"UC", "UR", "C", "ND"},
	"CDP": {"N", "L", "LM", "MH", "H", "ND"}, "TD": {"N", "L", "M", "H", "ND"},
	"CR": {"L", "M", "H", "ND"}, "IR": {"L", "M", "H", "ND"}, "AR": {"L", "M", "H", "ND"},
}

var cvss2Base = []string{"AV", "AC", "Au", "C", "I", "A"}

// parseCVSSVector reads "CVSS:3.1/AV:N/..." (v3, version "3.0" or "3.1") or "AV:N/AC:L/..." (v2).
func parseCVSSVector(version, s string) (cvssVector, error) {
	metrics, base := cvss2Metrics, cvss2Base
	body := s
	if version != "2.0" {
		prefix := "CVSS:" + version + "/"
		var ok bool
		if body, ok = strings.CutPrefix(s, prefix); !ok {
			return nil, fmt.Errorf("vector %q does not start with %q", s, prefix)
		}
		metrics, base = cvss3Metrics, cvss3Base
	}
	v := cvssVector{}
	for _, part := range strings.Split(body, "/") {
		k, val, ok := strings.Cut(part, ":")
		allowed, known := metrics[k]
		if !ok || !known {
			return nil, fmt.Errorf("vector %q: %q is not a CVSS v%s metric", s, part, version)
		}
		if _, dup := v[k]; dup {
			return nil, fmt.Errorf("vector %q: metric %s is given twice", s, k)
		}
		if !containsStr(allowed, val) {
			return nil, fmt.Errorf("vector %q: %q is not a value of %s", s, val, k)
		}
		v[k] = val
	}
	for _, k := range base {
		if _, ok := v[k]; !ok {
			return nil, fmt.Errorf("vector %q lacks the base metric %s", s, k)
		}
	}
	return v, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// get returns a metric's value, "X" (v3) or "ND" (v2) when the vector leaves it out.
func (v cvssVector) get(k, undefined string) string {
	if x, ok := v[k]; ok {
		return x
	}
	return undefined
}

// cvssScores are the computed scores; a zero Temporal/Environmental is still a score.
type cvssScores struct{ Base, Temporal, Environmental float64 }

func roundup30(x float64) float64 { return math.Ceil(x*10) / 10 }

// roundup31 is v3.1's Roundup, which avoids floating-point surprises (appendix A).
func roundup31(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return float64(i/10000+1) / 10
}

func cvss3Score(version string, v cvssVector) cvssScores {
	round := roundup31
	if version == "3.0" {
		round = roundup30
	}
	av := map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
	ac := map[string]float64{"L": 0.77, "H": 0.44}
	ui := map[string]float64{"N": 0.85, "R": 0.62}
	cia := map[string]float64{"H": 0.56, "L": 0.22, "N": 0}
	pr := func(p, scope string) float64 {
		switch p {
		case "N":
			return 0.85
		case "L":
			if scope == "C" {
				return 0.68
			}
			return 0.62
		}
		if scope == "C" {
			return 0.5
		}
		return 0.27
	}
	e := map[string]float64{"X": 1, "H": 1, "F": 0.97, "P": 0.94, "U": 0.91}[v.get("E", "X")]
	rl := map[string]float64{"X": 1, "U": 1, "W": 0.97, "T": 0.96, "O": 0.95}[v.get("RL", "X")]
	rc := map[string]float64{"X": 1, "C": 1, "R": 0.96, "U": 0.92}[v.get("RC", "X")]
	req := map[string]float64{"X": 1, "H": 1.5, "M": 1, "L": 0.5}

	scope := v["S"]
	iss := 1 - (1-cia[v["C"]])*(1-cia[v["I"]])*(1-cia[v["A"]])
	var impact float64
	if scope == "U" {
		impact = 6.42 * iss
	} else {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	}
	expl := 8.22 * av[v["AV"]] * ac[v["AC"]] * pr(v["PR"], scope) * ui[v["UI"]]
	var s cvssScores
	if impact > 0 {
		if scope == "U" {
			s.Base = round(math.Min(impact+expl, 10))
		} else {
			s.Base = round(math.Min(1.08*(impact+expl), 10))
		}
	}
	s.Temporal = round(s.Base * e * rl * rc)

	mod := func(k, base string) string {
		if x := v.get("M"+k, "X"); x != "X" {
			return x
		}
		return v[base]
	}
	ms := mod("S", "S")
	miss := math.Min(1-(1-req[v.get("CR", "X")]*cia[mod("C", "C")])*
		(1-req[v.get("IR", "X")]*cia[mod("I", "I")])*
		(1-req[v.get("AR", "X")]*cia[mod("A", "A")]), 0.915)
	var mImpact float64
	if ms == "U" {
		mImpact = 6.42 * miss
	} else if version == "3.0" {
		mImpact = 7.52*(miss-0.029) - 3.25*math.Pow(miss-0.02, 15)
	} else {
		mImpact = 7.52*(miss-0.029) - 3.25*math.Pow(miss*0.9731-0.02, 13)
	}
	mExpl := 8.22 * av[mod("AV", "AV")] * ac[mod("AC", "AC")] * pr(mod("PR", "PR"), ms) * ui[mod("UI", "UI")]
	if mImpact > 0 {
		if ms == "U" {
			s.Environmental = round(round(math.Min(mImpact+mExpl, 10)) * e * rl * rc)
		} else {
			s.Environmental = round(round(math.Min(1.08*(mImpact+mExpl), 10)) * e * rl * rc)
		}
	}
	return s
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func cvss2Score(v cvssVector) cvssScores {
	av := map[string]float64{"L": 0.395, "A": 0.646, "N": 1.0}[v["AV"]]
	ac := map[string]float64{"H": 0.35, "M": 0.61, "L": 0.71}[v["AC"]]
	au := map[string]float64{"M": 0.45, "S": 0.56, "N": 0.704}[v["Au"]]
	cia := map[string]float64{"N": 0, "P": 0.275, "C": 0.660}
	e := map[string]float64{"U": 0.85, "POC": 0.9, "F": 0.95, "H": 1, "ND": 1}[v.get("E", "ND")]
	rl := map[string]float64{"OF": 0.87, "TF": 0.90, "W": 0.95, "U": 1, "ND": 1}[v.get("RL", "ND")]
	rc := map[string]float64{"UC": 0.90, "UR": 0.95, "C": 1, "ND": 1}[v.get("RC", "ND")]
	req := map[string]float64{"L": 0.5, "M": 1, "H": 1.51, "ND": 1}
	cdp := map[string]float64{"N": 0, "L": 0.1, "LM": 0.3, "MH": 0.4, "H": 0.5, "ND": 0}[v.get("CDP", "ND")]
	td := map[string]float64{"N": 0, "L": 0.25, "M": 0.75, "H": 1, "ND": 1}[v.get("TD", "ND")]
	expl := 20 * av * ac * au
	base := func(impact float64) float64 {
		f := 1.176
		if impact == 0 {
			f = 0
		}
		return round1((0.6*impact + 0.4*expl - 1.5) * f)
	}
	c, i, a := cia[v["C"]], cia[v["I"]], cia[v["A"]]
	var s cvssScores
	s.Base = base(10.41 * (1 - (1-c)*(1-i)*(1-a)))
	s.Temporal = round1(s.Base * e * rl * rc)
	adjImpact := math.Min(10, 10.41*(1-(1-c*req[v.get("CR", "ND")])*(1-i*req[v.get("IR", "ND")])*(1-a*req[v.get("AR", "ND")])))
	adjTemporal := round1(base(adjImpact) * e * rl * rc)
	s.Environmental = round1((adjTemporal + (10-adjTemporal)*cdp) * td)
	return s
}

// severityName is the CVSS v3 qualitative rating in the JSON schema's spelling.
func severityName(score float64) string {
	switch {
	case score == 0:
		return "NONE"
	case score < 4:
		return "LOW"
	case score < 7:
		return "MEDIUM"
	case score < 9:
		return "HIGH"
	}
	return "CRITICAL"
}
