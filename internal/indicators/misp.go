package indicators

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/incident"
)

// A MISP feed is a directory a MISP instance polls: manifest.json (the events by uuid with their
// time stamps, so MISP fetches only changed ones), one <uuid>.json per event, and hashes.csv
// (md5 of each attribute value, and the event it is in) for MISP's quick overlap check. Værn
// writes one event per TLP label, so that an event's label is its attributes' label.

// Feed is a MISP feed being built.
type Feed struct {
	org     Identity
	version time.Time
	events  map[access.TLP]*mispEvent
}

type mispEvent struct {
	UUID      string
	TLP       access.TLP
	Latest    time.Time
	Attribute []map[string]any
}

// NewFeed starts a feed published by org, as of version (the newest change in it).
func NewFeed(org Identity, version time.Time) *Feed {
	return &Feed{org: org, version: version, events: map[access.TLP]*mispEvent{}}
}

// mispTypes maps indicator types to MISP attribute types and categories.
var mispTypes = map[string][2]string{
	incident.ObsIP: {"ip-dst", "Network activity"}, incident.ObsCIDR: {"ip-dst", "Network activity"},
	incident.ObsDomain: {"domain", "Network activity"}, incident.ObsURL: {"url", "Network activity"},
	incident.ObsEmail: {"email-src", "Payload delivery"}, incident.ObsMD5: {"md5", "Payload delivery"},
	incident.ObsSHA1: {"sha1", "Payload delivery"}, incident.ObsSHA256: {"sha256", "Payload delivery"},
	incident.ObsJA3: {"ja3-fingerprint-md5", "Network activity"},
}

// Add puts one indicator into the event of its label.
func (f *Feed) Add(n vaern.Indicator) {
	t := access.TLP(n.TLP)
	ev := f.events[t]
	if ev == nil {
		ev = &mispEvent{UUID: stableUUID("misp-event", fmt.Sprint(f.org.OrgID), string(t)), TLP: t}
		f.events[t] = ev
	}
	if n.UpdatedAt.After(ev.Latest) {
		ev.Latest = n.UpdatedAt
	}
	mt := mispTypes[n.Type]
	a := map[string]any{"uuid": stableUUID("misp-attribute", fmt.Sprint(n.OrgID), n.Type, n.Value), "type": mt[0], "category": mt[1],
		"value": n.Value, "to_ids": true, "timestamp": unix(n.UpdatedAt), "comment": n.Description, "distribution": "5",
		"first_seen": n.FirstSeen.UTC().Format(time.RFC3339), "last_seen": n.LastSeen.UTC().Format(time.RFC3339)}
	ev.Attribute = append(ev.Attribute, a)
}

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

var tlpColour = map[access.TLP]string{access.Clear: "#ffffff", access.Green: "#33ff00", access.Amber: "#ffc000",
	access.AmberStrict: "#ffc000", access.Red: "#ff2b2b"}

func (f *Feed) sorted() []*mispEvent {
	var out []*mispEvent
	for _, t := range append([]access.TLP{""}, access.TLPs...) {
		if ev := f.events[t]; ev != nil {
			out = append(out, ev)
		}
	}
	return out
}

func (f *Feed) head(ev *mispEvent) map[string]any {
	latest := ev.Latest
	if latest.IsZero() {
		latest = f.version
	}
	name := "tlp:unlabelled"
	if ev.TLP != "" {
		name = "tlp:" + strings.ToLower(string(ev.TLP))
	}
	return map[string]any{
		"uuid": ev.UUID, "info": fmt.Sprintf("%s indicators %s", nonEmpty(f.org.Name, "Værn"), strings.ToUpper(name)),
		"date": latest.UTC().Format(time.DateOnly), "timestamp": unix(latest), "publish_timestamp": unix(latest),
		"published": true, "analysis": "2", "threat_level_id": "2", "distribution": "0",
		"Orgc": map[string]any{"name": nonEmpty(f.org.Name, "Værn"), "uuid": f.org.mispUUID()},
		"Tag":  []map[string]any{{"name": name, "colour": tlpColour[ev.TLP], "exportable": true}},
	}
}

// Manifest is manifest.json.
func (f *Feed) Manifest() []byte {
	m := map[string]any{}
	for _, ev := range f.sorted() {
		h := f.head(ev)
		delete(h, "uuid")
		delete(h, "published")
		delete(h, "publish_timestamp")
		delete(h, "distribution")
		m[ev.UUID] = h
	}
	b, _ := json.Marshal(m)
	return b
}

// EventUUIDs are the feed's events.
func (f *Feed) EventUUIDs() []string {
	var out []string
	for _, ev := range f.sorted() {
		out = append(out, ev.UUID)
	}
	return out
}

// Event is <uuid>.json, or nil when the feed has no such event.
func (f *Feed) Event(id string) []byte {
	for _, ev := range f.sorted() {
		if ev.UUID == id {
			h := f.head(ev)
			h["Attribute"] = ev.Attribute
			b, _ := json.Marshal(map[string]any{"Event": h})
			return b
		}
	}
	return nil
}

// Hashes is hashes.csv: the md5 of each attribute value and its event's uuid.
func (f *Feed) Hashes() []byte {
	var b bytes.Buffer
	for _, ev := range f.sorted() {
		for _, a := range ev.Attribute {
			sum := md5.Sum([]byte(a["value"].(string)))
			b.WriteString(hex.EncodeToString(sum[:]) + "," + ev.UUID + "\n")
		}
	}
	return b.Bytes()
}

// Zip writes the whole feed as one archive of its files.
func (f *Feed) Zip(w *bufio.Writer) error {
	z := zip.NewWriter(w)
	mod := f.version
	if mod.IsZero() {
		mod = time.Unix(0, 0)
	}
	put := func(name string, data []byte) error {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod.UTC()})
		if err != nil {
			return err
		}
		_, err = fw.Write(data)
		return err
	}
	if err := put("manifest.json", f.Manifest()); err != nil {
		return err
	}
	for _, id := range f.EventUUIDs() {
		if err := put(id+".json", f.Event(id)); err != nil {
			return err
		}
	}
	if err := put("hashes.csv", f.Hashes()); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return err
	}
	return w.Flush()
}

type mispWriter struct {
	w    *bufio.Writer
	feed *Feed
}

func (m *mispWriter) Write(n vaern.Indicator) error { m.feed.Add(n); return nil }
func (m *mispWriter) Close() error                  { return m.feed.Zip(m.w) }

// ---- import ----

// mispImport maps MISP attribute types to indicator types; a composite type ("filename|md5")
// gives the part named here. Types not listed are refused with their name.
var mispImport = map[string]struct {
	typ  string
	part int
}{
	"ip-dst": {incident.ObsIP, 0}, "ip-src": {incident.ObsIP, 0}, "ip-dst|port": {incident.ObsIP, 0}, "ip-src|port": {incident.ObsIP, 0},
	"domain": {incident.ObsDomain, 0}, "hostname": {incident.ObsDomain, 0}, "domain|ip": {incident.ObsDomain, 0},
	"url": {incident.ObsURL, 0}, "uri": {incident.ObsURL, 0},
	"md5": {incident.ObsMD5, 0}, "sha1": {incident.ObsSHA1, 0}, "sha256": {incident.ObsSHA256, 0},
	"filename|md5": {incident.ObsMD5, 1}, "filename|sha1": {incident.ObsSHA1, 1}, "filename|sha256": {incident.ObsSHA256, 1},
	"email": {incident.ObsEmail, 0}, "email-src": {incident.ObsEmail, 0}, "email-dst": {incident.ObsEmail, 0},
	"ja3-fingerprint-md5": {incident.ObsJA3, 0},
}

type mispAttr struct {
	UUID      string          `json:"uuid"`
	Type      json.RawMessage `json:"type"`
	Value     json.RawMessage `json:"value"`
	Category  string          `json:"category"`
	Comment   string          `json:"comment"`
	ToIDs     json.RawMessage `json:"to_ids"`
	Timestamp json.RawMessage `json:"timestamp"`
	FirstSeen string          `json:"first_seen"`
	Deleted   json.RawMessage `json:"deleted"`
}

// ParseMISP reads a MISP event ({"Event": {...}}, as a feed's event file or an export holds it)
// and returns the indicators of its attributes and its objects' attributes that are marked for
// detection (to_ids). Other attributes are counted as ignored; attributes of a type Værn does not
// keep are refused with the type. A malformed event or attribute is an error naming it.
func ParseMISP(data []byte) (*Parsed, error) {
	if err := ImportLimits.CheckJSON(data); err != nil {
		return nil, vaern.Invalid("file", "%v", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, vaern.Invalid("file", "is not a JSON object: %v", err)
	}
	raw := top["Event"]
	if raw == nil {
		raw = data
	}
	var ev struct {
		UUID      string     `json:"uuid"`
		Info      string     `json:"info"`
		Attribute []mispAttr `json:"Attribute"`
		Object    []struct {
			Name      string     `json:"name"`
			UUID      string     `json:"uuid"`
			Attribute []mispAttr `json:"Attribute"`
		} `json:"Object"`
		Tag []struct {
			Name string `json:"name"`
		} `json:"Tag"`
		Timestamp json.RawMessage `json:"timestamp"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, vaern.Invalid("file", "the event is not a MISP event: %v", jsonErr(err))
	}
	if ev.UUID == "" && ev.Info == "" && len(ev.Attribute) == 0 && len(ev.Object) == 0 {
		return nil, vaern.Invalid("file", "is not a MISP event (no Event, uuid, info or attributes)")
	}
	p := &Parsed{Format: MISP, Title: ev.Info}
	for _, t := range ev.Tag {
		if strings.HasPrefix(strings.ToLower(t.Name), "tlp:") {
			if l, ok := access.ParseTLP(t.Name); ok {
				p.TLP = string(l)
			}
		}
	}
	evTime, err := mispTime(ev.Timestamp)
	if err != nil {
		return nil, vaern.Invalid("file", "the event's timestamp %v", err)
	}
	seen := map[string]bool{}
	add := func(where string, a mispAttr) error {
		name := where
		if a.UUID != "" {
			name += " (" + a.UUID + ")"
		}
		var typ, value string
		if json.Unmarshal(a.Type, &typ) != nil || typ == "" {
			return vaern.Invalid("file", "%s: type must be a string", name)
		}
		if json.Unmarshal(a.Value, &value) != nil {
			return vaern.Invalid("file", "%s: value must be a string", name)
		}
		ids, err := mispBool(a.ToIDs)
		if err != nil {
			return vaern.Invalid("file", "%s: to_ids %v", name, err)
		}
		if del, _ := mispBool(a.Deleted); del {
			p.Ignored++
			return nil
		}
		at, err := mispTime(a.Timestamp)
		if err != nil {
			return vaern.Invalid("file", "%s: timestamp %v", name, err)
		}
		if !ids {
			p.Ignored++
			return nil
		}
		obj := a.UUID
		if obj == "" {
			obj = where
		}
		m, ok := mispImport[typ]
		if !ok {
			p.Refused = append(p.Refused, Refusal{Object: obj, Reason: fmt.Sprintf("MISP type %s is not an indicator type Værn keeps", clip(typ, 40))})
			return nil
		}
		v := value
		if strings.Contains(typ, "|") {
			parts := strings.SplitN(value, "|", 2)
			if len(parts) != 2 {
				p.Refused = append(p.Refused, Refusal{Object: obj, Reason: fmt.Sprintf("the value of a %s has no |", typ)})
				return nil
			}
			v = parts[m.part]
		}
		typ = m.typ
		if typ == incident.ObsIP && strings.Contains(v, "/") {
			typ = incident.ObsCIDR // MISP keeps networks as ip-dst too
		}
		ob, err := incident.ParseObservable(typ + ":" + v)
		if err != nil {
			p.Refused = append(p.Refused, Refusal{Object: obj, Reason: fmt.Sprintf("%q is not a valid %s", clip(v, 60), typ)})
			return nil
		}
		if at.IsZero() {
			at = evTime
		}
		if fs, err := time.Parse(time.RFC3339Nano, a.FirstSeen); err == nil {
			at = fs.UTC()
		}
		k := ob.Type + ":" + ob.Value
		if seen[k] {
			return nil
		}
		seen[k] = true
		desc := strings.TrimSpace(ev.Info)
		if c := strings.TrimSpace(a.Comment); c != "" {
			desc += "\n" + c
		}
		p.Items = append(p.Items, Candidate{Type: ob.Type, Value: ob.Value, Description: clip(strings.TrimSpace(desc), 2000),
			Category: mispCategory(a.Category), ExternalID: a.UUID, ValidFrom: at, Confidence: -1, TLP: p.TLP, Object: obj})
		return nil
	}
	for i, a := range ev.Attribute {
		if err := add(fmt.Sprintf("Attribute[%d]", i), a); err != nil {
			return nil, err
		}
	}
	for i, o := range ev.Object {
		for j, a := range o.Attribute {
			if err := add(fmt.Sprintf("Object[%d] %s Attribute[%d]", i, clip(o.Name, 40), j), a); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func mispCategory(c string) string {
	switch c {
	case "Network activity":
		return "c2"
	case "Payload delivery", "Payload installation", "Artifacts dropped":
		return "malware"
	}
	return ""
}

// mispBool reads MISP's booleans, written as true/false, "1"/"0" or 1/0 by different versions.
func mispBool(raw json.RawMessage) (bool, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	switch strings.ToLower(s) {
	case "", "null", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, fmt.Errorf("must be true or false")
}

// mispTime reads MISP's Unix time stamps, written as strings or numbers.
func mispTime(raw json.RawMessage) (time.Time, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1<<40 {
		return time.Time{}, fmt.Errorf("must be a Unix time stamp")
	}
	return time.Unix(n, 0).UTC(), nil
}
