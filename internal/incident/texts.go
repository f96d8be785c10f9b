package incident

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Report is a pre-filled report for one regime and step, in the authority's language: the fields
// its form asks for, with the case's values, and a text ready to copy. The authorities' channels
// (virk.dk, Altinn, NSM's form) have no machine interface: the person copies the fields in and
// records the submission with the authority's reference.
type Report struct {
	Regime    string  `json:"regime"`
	Step      string  `json:"step"`
	Lang      string  `json:"lang"`
	Title     string  `json:"title"`
	Authority string  `json:"authority"`
	Channel   string  `json:"channel"` // where and how to submit it
	Due       string  `json:"due,omitempty"`
	Fields    []Field `json:"fields"`
	Text      string  `json:"text"`
}

// Field is one field of an authority's form.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// ReportInput is what a report is filled from.
type ReportInput struct {
	Case     vaern.Incident
	Org      string   // the member's name
	Systems  []string // names of the affected systems
	Units    []string
	Due      time.Time
	Contact  string // the handler's name and e-mail
	Timeline []string
}

type words struct {
	title, authority, channel                                              string
	org, contact, aware, started, what, cause, class, severity, services   string
	cross, pd, pdCount, systems, units, status, measures, yes, no, unknown string
	sev                                                                    [5]string
	step                                                                   map[string]string
	intro                                                                  map[string]string
	dateFmt                                                                string
}

var da = words{
	org: "Organisation", contact: "Kontaktperson", aware: "Tidspunkt for kendskab", started: "Hændelsen begyndte",
	what: "Beskrivelse af hændelsen", cause: "Formodet årsag", class: "Klassifikation (RSIT)", severity: "Alvorlighed",
	services: "Berørte tjenester", cross: "Grænseoverskridende virkning", pd: "Personoplysninger berørt",
	pdCount: "Omtrentligt antal berørte personer", systems: "Berørte systemer", units: "Berørte enheder", status: "Status",
	measures: "Iværksatte tiltag", yes: "Ja", no: "Nej", unknown: "Ikke kendt endnu",
	sev:     [5]string{"Ikke vurderet", "Lav", "Middel", "Høj", "Kritisk"},
	dateFmt: "02-01-2006 kl. 15:04",
	step: map[string]string{"early_warning": "Tidlig varsling", "notification": "Hændelsesanmeldelse", "intermediate": "Foreløbig rapport",
		"progress": "Statusrapport", "final": "Endelig rapport", "supplement": "Supplerende oplysninger", "data_subjects": "Underretning af de registrerede"},
	intro: map[string]string{
		"early_warning": "Vi varsler hermed om en væsentlig hændelse, som vi blev bekendt med %s. Vi vurderer foreløbigt om hændelsen skyldes en ulovlig eller ondsindet handling, og om den kan have grænseoverskridende virkning.",
		"notification":  "Vi anmelder hermed hændelsen, som vi blev bekendt med %s, med vores første vurdering af dens alvor og virkning.",
		"intermediate":  "Efter anmodning sender vi en foreløbig rapport om hændelsen, som vi blev bekendt med %s.",
		"progress":      "Hændelsen, som vi blev bekendt med %s, er endnu ikke afsluttet. Denne statusrapport beskriver hvor håndteringen står.",
		"final":         "Dette er den endelige rapport om hændelsen, som vi blev bekendt med %s: en detaljeret beskrivelse, den formodede grundlæggende årsag, de iværksatte tiltag og eventuel grænseoverskridende virkning.",
		"supplement":    "Vi supplerer vores anmeldelse af bruddet på persondatasikkerheden, som vi blev bekendt med %s.",
		"data_subjects": "Vi skriver til dig, fordi der %s er sket et brud på sikkerheden, som kan berøre dine personoplysninger. Her er hvad der skete, hvad det kan betyde for dig, og hvad vi gør.",
	},
}

var nb = words{
	org: "Virksomhet", contact: "Kontaktperson", aware: "Tidspunkt for oppdagelse", started: "Hendelsen startet",
	what: "Beskrivelse av hendelsen", cause: "Antatt årsak", class: "Klassifisering (RSIT)", severity: "Alvorlighet",
	services: "Berørte tjenester", cross: "Grenseoverskridende virkning", pd: "Personopplysninger berørt",
	pdCount: "Omtrentlig antall berørte personer", systems: "Berørte systemer", units: "Berørte enheter", status: "Status",
	measures: "Tiltak som er satt i verk", yes: "Ja", no: "Nei", unknown: "Ikke kjent ennå",
	sev:     [5]string{"Ikke vurdert", "Lav", "Middels", "Høy", "Kritisk"},
	dateFmt: "02.01.2006 kl. 15.04",
	step: map[string]string{"early_warning": "Tidlig varsel", "notification": "Hendelsesvarsel", "intermediate": "Foreløpig rapport",
		"progress": "Statusrapport", "final": "Sluttrapport", "supplement": "Tilleggsopplysninger", "data_subjects": "Underretning til de registrerte"},
	intro: map[string]string{
		"early_warning": "Vi varsler om en alvorlig hendelse som vi ble kjent med %s. Vi vurderer foreløpig om hendelsen skyldes en ulovlig eller ondsinnet handling, og om den kan ha grenseoverskridende virkning.",
		"notification":  "Vi melder hendelsen som vi ble kjent med %s, med vår første vurdering av alvorlighet og virkning.",
		"intermediate":  "Etter anmodning sender vi en foreløpig rapport om hendelsen som vi ble kjent med %s.",
		"progress":      "Hendelsen som vi ble kjent med %s, er ikke avsluttet. Denne statusrapporten beskriver hvor håndteringen står.",
		"final":         "Dette er sluttrapporten om hendelsen som vi ble kjent med %s: en detaljert beskrivelse, antatt grunnleggende årsak, tiltakene som er satt i verk og eventuell grenseoverskridende virkning.",
		"supplement":    "Vi supplerer vår melding om brudd på personopplysningssikkerheten som vi ble kjent med %s.",
		"data_subjects": "Vi skriver til deg fordi det %s har skjedd et sikkerhetsbrudd som kan berøre dine personopplysninger. Her er hva som skjedde, hva det kan bety for deg, og hva vi gjør.",
	},
}

// channels says where each regime's reports go, per country, in that country's language.
var channels = map[string]map[string][2]string{
	"nis2-dk": {"DK": {"Fælles indberetning af sikkerhedshændelser (NIS2)", "virk.dk: den fælles indberetningsløsning for sikkerhedshændelser. Log ind med MitID Erhverv, vælg NIS2-hændelse og udfyld felterne nedenfor. Indberetningen sendes videre til den kompetente myndighed og CSIRT. Notér kvitteringens journalnummer her."}},
	"dsl-no":  {"NO": {"Varsel til NSM (digitalsikkerhetsloven)", "NSMs skjema for varsling av hendelser (NorCERT). Fyll inn feltene nedenfor. Ved akutte hendelser: ring også NSM. Noter NSMs referanse her."}},
	"gdpr-33": {
		"DK": {"Anmeldelse af brud på persondatasikkerheden", "Datatilsynets formular til anmeldelse af brud (via virk.dk). Udfyld felterne nedenfor; oplysninger der endnu ikke kendes kan eftersendes. Notér Datatilsynets journalnummer her."},
		"NO": {"Melding om avvik (brudd på personopplysningssikkerheten)", "Datatilsynets skjema for avviksmelding i Altinn. Logg inn på vegne av kommunen, fyll inn feltene nedenfor; det som ikke er kjent ennå kan ettersendes. Noter Altinn-referansen her."},
	},
	"gdpr-34": {
		"DK": {"Underretning af de registrerede", "Brev eller e-mail til de berørte personer (Digital Post hvor muligt). Teksten skal være klar og enkel."},
		"NO": {"Underretning til de registrerte", "Brev eller e-post til de berørte (Digipost/eBoks der det er mulig). Teksten skal være klar og enkel."},
	},
}

// BuildReport fills regime's report for step from in, in the language of the member's authority
// (Danish in Denmark, Norwegian bokmål in Norway). A centre-defined regime gets the same fields.
func BuildReport(reg Regime, step string, in ReportInput) Report {
	w, lang := da, "da"
	if in.Case.Country == "NO" {
		w, lang = nb, "nb"
	}
	loc := Zone(in.Case.Country)
	when := func(t time.Time) string {
		if t.IsZero() {
			return w.unknown
		}
		return t.In(loc).Format(w.dateFmt)
	}
	yn := func(b bool) string {
		if b {
			return w.yes
		}
		return w.no
	}
	or := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return w.unknown
		}
		return s
	}
	c := in.Case
	stepName := w.step[step]
	if stepName == "" {
		stepName = step
	}
	r := Report{Regime: reg.Key, Step: step, Lang: lang, Authority: reg.Authority}
	if ch, ok := channels[reg.Key][c.Country]; ok {
		r.Title, r.Channel = ch[0]+" – "+stepName, ch[1]
	} else {
		r.Title = reg.Name + " – " + stepName
	}
	if !in.Due.IsZero() {
		r.Due = when(in.Due)
	}
	pd := yn(c.PersonalData)
	count := w.unknown
	if c.PDCount > 0 {
		count = strconv.Itoa(c.PDCount)
	}
	f := []Field{{w.org, in.Org}, {w.contact, or(in.Contact)}, {w.aware, when(c.AwareAt)}, {w.started, when(c.StartedAt)},
		{w.what, or(c.Title + "\n" + c.Description)}, {w.severity, w.sev[c.Severity]}}
	switch step {
	case "data_subjects":
		f = []Field{{w.org, in.Org}, {w.contact, or(in.Contact)}, {w.what, or(c.Description)}, {w.measures, or(strings.Join(in.Timeline, "\n"))}}
	case "early_warning":
		f = append(f, Field{w.cause, or(c.Cause)}, Field{w.cross, yn(c.CrossBorder)})
	default:
		f = append(f, Field{w.cause, or(c.Cause)}, Field{w.class, or(c.Classification)}, Field{w.services, or(c.Services)},
			Field{w.cross, yn(c.CrossBorder)}, Field{w.pd, pd}, Field{w.pdCount, count},
			Field{w.systems, or(strings.Join(in.Systems, ", "))}, Field{w.units, or(strings.Join(in.Units, ", "))},
			Field{w.status, string(c.Status)}, Field{w.measures, or(strings.Join(in.Timeline, "\n"))})
	}
	r.Fields = f
	var b strings.Builder
	intro := w.intro[step]
	if intro == "" {
		intro = "%s"
	}
	fmt.Fprintf(&b, intro, when(c.AwareAt))
	b.WriteString("\n\n")
	for _, x := range f {
		fmt.Fprintf(&b, "%s: %s\n", x.Label, x.Value)
	}
	r.Text = strings.TrimSpace(b.String())
	return r
}
