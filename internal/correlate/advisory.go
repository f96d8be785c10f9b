package correlate

import (
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
)

// Label names an early warning's indicator: the value, or for a signature id its name and id.
func Label(w vaern.EarlyWarning) string {
	if w.Kind == vaern.IndicatorSignature {
		if w.Signature != "" {
			return w.Signature + " (" + w.Value + ")"
		}
		return "sid " + w.Value
	}
	return w.Value
}

// DraftAdvisory is the advisory an analyst drafts from an early warning with one click: TLP:AMBER
// to all members, the indicator, its signature and when it was seen, in Danish, Norwegian and
// English (times in zone). The analyst reviews and publishes it in the warnings module.
func DraftAdvisory(cat *i18n.Catalog, w vaern.EarlyWarning, zone *time.Location) vaern.Advisory {
	adv := vaern.Advisory{TLP: "AMBER", Audience: "members", Severity: "high", Texts: map[string]vaern.AdvisoryText{}}
	first, last := w.FirstSeen.In(zone).Format("2006-01-02 15:04"), w.LastSeen.In(zone).Format("2006-01-02 15:04")
	sig := w.Signature
	if sig == "" {
		sig = "–"
	}
	for _, lang := range []string{"da", "nb", "en"} {
		l := cat.For(lang)
		kind := l.T("ew.kind." + w.Kind)
		adv.Texts[lang] = vaern.AdvisoryText{
			Title:   l.T("ew.adv.title", kind, Label(w)),
			Summary: l.T("ew.adv.summary", w.Members, kind, w.Value, sig, first, last),
			Actions: l.T("ew.adv.actions", kind, w.Value),
		}
	}
	adv.Title, adv.Summary = adv.Texts["da"].Title, adv.Texts["da"].Summary
	adv.Actions = []vaern.AdvisoryAction{{Category: "mitigation", Text: adv.Texts["en"].Actions}}
	return adv
}

// IndicatorDescription is the description of the indicator an early warning is shared as: it
// travels in the exports (Zeek's meta.desc, STIX), so it is in English and names no member.
func IndicatorDescription(w vaern.EarlyWarning) string {
	d := fmt.Sprintf("Early warning %d: seen by the sensors of %d members between %s and %s", w.ID, w.Members,
		w.FirstSeen.UTC().Format("2006-01-02 15:04"), w.LastSeen.UTC().Format("2006-01-02 15:04 UTC"))
	if w.Signature != "" {
		d += fmt.Sprintf("; signature %s", w.Signature)
		if w.SignatureID != 0 {
			d += fmt.Sprintf(" (sid %d)", w.SignatureID)
		}
	}
	return d + "."
}
