package jobs

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// Periodic job kinds.
const (
	BaselineKind        = "baseline.schedule"         // closes due rounds, queues deadline reminders
	ReviewRemindersKind = "register.review_reminders" // reminds system owners of risk reviews
)

// Config is what Værn's own job kinds need.
type Config struct {
	St         *store.Store
	Cat        *i18n.Catalog
	BaseURL    string // for links in e-mails
	Log        *slog.Logger
	Sender     Sender
	BenchmarkK int // smallest group the benchmark shows (default 5)
	// Notify writes notifications (default: one over Cat and BaseURL).
	Notify *notify.Notifier
	// WebhookClient posts webhooks (default: notify.Client, which refuses internal addresses).
	WebhookClient *http.Client
	// FeedClient fetches the warnings module's configured feeds (default: a plain client with a
	// two-minute timeout).
	FeedClient *http.Client
}

// Standard registers Værn's job kinds and periodic jobs on reg. Modules add theirs with
// reg.Handle and reg.Every next to it.
func Standard(reg *Registry, c Config) {
	reg.Handle(store.MailDeliverKind, deliverMail(c.St, c.Sender, c.Log))
	reg.Handle(store.RegisterImportKind, importRegister(c.St, c.Log))
	reg.Handle(store.SBOMImportKind, importSBOM(c.St))

	bw := NewBaselineWorker(c.St, c.Cat, c.BaseURL, c.Log)
	bw.BenchmarkK = c.BenchmarkK
	reg.Handle(BaselineKind, Kind{Timeout: 10 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		_, err := bw.RunOnce(ctx)
		return err
	}})
	reg.Every(BaselineKind, time.Minute, nil)

	rw := NewRegisterReminders(c.St, c.Cat, c.BaseURL, c.Log)
	reg.Handle(ReviewRemindersKind, Kind{Timeout: 10 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		_, err := rw.RunOnce(ctx)
		return err
	}})
	reg.Every(ReviewRemindersKind, time.Hour, nil)

	iw := NewIncidentReminders(c.St, c.Cat, c.notifier(), c.Log)
	reg.Handle(IncidentRemindersKind, Kind{Timeout: 5 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		_, err := iw.RunOnce(ctx)
		return err
	}})
	reg.Every(IncidentRemindersKind, 5*time.Minute, nil)

	notifyJobs(reg, c)
	warningsJobs(reg, c)
	sensorJobs(reg, c)

	cw := &Correlator{St: c.St, N: c.notifier(), Log: c.Log}
	reg.Handle(CorrelateKind, Kind{Timeout: 5 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		_, err := cw.RunOnce(ctx)
		return err
	}})
	reg.Every(CorrelateKind, time.Minute, nil)
}

// notifyJobs registers the notifications' jobs: webhook deliveries and the daily digest.
func notifyJobs(reg *Registry, c Config) {
	client := c.WebhookClient
	if client == nil {
		client = notify.Client(false, 15*time.Second)
	}
	reg.Handle(store.WebhookDeliverKind, deliverWebhook(c.St, client, c.Log))
	dw := NewDigestWorker(c.St, c.notifier(), c.Log)
	reg.Handle(DigestKind, Kind{Timeout: 10 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		_, err := dw.RunOnce(ctx)
		return err
	}})
	reg.Every(DigestKind, 10*time.Minute, nil)
}

// notifier is the configured notifier, or one over the texts and the base URL.
func (c Config) notifier() *notify.Notifier {
	if c.Notify != nil {
		return c.Notify
	}
	return notify.New(c.Cat, c.BaseURL)
}
