package register

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/vaern/vaern"
)

// ParseHosting understands the hosting forms in Danish, Norwegian and English.
func ParseHosting(v string) (vaern.Hosting, bool) {
	switch word(v) {
	case "":
		return "", true
	case "own", "own operation", "on-premises", "on premises", "on-prem", "intern", "internal", "egen drift", "eget drift", "egen", "selv", "lokal", "lokalt":
		return vaern.HostingOwn, true
	case "shared", "inter-municipal", "intermunicipal", "iks", "fælleskommunal", "fælleskommunalt", "kommunalt fællesskab", "interkommunal", "interkommunalt", "interkommunalt samarbeid", "it-fællesskab", "it-fellesskap", "fælles drift", "felles drift":
		return vaern.HostingShared, true
	case "supplier", "vendor", "hosted", "leverandør", "leverandørdrift", "leverandørdrevet", "outsourcet", "outsourced", "hostet", "driftsleverandør":
		return vaern.HostingSupplier, true
	case "saas", "software as a service", "cloud", "sky", "skyen", "skytjeneste", "cloudtjeneste":
		return vaern.HostingSaaS, true
	}
	return "", false
}

// ParseDPA understands data-processing agreement statuses.
func ParseDPA(v string) (vaern.DPAStatus, bool) {
	switch word(v) {
	case "":
		return "", true
	case "not_needed", "not needed", "n/a", "na", "ikke relevant", "ikke nødvendig", "ikke påkrævet", "ikke krævet", "ikke påkrevd", "ikke nødvendig.", "ingen behov":
		return vaern.DPANotNeeded, true
	case "missing", "no", "nej", "nei", "mangler", "mangler aftale", "mangler avtale", "ingen":
		return vaern.DPAMissing, true
	case "in_progress", "in progress", "draft", "under udarbejdelse", "i gang", "igangsat", "pågår", "under arbeid", "udkast", "utkast", "forhandles":
		return vaern.DPAInProgress, true
	case "signed", "yes", "ja", "underskrevet", "signert", "indgået", "inngått", "ok", "gyldig", "valid":
		return vaern.DPASigned, true
	case "expired", "udløbet", "utløpt", "opsagt", "sagt opp", "terminated":
		return vaern.DPAExpired, true
	}
	return "", false
}

// ParseLevel understands criticality levels 1-4 as numbers or words.
func ParseLevel(v string) (int, bool) {
	switch word(v) {
	case "", "-", "ikke vurderet", "ikke vurdert", "not assessed":
		return 0, true
	case "1", "low", "lav", "lille", "liten":
		return vaern.CritLow, true
	case "2", "medium", "middel", "mellem", "moderat", "moderate", "middels":
		return vaern.CritMedium, true
	case "3", "high", "høj", "høy", "stor":
		return vaern.CritHigh, true
	case "4", "very high", "meget høj", "svært høy", "veldig høy", "kritisk", "critical":
		return vaern.CritVeryHigh, true
	}
	return 0, false
}

// ParsePersonalData understands a list of categories such as "almindelige, CPR" or "sensitive".
func ParsePersonalData(v string) (int, bool) {
	out := 0
	parts := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '+' || r == '|' })
	for _, p := range parts {
		p = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p), "og "))
		p = strings.TrimPrefix(p, "and ")
		switch word(p) {
		case "", "none", "ingen", "nej", "nei", "no", "0":
		case "ordinary", "ordinære", "almindelige", "almindelig", "alm", "alm.", "almindelige personoplysninger", "vanlige", "vanlige personopplysninger", "general", "yes", "ja":
			out |= vaern.PDOrdinary
		case "sensitive", "følsomme", "følsomme personoplysninger", "særlige kategorier", "særlige", "sensitive personopplysninger", "særlige kategorier av personopplysninger", "special", "special categories", "helbred", "helse", "health":
			out |= vaern.PDSensitive
		case "national_id", "national id", "national id numbers", "cpr", "cpr-nummer", "cpr-numre", "cpr nummer", "cpr numre", "personnummer", "fødselsnummer", "fødselsnumre", "fnr":
			out |= vaern.PDNationalID
		default:
			return 0, false
		}
	}
	return out, true
}

// ParseBool understands yes and no in the three languages.
func ParseBool(v string) (bool, bool) {
	switch word(v) {
	case "", "no", "nej", "nei", "false", "0", "n", "-":
		return false, true
	case "yes", "ja", "true", "1", "x", "y", "j":
		return true, true
	}
	return false, false
}

// ParseNumber reads a decimal number written with a decimal point or a decimal comma, with or
// without thousands separators ("1.234,5", "1,234.5", "2,5", "0.5").
func ParseNumber(v string) (float64, bool) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if v == "" {
		return 0, false
	}
	lastDot, lastComma := strings.LastIndexByte(v, '.'), strings.LastIndexByte(v, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0 && lastComma > lastDot:
		v = strings.ReplaceAll(v, ".", "")
		v = strings.Replace(v, ",", ".", 1)
	case lastDot >= 0 && lastComma >= 0:
		v = strings.ReplaceAll(v, ",", "")
	case lastComma >= 0:
		if strings.Count(v, ",") > 1 {
			return 0, false
		}
		v = strings.Replace(v, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// ParseHours reads a duration in hours ("4", "0,5", "4 timer", "2 dage", "30 min").
func ParseHours(v string) (time.Duration, bool) {
	w := word(v)
	if w == "" {
		return 0, true
	}
	num := strings.TrimRightFunc(w, func(r rune) bool { return unicode.IsLetter(r) || r == ' ' || r == '.' })
	unit := strings.TrimSpace(w[len(num):])
	f, ok := ParseNumber(num)
	if !ok || f < 0 {
		return 0, false
	}
	switch unit {
	case "", "h", "t", "hour", "hours", "time", "timer", "timar", "hrs", "hr":
	case "d", "day", "days", "dag", "dage", "dager", "døgn", "døgn.":
		f *= 24
	case "min", "m", "minute", "minutes", "minut", "minutter":
		f /= 60
	case "w", "week", "weeks", "uge", "uger", "uke", "uker":
		f *= 24 * 7
	default:
		return 0, false
	}
	if f > 24*365*10 {
		return 0, false
	}
	return time.Duration(math.Round(f*60)) * time.Minute, true
}

// ParseDate reads a date as ISO (2025-03-31), Danish/Norwegian day-first (31-03-2025, 31.03.2025,
// 31/3/2025) or an Excel serial number (what a date cell holds in an XLSX file).
func ParseDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" || v == "-" {
		return time.Time{}, true
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "-/") {
		if f >= 20000 && f <= 80000 { // 1954 to 2119
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f))
			return t, true
		}
		return time.Time{}, false
	}
	if len(v) > 10 && (v[10] == 'T' || v[10] == ' ') {
		v = v[:10]
	}
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02.01.2006", "2.1.2006", "02/01/2006", "2/1/2006", "02.01.06", "2.1.06"} {
		if t, err := time.Parse(layout, v); err == nil {
			if t.Year() < 1950 || t.Year() > 2200 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}
