package incident

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Trigger is the moment a step's clock starts.
type Trigger string

const (
	// FromAwareness: the member became aware of the incident.
	FromAwareness Trigger = "awareness"
	// FromNotification: the regime's "notification" step was submitted.
	FromNotification Trigger = "notification"
	// FromHandled: the end of handling (the case was resolved).
	FromHandled Trigger = "handled"
	// FromRequest: the authority asked for the report (recorded on the case).
	FromRequest Trigger = "request"
	// FromNotificationOrHandled is NIS2's final report: a month after the notification when the
	// incident is handled by then, otherwise a month after the end of handling.
	FromNotificationOrHandled Trigger = "notification_or_handled"
)

var triggers = []Trigger{FromAwareness, FromNotification, FromHandled, FromRequest, FromNotificationOrHandled}

// Met says what fulfils a step.
const (
	MetByReport    = ""          // a report submitted to the authority (recorded on the case)
	MetByAck       = "ack"       // the case was acknowledged (moved out of "new")
	MetByContained = "contained" // the case was contained
	MetByResolved  = "resolved"  // the case was resolved
)

// Step is one deadline of a regime: a length from a trigger.
type Step struct {
	Key     string  `json:"key"`
	Trigger Trigger `json:"trigger"`
	Hours   int     `json:"hours,omitempty"`  // elapsed hours (across DST changes)
	Months  int     `json:"months,omitempty"` // calendar months in the member's time zone
	MetBy   string  `json:"met_by,omitempty"`
	// OnlyIfOngoing: the step is due only when handling has not ended by its due time (NIS2's
	// progress report, which then stands in for the final report's first date).
	OnlyIfOngoing bool `json:"only_if_ongoing,omitempty"`
}

// Length is the step's length as text for settings and docs ("24h", "1 month").
func (s Step) Length() string {
	switch {
	case s.Months > 0 && s.Hours > 0:
		return fmt.Sprintf("%d month + %dh", s.Months, s.Hours)
	case s.Months > 0:
		return fmt.Sprintf("%d month", s.Months)
	}
	return fmt.Sprintf("%dh", s.Hours)
}

// Regime is a set of deadlines that applies to a case when its conditions fit.
type Regime struct {
	Key       string `json:"key"`
	Name      string `json:"name"`      // its name in English, for lists
	Authority string `json:"authority"` // who receives the reports
	// Conditions: a country ("DK", "NO"; "" any), sectors (empty: any), personal data needed,
	// high risk to people needed.
	Country      string   `json:"country,omitempty"`
	Sectors      []string `json:"sectors,omitempty"`
	PersonalData bool     `json:"personal_data,omitempty"`
	HighRisk     bool     `json:"high_risk,omitempty"`
	// Legal regimes are set by law: their reminders cannot be switched off. The centre's own
	// regimes (SLAs) are not.
	Legal  bool   `json:"legal"`
	Centre bool   `json:"centre,omitempty"` // defined by the centre
	Steps  []Step `json:"steps"`
}

// NIS2Sectors are the sectors of NIS2 annex I and II that a municipality's case may fall under;
// a municipality is "public_administration".
var NIS2Sectors = []string{"public_administration", "health", "drinking_water", "waste_water", "energy", "transport", "digital_infrastructure", "ict_services", "waste_management", "other"}

// nis2Steps are NIS2 art. 23's steps, shared by the Danish law and Norway's
// digitalsikkerhetslov.
func nis2Steps() []Step {
	return []Step{
		{Key: "early_warning", Trigger: FromAwareness, Hours: 24},
		{Key: "notification", Trigger: FromAwareness, Hours: 72},
		{Key: "intermediate", Trigger: FromRequest, Hours: 72},
		{Key: "progress", Trigger: FromNotification, Months: 1, OnlyIfOngoing: true},
		{Key: "final", Trigger: FromNotificationOrHandled, Months: 1},
	}
}

// Builtin are the regimes Værn knows. Their lengths are defaults: the centre changes them in its
// settings (Settings.Lengths), because the law changes (the Digital Omnibus proposal moves GDPR
// art. 33 to 96 hours).
func Builtin() []Regime {
	public := []string{"public_administration", "health", "drinking_water", "waste_water", "energy", "transport", "digital_infrastructure", "ict_services", "waste_management"}
	return []Regime{
		{Key: "nis2-dk", Name: "NIS2 (Denmark)", Authority: "virk.dk", Country: "DK", Sectors: public, Legal: true, Steps: nis2Steps()},
		{Key: "dsl-no", Name: "Digitalsikkerhetsloven (Norway)", Authority: "NSM", Country: "NO", Sectors: public, Legal: true, Steps: nis2Steps()},
		{Key: "gdpr-33", Name: "GDPR art. 33", Authority: "Datatilsynet", PersonalData: true, Legal: true, Steps: []Step{
			{Key: "notification", Trigger: FromAwareness, Hours: 72},
			{Key: "supplement", Trigger: FromRequest, Hours: 72},
		}},
		{Key: "gdpr-34", Name: "GDPR art. 34", Authority: "data_subjects", PersonalData: true, HighRisk: true, Legal: true, Steps: []Step{
			// "Without undue delay": no length in the law; this is Værn's default, a setting.
			{Key: "data_subjects", Trigger: FromAwareness, Hours: 72},
		}},
	}
}

// Settings are the centre's incident settings: changed lengths, its own regimes, regimes switched
// off, and when reminders go out before a deadline.
type Settings struct {
	// Lengths overrides a step's length: "gdpr-33/notification" → {Hours: 96}.
	Lengths map[string]Length `json:"lengths,omitempty"`
	// Regimes are the centre's own (an internal SLA); Centre is set on each.
	Regimes []Regime `json:"regimes,omitempty"`
	// Off are built-in regimes the centre does not apply automatically (a handler can still add
	// one by hand).
	Off []string `json:"off,omitempty"`
	// Reminders are the points before each deadline at which its reminder goes out, in hours
	// (default 12 and 2); the escalation when overdue always goes out.
	Reminders []int `json:"reminders,omitempty"`
}

// Length is a step's configured length.
type Length struct {
	Hours  int `json:"hours"`
	Months int `json:"months"`
}

// DefaultReminders are the reminder points without a setting: 12 and 2 hours before.
var DefaultReminders = []int{12, 2}

// ParseSettings reads stored settings; empty is the defaults.
func ParseSettings(b []byte) (Settings, error) {
	var s Settings
	if len(strings.TrimSpace(string(b))) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, vaern.Invalid("settings", "is not valid: %v", err)
	}
	return s, nil
}

// ReminderPoints are the reminder lead times, longest first.
func (s Settings) ReminderPoints() []time.Duration {
	pts := s.Reminders
	if len(pts) == 0 {
		pts = DefaultReminders
	}
	out := make([]time.Duration, 0, len(pts))
	for _, h := range pts {
		out = append(out, time.Duration(h)*time.Hour)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out
}

// Validate checks settings before they are stored, naming the wrong field.
func (s Settings) Validate() error {
	known := map[string]Regime{}
	for _, r := range Builtin() {
		known[r.Key] = r
	}
	for i, r := range s.Regimes {
		f := fmt.Sprintf("regimes[%d]", i)
		if !validKey(r.Key) {
			return vaern.Invalid(f+".key", "must be lower-case letters, digits and dashes")
		}
		if _, dup := known[r.Key]; dup {
			return vaern.Invalid(f+".key", "%q is already a regime", r.Key)
		}
		if strings.TrimSpace(r.Name) == "" {
			return vaern.Invalid(f+".name", "is required")
		}
		if r.Country != "" && r.Country != "DK" && r.Country != "NO" {
			return vaern.Invalid(f+".country", "must be DK, NO or empty")
		}
		if len(r.Steps) == 0 {
			return vaern.Invalid(f+".steps", "needs at least one step")
		}
		for j, st := range r.Steps {
			g := fmt.Sprintf("%s.steps[%d]", f, j)
			if !validKey(st.Key) {
				return vaern.Invalid(g+".key", "must be lower-case letters, digits and underscores")
			}
			if !validTrigger(st.Trigger) {
				return vaern.Invalid(g+".trigger", "must be one of awareness, notification, handled, request, notification_or_handled")
			}
			if err := checkLength(g, st.Hours, st.Months); err != nil {
				return err
			}
			switch st.MetBy {
			case MetByReport, MetByAck, MetByContained, MetByResolved:
			default:
				return vaern.Invalid(g+".met_by", "must be empty, ack, contained or resolved")
			}
		}
		known[r.Key] = r
	}
	for k, l := range s.Lengths {
		reg, step, ok := strings.Cut(k, "/")
		r, found := known[reg]
		if !ok || !found || r.step(step) == nil {
			return vaern.Invalid("lengths", "%q names no step of a regime", k)
		}
		if err := checkLength("lengths."+k, l.Hours, l.Months); err != nil {
			return err
		}
	}
	for _, k := range s.Off {
		if _, ok := known[k]; !ok {
			return vaern.Invalid("off", "%q is not a regime", k)
		}
	}
	for _, h := range s.Reminders {
		if h < 1 || h > 24*14 {
			return vaern.Invalid("reminders", "must be between 1 and 336 hours")
		}
	}
	return nil
}

func checkLength(field string, hours, months int) error {
	if hours < 0 || months < 0 || hours > 24*400 || months > 24 {
		return vaern.Invalid(field, "length out of range")
	}
	if hours == 0 && months == 0 {
		return vaern.Invalid(field, "needs a length in hours or months")
	}
	return nil
}

func validTrigger(t Trigger) bool {
	for _, x := range triggers {
		if x == t {
			return true
		}
	}
	return false
}

func validKey(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (r Regime) step(key string) *Step {
	for i := range r.Steps {
		if r.Steps[i].Key == key {
			return &r.Steps[i]
		}
	}
	return nil
}

// Regimes are every regime in force under settings s, built-in first, with the configured
// lengths applied.
func (s Settings) All() []Regime {
	out := append(Builtin(), s.Regimes...)
	for i := range out {
		r := &out[i]
		if i >= len(Builtin()) {
			r.Centre = true
		}
		steps := append([]Step(nil), r.Steps...)
		for j := range steps {
			if l, ok := s.Lengths[r.Key+"/"+steps[j].Key]; ok {
				steps[j].Hours, steps[j].Months = l.Hours, l.Months
			}
		}
		r.Steps = steps
	}
	return out
}

// Lookup finds regime key under s.
func (s Settings) Lookup(key string) (Regime, bool) {
	for _, r := range s.All() {
		if r.Key == key {
			return r, true
		}
	}
	return Regime{}, false
}

// Fits reports whether regime r applies to a case by its conditions.
func (r Regime) Fits(c vaern.Incident) bool {
	if r.Country != "" && r.Country != c.Country {
		return false
	}
	if len(r.Sectors) > 0 {
		sector := c.Sector
		if sector == "" {
			sector = "public_administration"
		}
		ok := false
		for _, x := range r.Sectors {
			ok = ok || x == sector
		}
		if !ok {
			return false
		}
	}
	if r.PersonalData && !c.PersonalData {
		return false
	}
	if r.HighRisk && !c.HighRisk {
		return false
	}
	return true
}

// Fitting lists the keys of the regimes that apply to c automatically under s.
func (s Settings) Fitting(c vaern.Incident) []string {
	off := map[string]bool{}
	for _, k := range s.Off {
		off[k] = true
	}
	var out []string
	for _, r := range s.All() {
		if !off[r.Key] && r.Fits(c) {
			out = append(out, r.Key)
		}
	}
	return out
}
