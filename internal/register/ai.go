package register

import (
	"github.com/vaern/vaern"
)

// The AI fields of a system (issue 11.14): kept apart so that the spreadsheet, form and export code
// each gain one line for them.

// ParseAIUse understands how a system uses AI, in Danish, Norwegian and English.
func ParseAIUse(v string) (vaern.AIUse, bool) {
	switch word(v) {
	case "":
		return "", true
	case "none", "no", "nej", "nei", "ingen", "0":
		return vaern.AINone, true
	case "feature", "a feature", "funktion", "funksjon", "en funktion", "en funksjon", "delvis", "partly", "yes", "ja":
		return vaern.AIFeature, true
	case "purpose", "the purpose", "formål", "formålet", "formal", "hovedformål", "main purpose", "core":
		return vaern.AIPurpose, true
	}
	return "", false
}

// applyAI copies AI field key from src to dst.
func applyAI(dst *vaern.ITSystem, src vaern.ITSystem, key string) {
	switch key {
	case "ai_use":
		dst.AIUse = src.AIUse
	case "ai_purpose":
		dst.AIPurpose = src.AIPurpose
	case "ai_supplier":
		dst.AISupplier = src.AISupplier
	case "ai_dpa_covered":
		dst.AIDPACovered = src.AIDPACovered
	case "ai_checked":
		dst.AIChecked = src.AIChecked
	}
}

// checkAICell reads a spreadsheet cell of an AI field.
func checkAICell(s *vaern.ITSystem, key, v string, bad func(code, value string)) {
	switch key {
	case "ai_use":
		u, ok := ParseAIUse(v)
		if !ok {
			bad("bad_ai", v)
		}
		s.AIUse = u
	case "ai_purpose":
		if len([]rune(v)) > MaxText {
			bad("too_long", "10000")
			return
		}
		s.AIPurpose = v
	case "ai_supplier":
		if len([]rune(v)) > MaxShort {
			bad("too_long", "200")
			return
		}
		s.AISupplier = v
	case "ai_dpa_covered":
		b, ok := ParseBool(v)
		if !ok {
			bad("bad_bool", v)
		}
		s.AIDPACovered = b
	case "ai_checked":
		d, ok := ParseDate(v)
		if !ok {
			bad("bad_date", v)
		}
		s.AIChecked = d
	}
}

// formExtra reads an AI field of the edit form.
func formExtra(s *vaern.ITSystem, key, v string) error {
	var problem error
	checkAICell(s, key, v, func(code, _ string) {
		switch code {
		case "bad_date":
			problem = vaern.Invalid(key, "is not a date")
		case "bad_ai":
			problem = vaern.Invalid(key, "is not an answer about AI")
		case "bad_bool":
			problem = vaern.Invalid(key, "must be yes or no")
		}
	})
	return problem
}

// aiCellValue is an AI field's value as the export writes it.
func aiCellValue(s vaern.ITSystem, key string) string {
	switch key {
	case "ai_use":
		return string(s.AIUse)
	case "ai_purpose":
		return s.AIPurpose
	case "ai_supplier":
		return s.AISupplier
	case "ai_dpa_covered":
		if !s.UsesAI() && !s.AIDPACovered {
			return ""
		}
		if s.AIDPACovered {
			return "yes"
		}
		return "no"
	case "ai_checked":
		return isoDate(s.AIChecked)
	}
	return ""
}
