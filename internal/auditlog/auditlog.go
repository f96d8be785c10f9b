// Package auditlog turns audit rows into what a person reads: the action in their language, who
// acted and what the change was about by name, the object as a link, and the recorded details as
// labelled values instead of JSON. It is pure: the caller gives the names it may show.
package auditlog

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
)

// Categories are the kinds of action the log can be filtered by: the part of an action before
// its dot, in the order the filter offers them.
var Categories = []string{"auth", "user", "membership", "link", "api_token", "org", "unit", "round", "framework",
	"assessment", "delegation", "answer", "evidence", "action", "system", "risk", "treatment", "threat", "risk_matrix", "register",
	"member_group", "recovery", "notify", "webhook", "job", "contact",
	"advisory", "exposure", "product_mapping", "warning_feed", "incident", "indicator", "sso", "identity",
	"service", "subscription", "onboarding", "handover", "mapping", "sensor", "early_warning", "warninglist", "knowledge"}

// KnownCategory reports whether c is one of Categories.
func KnownCategory(c string) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Names are the names the reader may see, by id.
type Names struct {
	Users   map[int64]string
	Units   map[int64]string
	Systems map[int64]string
}

// Field is one recorded detail, labelled and formatted.
type Field struct {
	Label string
	Value string
}

// Row is an audit row as a person reads it.
type Row struct {
	vaern.AuditEntry
	Who        string // the actor's name, or the e-mail recorded with the row
	What       string // the action in the reader's language
	ObjectText string
	ObjectHref string // "" when there is no page for the object
	Details    []Field
}

// DetailText is the row's details on one line, for exports.
func (r Row) DetailText() string {
	parts := make([]string, len(r.Details))
	for i, f := range r.Details {
		parts[i] = f.Label + ": " + f.Value
	}
	return strings.Join(parts, "; ")
}

// Describe makes a row readable in l's language with names from n.
func Describe(l *i18n.Localizer, e vaern.AuditEntry, n Names) Row {
	r := Row{AuditEntry: e, What: l.Maybe("audit.action."+e.Action, e.Action)}
	switch {
	case n.Users[e.ActorID] != "":
		r.Who = n.Users[e.ActorID]
	case e.ActorEmail != "":
		r.Who = e.ActorEmail
	default:
		r.Who = l.T("audit.system")
	}
	var detail map[string]any
	if e.Detail != "" {
		d := json.NewDecoder(strings.NewReader(e.Detail))
		d.UseNumber()
		_ = d.Decode(&detail) // a detail that is not an object is shown as it is below
		if detail == nil {
			r.Details = []Field{{Label: l.T("audit.detail"), Value: e.Detail}}
		}
	}
	r.ObjectText, r.ObjectHref = object(l, e, detail, n)
	keys := make([]string, 0, len(detail))
	for k := range detail {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := value(l, k, detail[k], n)
		// A change of a system is recorded per field as [old, new].
		if pair, ok := detail[k].([]any); ok && len(pair) == 2 && e.Action == "system.update" {
			v = value(l, k, pair[0], n) + " → " + value(l, k, pair[1], n)
		}
		r.Details = append(r.Details, Field{Label: label(l, k), Value: v})
	}
	return r
}

func label(l *i18n.Localizer, key string) string { return l.Maybe("audit.field."+key, key) }

// object names the row's object and links to its page when it has one.
func object(l *i18n.Localizer, e vaern.AuditEntry, detail map[string]any, n Names) (string, string) {
	if e.ObjectType == "" {
		return "", ""
	}
	kind := l.Maybe("audit.type."+e.ObjectType, e.ObjectType)
	id, _ := strconv.ParseInt(e.ObjectID, 10, 64)
	named := func(name, href string) (string, string) {
		if name == "" {
			name = "#" + e.ObjectID
		}
		return kind + " " + name, href
	}
	switch e.ObjectType {
	case "user":
		return named(n.Users[id], "/org/users/"+e.ObjectID)
	case "unit":
		return named(n.Units[id], "/org/units/"+e.ObjectID)
	case "system":
		if n.Systems[id] == "" {
			return named("", "") // deleted: no page any more
		}
		return named(n.Systems[id], "/register/systems/"+e.ObjectID)
	case "risk":
		return named("", "/register/risks/"+e.ObjectID)
	case "assessment":
		return named("", "/baseline/"+e.ObjectID)
	case "round":
		return named("", "/centre/rounds/"+e.ObjectID)
	case "framework":
		return named("", "/centre/frameworks/"+e.ObjectID)
	case "answer":
		q, _ := detail["question"].(string)
		aid := fmt.Sprint(detail["assessment_id"])
		if q == "" {
			return named("", "")
		}
		name := q
		unit := int64(0)
		if u, ok := detail["unit_id"].(json.Number); ok {
			unit, _ = u.Int64()
		}
		if unit != 0 && n.Units[unit] != "" {
			name += " – " + n.Units[unit]
		}
		if _, err := strconv.ParseInt(aid, 10, 64); err != nil {
			return kind + " " + name, ""
		}
		return kind + " " + name, "/baseline/" + aid + "/history?" + url.Values{"q": {q}, "unit": {strconv.FormatInt(unit, 10)}}.Encode()
	}
	return named("", "")
}

// userKeys and unitKeys are the detail fields that hold a person's or a unit's id.
var (
	userKeys = map[string]bool{"owner_id": true, "system_owner_id": true, "data_owner_id": true, "accepted_by": true, "user_id": true}
	unitKeys = map[string]bool{"unit_id": true, "parent_id": true, "units": true}
	// enumKeys hold codes that read better translated (audit.value.CODE), such as a sign-in method.
	enumKeys = map[string]bool{"method": true, "step": true, "kind": true, "status": true, "hosting": true, "dpa_status": true, "source": true}
)

// value formats one detail; k is its field name.
func value(l *i18n.Localizer, k string, v any, n Names) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case bool:
		if x {
			return l.T("audit.yes")
		}
		return l.T("audit.no")
	case json.Number:
		id, err := x.Int64()
		switch {
		case err != nil:
		case userKeys[k]:
			if id == 0 {
				return "–"
			}
			if name := n.Users[id]; name != "" {
				return name
			}
		case unitKeys[k]:
			if id == 0 {
				return l.T("audit.no_unit")
			}
			if name := n.Units[id]; name != "" {
				return name
			}
		}
		return x.String()
	case string:
		switch {
		case x == "":
			return "–"
		case k == "role":
			return l.Maybe("role."+x, x)
		case enumKeys[k]:
			return l.Maybe("audit.value."+x, x)
		}
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = value(l, k, e, n)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for kk := range x {
			keys = append(keys, kk)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, kk := range keys {
			parts[i] = label(l, kk) + ": " + value(l, kk, x[kk], n)
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}
