package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/incident"
)

// incidentNav are the incident module's navigation entries: the member's cases, the centre's
// queue of reported cases.
func incidentNav(p *vaern.Principal) []NavItem {
	if p.Org.IsCentre() {
		if vaern.Can(p.Role, vaern.PermIncidentCentre) {
			return []NavItem{{Href: "/centre/incidents", Key: "inc.nav.queue"}}
		}
		return nil
	}
	if vaern.Can(p.Role, vaern.PermIncidentView) {
		return []NavItem{{Href: "/incidents", Key: "inc.nav.cases"}}
	}
	return nil
}

// clockView is a deadline's clock as a page shows it.
type clockView struct {
	Text  string // "due in 5 h 12 min", "overdue by 3 h"
	Class string // inc-clock-open, -soon, -overdue, -done, -waiting
	Due   string // the due time on the member's wall clock
	// A running clock keeps ticking in the browser (app.js): the due time in Unix milliseconds
	// and the texts it writes with, in the reader's language. Zero for a clock that stands still.
	DueMS int64
	NowMS int64  // the server's time when the page was made: the browser counts from it, not from its own clock
	Left  string // "%s left"
	Over  string // "Overdue by %s"
	Units string // "%d d|%d h|%d min"
}

// clockOf reads a deadline's clock at now in l's language and the member's zone.
func clockOf(l *i18n.Localizer, d vaern.Deadline, country string, now time.Time) clockView {
	loc := incident.Zone(country)
	v := clockView{}
	if !d.DueAt.IsZero() {
		v.Due = d.DueAt.In(loc).Format("2006-01-02 15:04 MST")
	}
	switch d.Status {
	case vaern.DeadlineSubmitted:
		v.Text, v.Class = l.T("inc.clock.done", d.Submitted.In(loc).Format("2006-01-02 15:04")), "inc-clock-done"
		return v
	case vaern.DeadlineWaiting:
		v.Text, v.Class = l.T("inc.clock.waiting"), "inc-clock-waiting"
		return v
	case vaern.DeadlineOverdue:
		v.Text, v.Class = l.T("inc.clock.overdue", span(l, now.Sub(d.DueAt))), "inc-clock-overdue"
	default:
		left := d.DueAt.Sub(now)
		v.Text, v.Class = l.T("inc.clock.left", span(l, left)), "inc-clock-open"
		if left < 6*time.Hour {
			v.Class = "inc-clock-soon"
		}
	}
	if !d.DueAt.IsZero() {
		v.DueMS, v.NowMS = d.DueAt.UnixMilli(), now.UnixMilli()
		v.Left, v.Over = l.T("inc.clock.left"), l.T("inc.clock.overdue")
		v.Units = l.T("inc.span.days") + "|" + l.T("inc.span.hours") + "|" + l.T("inc.span.minutes")
	}
	return v
}

// span writes a duration as days, hours and minutes, coarsely.
func span(l *i18n.Localizer, d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, l.T("inc.span.days", days))
	}
	if hours > 0 && days < 7 {
		parts = append(parts, l.T("inc.span.hours", hours))
	}
	if mins > 0 && days == 0 && hours < 12 {
		parts = append(parts, l.T("inc.span.minutes", mins))
	}
	if len(parts) == 0 {
		return l.T("inc.span.minutes", 0)
	}
	return strings.Join(parts, " ")
}

// incidentsFuncs are the incident pages' template helpers.
func incidentsFuncs() template.FuncMap {
	return template.FuncMap{
		"incclock": func(l *i18n.Localizer, d vaern.Deadline, country string, now time.Time) clockView {
			return clockOf(l, d, country, now)
		},
		"inclocal": func(t time.Time, country string) string {
			if t.IsZero() {
				return "–"
			}
			return t.In(incident.Zone(country)).Format("2006-01-02 15:04")
		},
		"incid": func(id int64) string { return fmt.Sprint(id) },
		"incstatuses": func() []string {
			out := []string{"open", "all"}
			for _, st := range vaern.IncidentStatuses {
				out = append(out, string(st))
			}
			return out
		},
		"incstrs": func(v ...string) []string { return v },
		"incfield": func(p *Page, name, typ, label string) incField {
			return incField{P: p, Name: name, Type: typ, Label: label}
		},
		"incchecked": func(p *Page, name string, id int64) bool {
			for _, v := range p.Form[name] {
				if v == fmt.Sprint(id) {
					return true
				}
			}
			return false
		},
		"incmeasure": func(l *i18n.Localizer, m string) string {
			reg, step, _ := strings.Cut(m, "/")
			return l.Maybe("inc.regime."+reg, reg) + " – " + l.Maybe("inc.step."+step, step)
		},
		"inchours": func(h float64) string { return fmt.Sprintf("%.1f", h) },
	}
}

// incField is one labelled input of an incident form.
type incField struct {
	P                 *Page
	Name, Type, Label string
}
