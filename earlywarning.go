package vaern

import "time"

// Early warning statuses.
const (
	EarlyOpen       = "open"       // new: the centre's analysts are told
	EarlyAdvised    = "advised"    // a draft advisory to the members was made from it
	EarlyDismissed  = "dismissed"  // an analyst judged it harmless (with a reason)
	EarlySuppressed = "suppressed" // the indicator is on an enabled warninglist: kept, never notified
)

// EarlyStatuses lists the statuses in the order the centre's list shows them.
var EarlyStatuses = []string{EarlyOpen, EarlyAdvised, EarlyDismissed, EarlySuppressed}

// CorrelationSettings are the centre's: an early warning needs K members within Window.
type CorrelationSettings struct {
	K          int // members, for addresses, domains and fingerprints
	SignatureK int // members, for signature ids
	Window     time.Duration
	UpdatedAt  time.Time
}

// Warninglist is a list of benign infrastructure in MISP's warninglist format. Type is cidr,
// string, hostname, substring or regex; MatchingAttributes are MISP attribute types (ip-dst,
// domain, ...), empty for every kind.
type Warninglist struct {
	ID                 int64    `json:"-"`
	Name               string   `json:"name"`
	Version            int64    `json:"version"`
	Description        string   `json:"description"`
	Type               string   `json:"type"`
	List               []string `json:"list"`
	MatchingAttributes []string `json:"matching_attributes"`
	Builtin            bool     `json:"-"` // one of Værn's own
	Enabled            bool     `json:"-"`
}
