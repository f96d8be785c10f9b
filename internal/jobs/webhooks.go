package jobs

import (
	"bytes"
	"context"
	"errors"
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

// deliverWebhook is the job that posts one event to one member's webhook (store.WebhookDeliverKind).
// The delivery's row, written in the event's transaction with its job, is the coordinator's log:
// each attempt records its answer there, a failed one is retried with the job system's backoff,
// and after the job's last attempt the delivery shows as given up.
func deliverWebhook(st *store.Store, client *http.Client, log *slog.Logger) Kind {
	return Kind{Timeout: time.Minute, Handle: func(ctx context.Context, run *Run) error {
		var a store.WebhookArgs
		if err := run.Decode(&a); err != nil {
			return err
		}
		d, err := st.WebhookDeliveryToSend(ctx, a.ID)
		if errors.Is(err, vaern.ErrNotFound) {
			return nil // the webhook was deleted: nothing left to post
		} else if err != nil {
			return err
		}
		if d.State() != "pending" {
			return nil // recorded already by an attempt whose own job record was lost
		}
		status, perr := postWebhook(ctx, client, d)
		now := st.Now()
		if perr == nil {
			return st.WebhookDelivered(ctx, d.ID, now, status)
		}
		var next time.Time
		if run.Attempts < run.MaxAttempts {
			next = now.Add(Backoff(run.Attempts))
		}
		if err := st.WebhookFailed(ctx, d.ID, now, next, status, perr.Error()); err != nil {
			log.Error("webhooks: record failure", "delivery", d.ID, "err", err)
		}
		return fmt.Errorf("webhook %d, delivery %d: %w", d.WebhookID, d.ID, perr)
	}}
}

// postWebhook sends one delivery, signed; a 2xx answer is success.
func postWebhook(ctx context.Context, client *http.Client, d vaern.WebhookDelivery) (int, error) {
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
	resp, err := client.Do(req)
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
