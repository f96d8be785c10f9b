package vaern

import "time"

// The sensors module (issue 14): members' network sensors ship Suricata EVE alerts to the centre,
// the centre correlates indicators across members and raises early warnings, and what is learned
// goes back out through the indicator store (Indicator, in incident.go).
//
// Three parts share these types: ingest (internal/sensor: parse, pseudonymise, store, shipper),
// correlation (internal/correlate: per-indicator member bitsets per window, early warnings) and the
// indicator store's exports and imports (internal/indicators).

// Sensor is one of a member's network sensors. Its ingest token is stored hashed (TokenHash is
// never shown); the plain token is printed once when the sensor is created or its token renewed.
type Sensor struct {
	ID        int64
	OrgID     int64
	UnitID    int64  // 0: not tied to a unit
	Name      string // e.g. "Rådhus DMZ"
	Site      string // free text: where it listens
	Type      string // "suricata" today
	CreatedAt time.Time
	RevokedAt time.Time // zero: active
	LastSeen  time.Time // last accepted batch
	Alerts24h int64     // alerts accepted in the last 24 hours (for health)
}

// SensorAlert is one EVE alert as Værn keeps it: after the member's pseudonymisation (internal
// addresses replaced by keyed pseudonyms such as "p:10.x" or a CryptoPAn address marked as such),
// with payloads and HTTP bodies dropped unless the member opted in.
type SensorAlert struct {
	ID          int64
	OrgID       int64
	SensorID    int64
	BatchID     string // the shipper's batch id: a retried batch counts once
	Time        time.Time
	SignatureID int64
	Signature   string
	Category    string
	Severity    int
	Proto       string
	SrcIP       string // external addresses in the clear, internal ones pseudonymised
	SrcPort     int
	DestIP      string
	DestPort    int
	SrcInternal bool   // SrcIP is a pseudonym
	DstInternal bool   // DestIP is a pseudonym
	Domain      string // http.hostname, tls.sni or dns.rrname, lower-case
	URL         string // http.url (path and query), when present
	JA3         string // tls.ja3.hash
	JA4         string // tls.ja4
	Payload     string // only when the member opted in
}

// Sighting is the correlation's input and the 13-month aggregate: one member saw one indicator in
// one hour (table sensor_sightings). Ingest keeps a batch's sightings pending in its batch row, in
// the transaction that stores the alerts, and a merge upserts them (store.MergePendingSightings);
// correlation reads them after a merge.
type Sighting struct {
	Kind        string // IndicatorIP, IndicatorDomain, IndicatorJA3, IndicatorJA4, IndicatorSignature
	Value       string
	OrgID       int64
	Hour        time.Time // the hour bucket (UTC, truncated)
	FirstSeen   time.Time
	LastSeen    time.Time
	Count       int64
	SignatureID int64 // the signature of the first alert in the bucket (0 for signature sightings' own)
	Signature   string
}

// Kinds of indicator a sighting or early warning is about. The indicator store's own types
// (incident.ObservableTypes) are a superset for ip, domain and ja3.
const (
	IndicatorIP        = "ip"
	IndicatorDomain    = "domain"
	IndicatorJA3       = "ja3"
	IndicatorJA4       = "ja4"
	IndicatorSignature = "signature" // a Suricata signature id, as decimal text
)

// EarlyWarning is raised for the centre when k members saw the same indicator within the window.
type EarlyWarning struct {
	ID          int64
	Kind        string
	Value       string
	SignatureID int64
	Signature   string
	Members     int // distinct members within the window
	MemberIDs   []int64
	FirstSeen   time.Time
	LastSeen    time.Time
	Status      string // "open", "advised" (a draft advisory was made), "dismissed", "suppressed"
	AdvisoryID  int64  // the draft advisory made from it, if any
	IndicatorID int64  // the indicator it was shared as, if any
	// SuppressedBy names the warninglist that lists the indicator as benign (status "suppressed").
	SuppressedBy string
	Reason       string // why an analyst dismissed it
	Alerts       int64  // alerts in the sightings of the burst
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
