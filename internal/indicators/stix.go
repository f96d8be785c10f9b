package indicators

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/incident"
)

// TLP 2.0 marking definitions of the official STIX extension: fixed ids that every consumer
// knows, so they are referred to, and included once per bundle for consumers that want the
// objects themselves.
const tlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

var tlpMarking = map[access.TLP]string{
	access.Clear:       "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	access.Green:       "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	access.Amber:       "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	access.AmberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	access.Red:         "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

// TLP 1.0 markings of the STIX 2.1 specification, which older bundles carry.
var tlp1Marking = map[string]access.TLP{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": access.Clear,
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": access.Green,
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": access.Amber,
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": access.Red,
}

// MarkingTLP is the TLP label of a marking definition id, if it is one of TLP's.
func MarkingTLP(id string) (access.TLP, bool) {
	for t, m := range tlpMarking {
		if m == id {
			return t, true
		}
	}
	t, ok := tlp1Marking[id]
	return t, ok
}

const stixTime = "2006-01-02T15:04:05.000Z"

func stixTS(t time.Time) string { return t.UTC().Format(stixTime) }

type stixWriter struct {
	w     *bufio.Writer
	o     Options
	first bool
	seen  map[access.TLP]bool
	err   error
}

func newSTIXWriter(w *bufio.Writer, o Options) *stixWriter {
	s := &stixWriter{w: w, o: o, seen: map[access.TLP]bool{}}
	v := o.Version
	if v.IsZero() {
		v = time.Unix(0, 0)
	}
	id := map[string]any{"type": "identity", "spec_version": "2.1", "id": o.Publisher.stixID(),
		"created": stixTS(time.Unix(0, 0)), "modified": stixTS(time.Unix(0, 0)), "name": nonEmpty(o.Publisher.Name, "Værn"), "identity_class": "organization"}
	s.w.WriteString(`{"type":"bundle","id":"bundle--` + stableUUID("bundle", fmt.Sprint(o.Publisher.OrgID), o.Type, stixTS(v)) + `","objects":[`)
	s.object(id)
	return s
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *stixWriter) object(v any) {
	if s.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.err = err
		return
	}
	if s.first {
		s.w.WriteByte(',')
	}
	s.first = true
	s.w.WriteByte('\n')
	_, s.err = s.w.Write(b)
}

// Pattern is the STIX pattern of one indicator.
func Pattern(typ, value string) string {
	q := "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value) + "'"
	switch typ {
	case incident.ObsIP, incident.ObsCIDR:
		if isIPv6(value) {
			return "[ipv6-addr:value = " + q + "]"
		}
		return "[ipv4-addr:value = " + q + "]"
	case incident.ObsDomain:
		return "[domain-name:value = " + q + "]"
	case incident.ObsURL:
		return "[url:value = " + q + "]"
	case incident.ObsEmail:
		return "[email-addr:value = " + q + "]"
	case incident.ObsMD5:
		return "[file:hashes.MD5 = " + q + "]"
	case incident.ObsSHA1:
		return "[file:hashes.'SHA-1' = " + q + "]"
	case incident.ObsSHA256:
		return "[file:hashes.'SHA-256' = " + q + "]"
	}
	return ""
}

func (s *stixWriter) Write(n vaern.Indicator) error {
	p := Pattern(n.Type, n.Value)
	if p == "" {
		return nil
	}
	id := n.ExternalID
	if !strings.HasPrefix(id, "indicator--") {
		id = "indicator--" + stableUUID("indicator", fmt.Sprint(n.OrgID), n.Type, n.Value)
	}
	created, modified := n.CreatedAt, n.UpdatedAt
	if modified.Before(created) {
		modified = created
	}
	obj := map[string]any{"type": "indicator", "spec_version": "2.1", "id": id, "created_by_ref": s.o.Publisher.stixID(),
		"created": stixTS(created), "modified": stixTS(modified), "name": n.Value, "pattern": p, "pattern_type": "stix",
		"pattern_version": "2.1", "valid_from": stixTS(n.FirstSeen), "indicator_types": []string{indicatorType(n.Category)},
		"confidence": min(max(n.Confidence, 0), 100)}
	if n.Description != "" {
		obj["description"] = n.Description
	}
	if !n.ExpiresAt.IsZero() && n.ExpiresAt.After(n.FirstSeen) {
		obj["valid_until"] = stixTS(n.ExpiresAt)
	}
	if n.Category != "" {
		obj["labels"] = []string{n.Category}
	}
	if m, ok := tlpMarking[access.TLP(n.TLP)]; ok {
		obj["object_marking_refs"] = []string{m}
		s.seen[access.TLP(n.TLP)] = true
	}
	s.object(obj)
	return s.err
}

// indicatorType is the STIX indicator-type-ov value of a category.
func indicatorType(category string) string {
	switch category {
	case "c2", "malware", "phishing", "exploit":
		return "malicious-activity"
	case "scanning":
		return "anomalous-activity"
	}
	return "malicious-activity"
}

func (s *stixWriter) Close() error {
	for _, t := range access.TLPs {
		if s.seen[t] {
			s.object(map[string]any{"type": "marking-definition", "spec_version": "2.1", "id": tlpMarking[t],
				"created": "2022-10-01T00:00:00.000Z", "name": "TLP:" + string(t),
				"extensions": map[string]any{tlpExtension: map[string]any{"extension_type": "property-extension", "tlp_2_0": strings.ToLower(string(t))}}})
		}
	}
	if s.err != nil {
		return s.err
	}
	s.w.WriteString("\n]}\n")
	return s.w.Flush()
}

// ---- import ----

// ParseSTIX reads a STIX 2.1 bundle (or a single indicator object) and returns the indicators it
// carries. Indicators whose pattern is not one or more equality comparisons on a supported
// observable (joined by OR) are refused one by one with the reason; objects of other types are
// counted as ignored. A malformed bundle or indicator is an error naming the object, and nothing
// is returned.
func ParseSTIX(data []byte) (*Parsed, error) {
	if err := ImportLimits.CheckJSON(data); err != nil {
		return nil, vaern.Invalid("file", "%v", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, vaern.Invalid("file", "is not a JSON object: %v", err)
	}
	var objects []json.RawMessage
	switch typ := jsonString(top["type"]); typ {
	case "bundle":
		if err := json.Unmarshal(top["objects"], &objects); err != nil && len(top["objects"]) > 0 {
			return nil, vaern.Invalid("file", "the bundle's objects are not a list")
		}
	case "indicator":
		objects = []json.RawMessage{data}
	default:
		return nil, vaern.Invalid("file", "is not a STIX 2.1 bundle (its type is %q)", typ)
	}
	p := &Parsed{Format: STIX}
	seen := map[string]bool{}
	for i, raw := range objects {
		var o struct {
			Type        string          `json:"type"`
			ID          string          `json:"id"`
			Name        string          `json:"name"`
			Description string          `json:"description"`
			Pattern     *string         `json:"pattern"`
			PatternType string          `json:"pattern_type"`
			ValidFrom   string          `json:"valid_from"`
			ValidUntil  string          `json:"valid_until"`
			Confidence  *int            `json:"confidence"`
			Markings    []string        `json:"object_marking_refs"`
			Labels      []string        `json:"labels"`
			Revoked     bool            `json:"revoked"`
			Spec        json.RawMessage `json:"spec_version"`
		}
		name := fmt.Sprintf("objects[%d]", i)
		if err := json.Unmarshal(raw, &o); err != nil {
			return nil, vaern.Invalid("file", "%s is not a STIX object: %v", name, jsonErr(err))
		}
		if o.ID != "" {
			name += " (" + o.ID + ")"
		}
		if o.Type == "" {
			return nil, vaern.Invalid("file", "%s has no type", name)
		}
		if o.Type != "indicator" {
			p.Ignored++
			continue
		}
		if !strings.HasPrefix(o.ID, "indicator--") {
			return nil, vaern.Invalid("file", "%s: an indicator needs an id that starts with indicator--", name)
		}
		if o.Pattern == nil {
			return nil, vaern.Invalid("file", "%s: an indicator needs a pattern", name)
		}
		from, err := stixParseTime(o.ValidFrom)
		if err != nil {
			return nil, vaern.Invalid("file", "%s: valid_from %v", name, err)
		}
		var until time.Time
		if o.ValidUntil != "" {
			if until, err = stixParseTime(o.ValidUntil); err != nil {
				return nil, vaern.Invalid("file", "%s: valid_until %v", name, err)
			}
		}
		if o.Confidence != nil && (*o.Confidence < 0 || *o.Confidence > 100) {
			return nil, vaern.Invalid("file", "%s: confidence must be 0-100", name)
		}
		if o.Revoked {
			p.Refused = append(p.Refused, Refusal{Object: o.ID, Reason: "revoked"})
			continue
		}
		if o.PatternType != "stix" {
			p.Refused = append(p.Refused, Refusal{Object: o.ID, Reason: fmt.Sprintf("pattern type %q is not STIX", o.PatternType)})
			continue
		}
		obs, why := parsePattern(*o.Pattern)
		if why != "" {
			p.Refused = append(p.Refused, Refusal{Object: o.ID, Reason: why})
			continue
		}
		tlp := ""
		for _, m := range o.Markings {
			if t, ok := MarkingTLP(m); ok {
				tlp = string(t)
			}
		}
		conf := -1
		if o.Confidence != nil {
			conf = *o.Confidence
		}
		desc := strings.TrimSpace(strings.TrimSpace(o.Name + "\n" + o.Description))
		for _, ob := range obs {
			k := ob.Type + ":" + ob.Value
			if seen[k] {
				continue
			}
			seen[k] = true
			ext := o.ID
			if len(obs) > 1 {
				ext = "" // one STIX object, several indicators: none of them is that object
			}
			p.Items = append(p.Items, Candidate{Type: ob.Type, Value: ob.Value, Description: clip(desc, 2000), ExternalID: ext,
				ValidFrom: from, ValidUntil: until, Confidence: conf, TLP: tlp, Object: o.ID})
		}
	}
	return p, nil
}

func jsonString(raw json.RawMessage) string {
	var s string
	json.Unmarshal(raw, &s)
	return s
}

func jsonErr(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("%s must not be a %s", te.Field, te.Value)
	}
	return err.Error()
}

func stixParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("is missing")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a STIX timestamp", clip(s, 40))
	}
	return t.UTC(), nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// stixPaths maps the object paths Værn reads to indicator types.
var stixPaths = map[string]string{
	"ipv4-addr:value": incident.ObsIP, "ipv6-addr:value": incident.ObsIP, "domain-name:value": incident.ObsDomain,
	"url:value": incident.ObsURL, "email-addr:value": incident.ObsEmail,
	"file:hashes.md5": incident.ObsMD5, "file:hashes.'md5'": incident.ObsMD5, "file:hashes.'md-5'": incident.ObsMD5,
	"file:hashes.sha1": incident.ObsSHA1, "file:hashes.'sha1'": incident.ObsSHA1, "file:hashes.'sha-1'": incident.ObsSHA1,
	"file:hashes.sha256": incident.ObsSHA256, "file:hashes.'sha256'": incident.ObsSHA256, "file:hashes.'sha-256'": incident.ObsSHA256,
}

// parsePattern reads "[path = 'value' OR path = 'value' ...]" and returns the observables, or
// why the pattern is not one Værn reads as indicators (it never guesses at a broader pattern).
func parsePattern(pat string) ([]vaern.Observable, string) {
	s := strings.TrimSpace(pat)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return nil, "the pattern has qualifiers or several observation expressions"
	}
	s = s[1 : len(s)-1]
	var out []vaern.Observable
	for {
		s = strings.TrimSpace(s)
		i := strings.IndexAny(s, " =!<>")
		if i <= 0 {
			return nil, "the pattern is not a comparison"
		}
		path := s[:i]
		rest := strings.TrimSpace(s[i:])
		if !strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "==") {
			return nil, "only equality comparisons (=) are read"
		}
		rest = strings.TrimSpace(rest[1:])
		if !strings.HasPrefix(rest, "'") {
			return nil, "the compared value is not a string"
		}
		var val strings.Builder
		j, closed := 1, false
		for j < len(rest) {
			c := rest[j]
			if c == '\\' && j+1 < len(rest) {
				val.WriteByte(rest[j+1])
				j += 2
				continue
			}
			if c == '\'' {
				closed = true
				j++
				break
			}
			val.WriteByte(c)
			j++
		}
		if !closed {
			return nil, "a string in the pattern is not closed"
		}
		typ, ok := stixPaths[strings.ToLower(path)]
		if !ok {
			return nil, fmt.Sprintf("%s is not an object path Værn reads", clip(path, 60))
		}
		v := val.String()
		if typ == incident.ObsIP && strings.Contains(v, "/") {
			typ = incident.ObsCIDR
		}
		ob, err := incident.ParseObservable(typ + ":" + v)
		if err != nil {
			return nil, fmt.Sprintf("%q is not a valid %s", clip(v, 60), typ)
		}
		out = append(out, ob)
		rest = strings.TrimSpace(rest[j:])
		if rest == "" {
			return out, ""
		}
		if !strings.HasPrefix(rest, "OR ") {
			return nil, "only comparisons joined by OR are read"
		}
		s = rest[3:]
	}
}
