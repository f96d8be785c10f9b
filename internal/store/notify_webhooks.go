package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// CreateWebhook registers a member's webhook with its signing secret. The caller has checked the
// URL (HTTPS, not an internal address); the store checks what it can alone.
func (s *Store) CreateWebhook(ctx context.Context, a vaern.Actor, orgID int64, w vaern.Webhook, secret string) (vaern.Webhook, error) {
	w.URL, w.Description = strings.TrimSpace(w.URL), strings.TrimSpace(w.Description)
	switch {
	case !strings.HasPrefix(w.URL, "https://") || len(w.URL) > 2000:
		return w, vaern.Invalid("url", "must be an https:// address")
	case len(w.Description) > 200:
		return w, vaern.Invalid("description", "is longer than 200 characters")
	case len(secret) < 32:
		return w, vaern.Invalid("secret", "is too short")
	}
	if err := validLang(w.Lang); err != nil || w.Lang == "" {
		return w, vaern.Invalid("lang", "must be da, nb or en")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM webhooks WHERE org_id = ? AND deleted_at = 0", orgID).Scan(&n); err != nil {
			return err
		}
		if n >= 10 {
			return vaern.Invalid("url", "a member has at most 10 webhooks; delete one first")
		}
		now := tx.s.now()
		w.OrgID, w.CreatedBy, w.CreatedAt = orgID, a.UserID, now
		sealed, err := s.seal("webhooks.secret", secret)
		if err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO webhooks (org_id, url, description, secret, lang, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			orgID, w.URL, w.Description, sealed, w.Lang, a.UserID, ms(now))
		if err != nil {
			return err
		}
		w.ID = id
		// The secret is never written to the audit log.
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "webhook.create", ObjectType: "webhook", ObjectID: id,
			Detail: map[string]any{"url": w.URL}})
	})
	return w, err
}

const webhookCols = `w.id, w.org_id, w.url, w.description, w.lang, w.created_by, w.created_at,
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.delivered_at > 0),
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.failed_at > 0),
	(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.delivered_at = 0 AND d.failed_at = 0)`

func scanWebhook(r scanner) (vaern.Webhook, error) {
	var w vaern.Webhook
	var c int64
	err := r.Scan(&w.ID, &w.OrgID, &w.URL, &w.Description, &w.Lang, &w.CreatedBy, &c, &w.Delivered, &w.Failed, &w.Pending)
	w.CreatedAt = fromMS(c)
	return w, mapErr(err)
}

// Webhooks lists the member's webhooks.
func (s *Store) Webhooks(ctx context.Context, orgID int64) ([]vaern.Webhook, error) {
	rows, err := s.query(ctx, "SELECT "+webhookCols+" FROM webhooks w WHERE w.org_id = ? AND w.deleted_at = 0 ORDER BY w.id", orgID)
	return collect(rows, err, scanWebhook)
}

// Webhook returns one of the member's webhooks.
func (s *Store) Webhook(ctx context.Context, orgID, id int64) (vaern.Webhook, error) {
	return scanWebhook(s.queryRow(ctx, "SELECT "+webhookCols+" FROM webhooks w WHERE w.org_id = ? AND w.id = ? AND w.deleted_at = 0", orgID, id))
}

// DeleteWebhook stops a webhook: it gets no new events, and what was still waiting is given up.
// Its delivery log is kept.
func (s *Store) DeleteWebhook(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		now := ms(tx.s.now())
		res, err := tx.exec(ctx, "UPDATE webhooks SET deleted_at = ? WHERE org_id = ? AND id = ? AND deleted_at = 0", now, orgID, id)
		if err := affected(res, err); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET failed_at = ?, last_error = 'webhook deleted'
			WHERE webhook_id = ? AND delivered_at = 0 AND failed_at = 0`, now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "webhook.delete", ObjectType: "webhook", ObjectID: id})
	})
}

// ActiveWebhooks lists the member's webhooks that receive events (inside the event's transaction).
func (t *Tx) ActiveWebhooks(ctx context.Context, orgID int64) ([]vaern.Webhook, error) {
	rows, err := t.query(ctx, "SELECT id, org_id, url, lang FROM webhooks WHERE org_id = ? AND deleted_at = 0 ORDER BY id", orgID)
	return collect(rows, err, func(r scanner) (vaern.Webhook, error) {
		var w vaern.Webhook
		return w, r.Scan(&w.ID, &w.OrgID, &w.URL, &w.Lang)
	})
}

// WebhookDeliverKind is the job kind that posts one webhook delivery; its arguments are
// WebhookArgs.
const WebhookDeliverKind = "notify.webhook"

// WebhookArgs names the delivery a job posts.
type WebhookArgs struct {
	ID int64 `json:"id"`
}

// WebhookAttempts is how often a delivery is tried: with the job system's backoff, about a day.
const WebhookAttempts = 8

// AddWebhookDelivery queues an event for one of the organisation's webhooks, with the job that
// posts it, in the event's transaction; another organisation's webhook is not found.
func (t *Tx) AddWebhookDelivery(ctx context.Context, d vaern.WebhookDelivery) (int64, error) {
	now := ms(t.s.now())
	id, err := t.insert(ctx, `INSERT INTO webhook_deliveries (webhook_id, org_id, event_id, kind, payload, created_at, next_attempt_at)
		SELECT id, org_id, ?, ?, ?, ?, ? FROM webhooks WHERE id = ? AND org_id = ? AND deleted_at = 0`,
		d.EventID, d.Kind, string(d.Payload), now, now, d.WebhookID, d.OrgID)
	if err != nil {
		return 0, err
	}
	_, err = t.EnqueueJob(ctx, WebhookDeliverKind, WebhookArgs{ID: id}, JobOpts{OrgID: d.OrgID, MaxAttempts: WebhookAttempts})
	return id, err
}

const deliveryCols = `d.id, d.webhook_id, d.org_id, d.event_id, d.kind, d.payload, d.created_at, d.attempts, d.next_attempt_at,
	d.delivered_at, d.failed_at, d.last_status, d.last_error`

func scanDelivery(r scanner, extra ...any) (vaern.WebhookDelivery, error) {
	var d vaern.WebhookDelivery
	var payload string
	var c, n, dl, f int64
	err := r.Scan(append([]any{&d.ID, &d.WebhookID, &d.OrgID, &d.EventID, &d.Kind, &payload, &c, &d.Attempts, &n, &dl, &f,
		&d.LastStatus, &d.LastError}, extra...)...)
	d.Payload = []byte(payload)
	d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.FailedAt = fromMS(c), fromMS(n), fromMS(dl), fromMS(f)
	return d, mapErr(err)
}

// WebhookDeliveries is a webhook's delivery log, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, orgID, webhookID int64, limit int) ([]vaern.WebhookDelivery, error) {
	rows, err := s.query(ctx, "SELECT "+deliveryCols+` FROM webhook_deliveries d WHERE d.org_id = ? AND d.webhook_id = ?
		ORDER BY d.id DESC LIMIT ?`, orgID, webhookID, limit)
	return collect(rows, err, func(r scanner) (vaern.WebhookDelivery, error) { return scanDelivery(r) })
}

// WebhookDeliveryToSend returns a delivery with its webhook's address and secret, for the job that
// posts it. A delivery whose webhook was deleted is not found.
func (s *Store) WebhookDeliveryToSend(ctx context.Context, id int64) (vaern.WebhookDelivery, error) {
	var url, secret string
	d, err := scanDelivery(s.queryRow(ctx, "SELECT "+deliveryCols+`, w.url, w.secret FROM webhook_deliveries d
		JOIN webhooks w ON w.id = d.webhook_id AND w.org_id = d.org_id WHERE d.id = ? AND w.deleted_at = 0`, id), &url, &secret)
	d.URL, d.Secret = url, secret
	if err == nil {
		d.Secret, err = s.unseal("webhooks.secret", secret)
	}
	return d, err
}

// WebhookDelivered records a successful attempt.
func (s *Store) WebhookDelivered(ctx context.Context, id int64, now time.Time, status int) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET delivered_at = ?, attempts = attempts + 1, last_status = ?, last_error = ''
			WHERE id = ?`, ms(now), status, id)
		return err
	})
}

// WebhookFailed records a failed attempt: tried again at next (as the job system will), or given up
// when next is zero.
func (s *Store) WebhookFailed(ctx context.Context, id int64, now, next time.Time, status int, msg string) error {
	if len(msg) > 500 {
		msg = strings.ToValidUTF8(msg[:500], "")
	}
	return s.Write(ctx, func(tx *Tx) error {
		failed := int64(0)
		if next.IsZero() {
			failed = ms(now)
		}
		_, err := tx.exec(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, failed_at = ?, last_status = ?,
			last_error = ? WHERE id = ?`, ms(next), failed, status, msg, id)
		return err
	})
}
