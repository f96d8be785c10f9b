package services

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vaern/vaern"
)

// Auto reports whether an automatic check holds for a member with facts f.
func Auto(check string, f vaern.OnboardingFacts) bool {
	switch check {
	case vaern.CheckUnits:
		return f.Units > 0
	case vaern.CheckSystems:
		return f.Systems > 0
	case vaern.CheckTwoFactor:
		return f.Coordinators > 0 && f.Coordinators2FA == f.Coordinators
	case vaern.CheckTwoFactorOrg:
		return f.Require2FA
	case vaern.CheckColleagues:
		return f.Others > 0
	case vaern.CheckWarnings:
		return f.WarningPrefs > 0
	case vaern.CheckRegisterImport:
		return f.Imports > 0
	case vaern.CheckSSO:
		return f.Providers > 0
	}
	return false
}

// Progress is a member's checklist: every item with whether it is done (by its automatic check,
// or ticked by hand for an item without one), and how many are done.
func Progress(items []vaern.OnboardingItem, f vaern.OnboardingFacts, ticks []vaern.OnboardingTick) ([]vaern.OnboardingStatus, int) {
	byItem := map[int64]*vaern.OnboardingTick{}
	for i := range ticks {
		if ticks[i].OrgID == f.OrgID {
			byItem[ticks[i].ItemID] = &ticks[i]
		}
	}
	out := make([]vaern.OnboardingStatus, 0, len(items))
	done := 0
	for _, it := range items {
		st := vaern.OnboardingStatus{Item: it}
		if it.Check != "" {
			st.Auto, st.Done = true, Auto(it.Check, f)
		} else if t := byItem[it.ID]; t != nil {
			st.Tick, st.Done = t, true
		}
		if st.Done {
			done++
		}
		out = append(out, st)
	}
	return out, done
}

// CleanItem trims and checks a checklist item: a title in every language, a link that is a path
// in Værn or an https address, and a known automatic check.
func CleanItem(it *vaern.OnboardingItem) error {
	for _, f := range []*string{&it.Title.Da, &it.Title.Nb, &it.Title.En, &it.Description.Da, &it.Description.Nb, &it.Description.En, &it.Link, &it.Check} {
		*f = strings.TrimSpace(*f)
	}
	for _, n := range []struct{ field, v string }{{"title_da", it.Title.Da}, {"title_nb", it.Title.Nb}, {"title_en", it.Title.En}} {
		if n.v == "" {
			return vaern.Invalid(n.field, "is required")
		}
		if utf8.RuneCountInString(n.v) > maxName {
			return vaern.Invalid(n.field, "is too long")
		}
	}
	for _, n := range []struct{ field, v string }{{"desc_da", it.Description.Da}, {"desc_nb", it.Description.Nb}, {"desc_en", it.Description.En}} {
		if utf8.RuneCountInString(n.v) > maxDesc {
			return vaern.Invalid(n.field, "is too long")
		}
	}
	if it.Link != "" {
		u, err := url.Parse(it.Link)
		local := err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(it.Link, "/") && !strings.HasPrefix(it.Link, "//")
		remote := err == nil && u.Scheme == "https" && u.Host != ""
		if (!local && !remote) || len(it.Link) > maxShort {
			return vaern.Invalid("link", "must be a path in Værn (/...) or an https address")
		}
	}
	if it.Check != "" && !slices.Contains(vaern.OnboardingChecks, it.Check) {
		return vaern.Invalid("check", "is not a check Værn can make")
	}
	return nil
}

// DefaultChecklist is the checklist a centre starts with, in the network's own words.
func DefaultChecklist() []vaern.OnboardingItem {
	t := func(da, nb, en string) vaern.Texts3 { return vaern.Texts3{Da: da, Nb: nb, En: en} }
	return []vaern.OnboardingItem{
		{Title: t("Læs vejledningen til basismålingen", "Les veiledningen til basismålingen", "Read the baseline guide"),
			Description: t("Vejledningen forklarer spørgsmålene, modenhedsskalaen og hvordan I uddelegerer til kolleger.",
				"Veiledningen forklarer spørsmålene, modenhetsskalaen og hvordan dere delegerer til kolleger.",
				"The guide explains the questions, the maturity scale and how to delegate to colleagues."), Link: "/baseline"},
		{Title: t("Opret kommunens enheder", "Opprett kommunens enheter", "Set up your units"),
			Description: t("Forvaltninger og afdelinger, så spørgsmål, systemer og rapporter kan fordeles.",
				"Sektorer og avdelinger, slik at spørsmål, systemer og rapporter kan fordeles.",
				"Administrations and departments, so that questions, systems and reports can be assigned."), Link: "/org/units", Check: vaern.CheckUnits},
		{Title: t("Invitér kolleger", "Inviter kolleger", "Invite colleagues"),
			Description: t("Systemejere, respondenter og ledelse, der skal læse rapporterne.",
				"Systemeiere, respondenter og ledere som skal lese rapportene.",
				"System owners, respondents and the managers who read the reports."), Link: "/org/users", Check: vaern.CheckColleagues},
		{Title: t("Importér systemoversigten", "Importer systemoversikten", "Import the register"),
			Description: t("Indlæs det regneark, I allerede har, så advarsler kan målrettes jeres systemer.",
				"Last inn regnearket dere allerede har, slik at varsler kan rettes mot deres systemer.",
				"Load the spreadsheet you already keep, so that warnings can be matched to your systems."), Link: "/register/import", Check: vaern.CheckSystems},
		{Title: t("Slå totrinslogin til", "Slå på totrinnspålogging", "Turn on two-factor sign-in"),
			Description: t("For dig selv og de andre koordinatorer.", "For deg selv og de andre koordinatorene.",
				"For yourself and the other coordinators."), Link: "/account/2fa", Check: vaern.CheckTwoFactor},
		{Title: t("Abonnér på sårbarhedsadvarsler", "Abonner på sårbarhetsvarsler", "Subscribe to warnings"),
			Description: t("Vælg hvordan du vil have besked om advarsler, der rammer jeres systemer.",
				"Velg hvordan du vil varsles om sårbarheter som treffer deres systemer.",
				"Choose how you want to hear about warnings that affect your systems."), Link: "/account#notifications", Check: vaern.CheckWarnings},
	}
}
