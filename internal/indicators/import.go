package indicators

import (
	"time"

	"github.com/vaern/vaern/internal/inputguard"
)

// ImportLimits bound an uploaded STIX bundle or MISP event before any JSON is decoded. The
// largest public bundles (MITRE ATT&CK's enterprise set) are some 40 MB; a shared indicator
// bundle or one event is far below 16 MiB.
var ImportLimits = inputguard.Limits{MaxBytes: 16 << 20, MaxDepth: 32, MaxTokens: 2_000_000, Timeout: 30 * time.Second, Expansion: 8}

// MaxImportItems is the most indicators one import creates or updates.
const MaxImportItems = 50_000

// Candidate is one indicator an import would create or update.
type Candidate struct {
	Type        string    `json:"type"`
	Value       string    `json:"value"`
	Description string    `json:"description,omitempty"`
	Category    string    `json:"category,omitempty"`
	ExternalID  string    `json:"external_id,omitempty"`
	ValidFrom   time.Time `json:"valid_from"`
	ValidUntil  time.Time `json:"valid_until"`
	Confidence  int       `json:"confidence"`    // -1: the file gave none
	TLP         string    `json:"tlp,omitempty"` // the file's own marking, shown as a hint
	Object      string    `json:"object"`        // the STIX object or MISP attribute it came from
}

// Refusal is one object of the file that is not imported, and why.
type Refusal struct {
	Object string `json:"object"`
	Reason string `json:"reason"`
}

// Parsed is what an import file holds.
type Parsed struct {
	Format  string
	Title   string // the MISP event's info
	Items   []Candidate
	Refused []Refusal
	Ignored int // objects that are not indicators (STIX) or not meant for detection (MISP to_ids false)
	TLP     string
}
