package sensor

import (
	"strconv"
	"time"

	json "github.com/goccy/go-json"

	"github.com/vaern/vaern"
)

type sightKey struct {
	kind, value string
	hour        int64
}

// Sightings derives the hourly sightings of one member's alerts: each external (not
// pseudonymised) source and destination address, domain, JA3 and JA4 fingerprint, and the
// signature id. Pseudonyms never become sightings: they mean nothing across members.
func Sightings(orgID int64, alerts []vaern.SensorAlert) []vaern.Sighting {
	idx := make(map[sightKey]int, 2*len(alerts))
	var lastSID int64
	var lastSIDText string
	var out []vaern.Sighting
	add := func(kind, value string, a *vaern.SensorAlert, hour time.Time) {
		if value == "" {
			return
		}
		k := sightKey{kind, value, hour.Unix()}
		if i, ok := idx[k]; ok {
			g := &out[i]
			g.Count++
			if a.Time.Before(g.FirstSeen) {
				g.FirstSeen = a.Time
			}
			if a.Time.After(g.LastSeen) {
				g.LastSeen = a.Time
			}
			return
		}
		g := vaern.Sighting{Kind: kind, Value: value, OrgID: orgID, Hour: hour, FirstSeen: a.Time, LastSeen: a.Time, Count: 1,
			SignatureID: a.SignatureID, Signature: a.Signature}
		if kind == vaern.IndicatorSignature {
			g.SignatureID = 0
		}
		idx[k] = len(out)
		out = append(out, g)
	}
	for i := range alerts {
		a := &alerts[i]
		hour := a.Time.UTC().Truncate(time.Hour)
		if !a.SrcInternal {
			add(vaern.IndicatorIP, a.SrcIP, a, hour)
		}
		if !a.DstInternal {
			add(vaern.IndicatorIP, a.DestIP, a, hour)
		}
		add(vaern.IndicatorDomain, a.Domain, a, hour)
		add(vaern.IndicatorJA3, a.JA3, a, hour)
		add(vaern.IndicatorJA4, a.JA4, a, hour)
		if a.SignatureID != lastSID || lastSIDText == "" {
			lastSID, lastSIDText = a.SignatureID, strconv.FormatInt(a.SignatureID, 10)
		}
		add(vaern.IndicatorSignature, lastSIDText, a, hour)
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
	if ev.TLS != nil {
		out.TLS = &outTLS{SNI: ev.TLS.SNI, JA4: a.JA4}
		if a.JA3 != "" {
			out.TLS.JA3 = &struct {
				Hash string `json:"hash"`
			}{a.JA3}
		}
	}
	return json.Marshal(out)
}
