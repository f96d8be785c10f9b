package vaern

import "time"

// Notification modes: how a person wants to hear about one kind of event by e-mail. The in-app
// notification is always written.
const (
	NotifyImmediate = "immediate" // an e-mail at once
	NotifyDigest    = "digest"    // one e-mail a day listing what happened
	NotifyOff       = "off"       // no e-mail (refused for legal deadlines)
)

// NotifyModes lists the modes in the order forms show them.
var NotifyModes = []string{NotifyImmediate, NotifyDigest, NotifyOff}

// Notification is one thing told to one person in one organisation.
type Notification struct {
	ID        int64
	EventID   int64
	OrgID     int64
	UserID    int64
	Kind      string
	Title     string // in the recipient's language
	Body      string // the longer text, also the e-mail's
	URL       string // path of the object, e.g. /baseline/12
	Lang      string
	CreatedAt time.Time
	ReadAt    time.Time
	Mail      string // "none", "sent", "digest" or "digested"
}

// Read reports whether the person has marked the notification read.
func (n Notification) Read() bool { return !n.ReadAt.IsZero() }

// NotifyPref is a person's choice of e-mail mode for one kind.
type NotifyPref struct {
	Kind string
	Mode string
}

// Recipient is a person an event may be told to, as the notification rules see them.
type Recipient struct {
	UserID   int64
	Email    string
	Name     string
	Lang     string // the language their texts are written in (their own choice, else the member's)
	Role     Role
	UnitID   int64
	Disabled bool
}

// Webhook is a member's HTTPS endpoint that receives its events as signed JSON.
type Webhook struct {
	ID          int64
	OrgID       int64
	URL         string
	Description string
	Lang        string // language of the titles in the payloads
	CreatedBy   int64
	CreatedAt   time.Time
	// Delivered and Failed count the deliveries (for the list of webhooks).
	Delivered, Failed, Pending int
}

// WebhookDelivery is one event posted (or to be posted) to one webhook.
type WebhookDelivery struct {
	ID            int64
	WebhookID     int64
	OrgID         int64
	EventID       int64
	Kind          string
	Payload       []byte
	URL           string // the webhook's, when claimed for delivery
	Secret        string // the webhook's, when claimed for delivery
	CreatedAt     time.Time
	Attempts      int
	NextAttemptAt time.Time
	DeliveredAt   time.Time
	FailedAt      time.Time
	LastStatus    int
	LastError     string
}

// State is "delivered", "failed" (given up) or "pending".
func (d WebhookDelivery) State() string {
	switch {
	case !d.DeliveredAt.IsZero():
		return "delivered"
	case !d.FailedAt.IsZero():
		return "failed"
	}
	return "pending"
}
