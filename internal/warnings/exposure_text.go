package warnings

import "strings"

// Translate gives a text by key in the reader's language (an i18n.Localizer's T).
type Translate func(key string, args ...any) string

// EvidenceText says why a match was made in the reader's language: which field of the system or
// component matched which product of the advisory, by which rule, and what the version comparison
// said. The texts are the warnings locale's "wn.ev.*" keys; Evidence.Text is the English the API
// gives.
func EvidenceText(t Translate, e Evidence) string {
	var b strings.Builder
	b.WriteString(t("wn.ev.matched", t("wn.ev.field."+string(e.AssetField)), e.AssetValue,
		t("wn.ev.field."+string(e.AdvisoryField)), e.AdvisoryValue))
	if e.Rule != "" {
		b.WriteString(" (")
		if e.Rule == RuleAlias {
			b.WriteString(t("wn.ev.rule.alias", e.Alias))
		} else {
			b.WriteString(t("wn.ev.rule." + string(e.Rule)))
		}
		b.WriteString(")")
	}
	b.WriteString("; ")
	switch e.Verdict {
	case VerdictAllVersions, VerdictUnknown:
		b.WriteString(t("wn.ev.verdict." + string(e.Verdict)))
	default:
		b.WriteString(t("wn.ev.version", e.Version, t("wn.ev.verdict."+string(e.Verdict))))
		if e.Range != "" {
			b.WriteString(" ")
			b.WriteString(t("wn.ev.range", e.Range))
		}
		if e.Scheme != "" {
			b.WriteString(" ")
			b.WriteString(t("wn.ev.scheme", e.Scheme))
		}
	}
	if e.Note != "" {
		b.WriteString(": ")
		b.WriteString(e.Note)
	}
	switch e.Status {
	case "not_affected":
		b.WriteString("; ")
		b.WriteString(t("wn.ev.status.not_affected"))
		if e.Justification != "" {
			b.WriteString(" (" + e.Justification + ")")
		}
	case "fixed", "recommended":
		b.WriteString("; ")
		b.WriteString(t("wn.ev.status.fixed"))
	case "under_investigation":
		b.WriteString("; ")
		b.WriteString(t("wn.ev.status.under_investigation"))
	}
	return b.String()
}
