package jobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// WebhookWorker posts the members' events to their webhooks. Deliveries are rows written in the
// transaction of the event; the worker claims due ones with a lease (as the mail outbox does), so
// several app nodes never post the same delivery at once and a killed process's deliveries are
// taken up again when their lease runs out. A failed attempt is retried with backoff; after
// MaxAttempts it is given up and shows as failed in the coordinator's delivery log.
type WebhookWorker struct {
	St          *store.Store
	HTTP        *http.Client
	Log         *slog.Logger
	Every       time.Duration // how often to look for due deliveries (default 15 s)
	MaxAttempts int           // default 8 (about a day of retries)
	// Backoff is the wait before attempt n+1 after n failures (default: the outbox's Backoff).
	Backoff func(n int) time.Duration
	wake    chan struct{}
}

// NewWebhookWorker returns a worker whose client refuses internal addresses unless allowPrivate
// (tests only).
func NewWebhookWorker(st *store.Store, allowPrivate bool, log *slog.Logger) *WebhookWorker {
	return &WebhookWorker{St: st, HTTP: notify.Client(allowPrivate, 15*time.Second), Log: log, Every: 15 * time.Second,
		MaxAttempts: 8, Backoff: Backoff, wake: make(chan struct{}, 1)}
}

// Wake makes the worker look for due deliveries now.
func (w *WebhookWorker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends.
func (w *WebhookWorker) Run(ctx context.Context) {
	t := time.NewTicker(w.Every)
	defer t.Stop()
	for {
		w.RunOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// RunOnce posts what is due now and reports how many deliveries succeeded.
func (w *WebhookWorker) RunOnce(ctx context.Context) int {
	ok := 0
	for {
		ds, err := w.St.ClaimWebhookDeliveries(ctx, w.St.Now(), 5*time.Minute, 20)
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Error("webhooks: claim", "err", err)
			}
			return ok
		}
		if len(ds) == 0 {
			return ok
		}
		for _, d := range ds {
			status, err := w.post(ctx, d)
			now := w.St.Now()
			if err == nil {
				if err := w.St.WebhookDelivered(ctx, d.ID, now, status); err != nil {
					w.Log.Error("webhooks: record delivery", "id", d.ID, "err", err)
				}
				ok++
				continue
			}
			var next time.Time
			if d.Attempts+1 < w.MaxAttempts {
				next = now.Add(w.Backoff(d.Attempts + 1))
			}
			w.Log.Warn("webhooks: delivery failed", "id", d.ID, "webhook", d.WebhookID, "attempt", d.Attempts+1, "next", next, "err", err)
			if err := w.St.WebhookFailed(ctx, d.ID, now, next, status, err.Error()); err != nil {
				w.Log.Error("webhooks: record failure", "id", d.ID, "err", err)
			}
		}
	}
}

// post sends one delivery; a 2xx answer is success.
func (w *WebhookWorker) post(ctx context.Context, d vaern.WebhookDelivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Vaern-Webhook/"+vaern.Version)
	req.Header.Set(notify.HeaderEvent, d.Kind)
	req.Header.Set(notify.HeaderDelivery, strconv.FormatInt(d.ID, 10))
	// The wall clock, not the store's: the timestamp tells the receiver when this request was sent,
	// so that it can refuse an old one replayed.
	req.Header.Set(notify.HeaderSignature, notify.Sign(d.Secret, time.Now(), d.Payload))
	resp, err := w.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
