package sensor

import (
	"hash/maphash"
	"strconv"
	"time"

	json "github.com/goccy/go-json"

	"github.com/vaern/vaern"
)

// sightKinds are the kinds a sighting can have, by the small number the table keys on.
var sightKinds = [...]string{vaern.IndicatorIP, vaern.IndicatorDomain, vaern.IndicatorJA3, vaern.IndicatorJA4, vaern.IndicatorSignature}

const (
	kindIP = iota
	kindDomain
	kindJA3
	kindJA4
	kindSignature
)

// sighting is one hourly sighting while a batch is aggregated: times as Unix nanoseconds (cheap to
// compare), the signature id as a number until the sighting is written out.
type sighting struct {
	kind        uint8
	value       string // "" for kindSignature: the id is in sid
	sid         int64
	hour        int64 // Unix seconds of the hour
	first, last int64
	count       int64
	alert       int32 // the first alert in the bucket (its signature names the sighting)
}

// sightTable aggregates a batch's sightings: open addressing with linear probing over indices
// into the list, keyed by (kind, value or signature id, hour) without building a key.
type sightTable struct {
	list  []sighting
	slots []int32 // index into list + 1; 0 is empty
	shift uint
	seed  maphash.Seed
}

func newSightTable(expect int) *sightTable {
	bits := uint(4)
	for 1<<bits < 2*expect {
		bits++
	}
	return &sightTable{list: make([]sighting, 0, expect), slots: make([]int32, 1<<bits), shift: 64 - bits, seed: maphash.MakeSeed()}
}

func (t *sightTable) hash(kind uint8, value string, sid, hour int64) uint64 {
	h := uint64(sid) ^ uint64(kind)<<56 ^ uint64(hour)*0x9e3779b97f4a7c15
	if value != "" {
		h ^= maphash.String(t.seed, value)
	}
	return (h * 0x9e3779b97f4a7c15) >> t.shift
}

// add counts one alert (number i, at unix nanoseconds ns) in its sighting.
func (t *sightTable) add(kind uint8, value string, sid, hour, ns int64, i int) {
	mask := uint64(len(t.slots) - 1)
	for j := t.hash(kind, value, sid, hour); ; j = (j + 1) & mask {
		k := t.slots[j]
		if k == 0 {
			t.list = append(t.list, sighting{kind: kind, value: value, sid: sid, hour: hour, first: ns, last: ns, count: 1, alert: int32(i)})
			t.slots[j] = int32(len(t.list))
			if 2*len(t.list) > len(t.slots) {
				t.grow()
			}
			return
		}
		g := &t.list[k-1]
		if g.kind == kind && g.hour == hour && g.sid == sid && g.value == value {
			g.count++
			g.first = min(g.first, ns)
			g.last = max(g.last, ns)
			return
		}
	}
}

func (t *sightTable) grow() {
	t.slots = make([]int32, 2*len(t.slots))
	t.shift--
	mask := uint64(len(t.slots) - 1)
	for i := range t.list {
		g := &t.list[i]
		j := t.hash(g.kind, g.value, g.sid, g.hour)
		for t.slots[j] != 0 {
			j = (j + 1) & mask
		}
		t.slots[j] = int32(i + 1)
	}
}

// Sightings derives the hourly sightings of one member's alerts: each external (not
// pseudonymised) source and destination address, domain, JA3 and JA4 fingerprint, and the
// signature id. Pseudonyms never become sightings: they mean nothing across members. Each
// (kind, value, hour) is in the list once, in the order of its first alert.
func Sightings(orgID int64, alerts []vaern.SensorAlert) []vaern.Sighting {
	t := newSightTable(len(alerts) + 64)
	for i := range alerts {
		a := &alerts[i]
		ns := a.Time.UnixNano()
		sec := a.Time.Unix()
		hour := sec - ((sec%3600)+3600)%3600 // floor, also before 1970
		if !a.SrcInternal && a.SrcIP != "" {
			t.add(kindIP, a.SrcIP, 0, hour, ns, i)
		}
		if !a.DstInternal && a.DestIP != "" {
			t.add(kindIP, a.DestIP, 0, hour, ns, i)
		}
		if a.Domain != "" {
			t.add(kindDomain, a.Domain, 0, hour, ns, i)
		}
		if a.JA3 != "" {
			t.add(kindJA3, a.JA3, 0, hour, ns, i)
		}
		if a.JA4 != "" {
			t.add(kindJA4, a.JA4, 0, hour, ns, i)
		}
		t.add(kindSignature, "", a.SignatureID, hour, ns, i)
	}
	out := make([]vaern.Sighting, len(t.list))
	var lastSID int64
	var lastSIDText string
	for i := range t.list {
		g := &t.list[i]
		a := &alerts[g.alert]
		o := &out[i]
		*o = vaern.Sighting{Kind: sightKinds[g.kind], Value: g.value, OrgID: orgID, Hour: time.Unix(g.hour, 0).UTC(),
			FirstSeen: a.Time, LastSeen: a.Time, Count: g.count, SignatureID: a.SignatureID, Signature: a.Signature}
		if g.first != a.Time.UnixNano() {
			o.FirstSeen = time.Unix(0, g.first).UTC()
		}
		if g.last != a.Time.UnixNano() {
			o.LastSeen = time.Unix(0, g.last).UTC()
		}
		if g.kind == kindSignature {
			if g.sid != lastSID || lastSIDText == "" {
				lastSID, lastSIDText = g.sid, strconv.FormatInt(g.sid, 10)
			}
			o.Value, o.SignatureID = lastSIDText, 0
		}
	}
	return out
}

// outEvent is the reduced EVE event the shipper sends: only what Værn keeps, addresses already
// pseudonymised.
type outEvent struct {
	Timestamp string  `json:"timestamp"`
	EventType string  `json:"event_type"`
	SrcIP     string  `json:"src_ip,omitempty"`
	SrcPort   int     `json:"src_port,omitempty"`
	DestIP    string  `json:"dest_ip,omitempty"`
	DestPort  int     `json:"dest_port,omitempty"`
	Proto     string  `json:"proto,omitempty"`
	Alert     *eveAl  `json:"alert,omitempty"`
	HTTP      *outHTT `json:"http,omitempty"`
	TLS       *outTLS `json:"tls,omitempty"`
	Payload   string  `json:"payload,omitempty"`
}

type outHTT struct {
	Hostname string `json:"hostname,omitempty"`
	URL      string `json:"url,omitempty"`
}

type outTLS struct {
	SNI string `json:"sni,omitempty"`
	JA3 *struct {
		Hash string `json:"hash"`
	} `json:"ja3,omitempty"`
	JA4 string `json:"ja4,omitempty"`
}

// Minimise is the shipper's step before anything leaves the member: it reads one EVE line and
// writes the reduced event Værn keeps, internal addresses replaced by their pseudonyms under the
// member's key, payloads dropped unless keepPayload. Other event types keep only their type
// (the centre counts them). A line that is not an event is returned as an error.
func Minimise(line []byte, p *Pseudonymiser, keepPayload bool) ([]byte, error) {
	var ev eveEvent
	if err := json.Unmarshal(line, &ev); err != nil {
		return nil, err
	}
	if ev.EventType != "alert" {
		return json.Marshal(outEvent{Timestamp: ev.Timestamp, EventType: ev.EventType})
	}
	a, err := Alert(&ev, Options{Pseudo: p, KeepPayload: keepPayload})
	if err != nil {
		return nil, err
	}
	out := outEvent{Timestamp: ev.Timestamp, EventType: "alert", SrcIP: a.SrcIP, SrcPort: a.SrcPort, DestIP: a.DestIP, DestPort: a.DestPort,
		Proto: a.Proto, Alert: ev.Alert, Payload: a.Payload}
	if a.Domain != "" || a.URL != "" {
		out.HTTP = &outHTT{Hostname: a.Domain, URL: a.URL}
	}
	if ev.TLS.SNI != "" || a.JA4 != "" || a.JA3 != "" {
		out.TLS = &outTLS{SNI: ev.TLS.SNI, JA4: a.JA4}
		if a.JA3 != "" {
			out.TLS.JA3 = &struct {
				Hash string `json:"hash"`
			}{a.JA3}
		}
	}
	return json.Marshal(out)
}
