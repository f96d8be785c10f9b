package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestSecretsSealedAtRest: with an installation key, a TOTP seed and a webhook's signing key are
// stored sealed (the database alone holds neither), read back through the store, refused to a
// store without the key or with another key; plain values from before the key are sealed by
// ResealSecrets.
func TestSecretsSealedAtRest(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, e)
			key := bytes.Repeat([]byte{7}, 32)
			plain := storetest.OpenDSN(t, e, dsn, store.Options{AuditShards: 1})
			f := newFixture(t, plain)
			u := f.A.Respondent
			ok(t, plain.StartTOTP(ctx, u.ID, "PLAINSEED"))
			secret := strings.Repeat("w", 40)
			h := must(plain.CreateWebhook(ctx, f.coordA(), f.A.Org.ID, vaern.Webhook{URL: "https://hooks.example.dk/a", Lang: "da"}, secret))(t)

			sealed := storetest.OpenDSN(t, e, dsn, store.Options{AuditShards: 1, SecretKey: key})
			if n, err := sealed.ResealSecrets(ctx); err != nil || n != 2 {
				t.Fatalf("ResealSecrets = %d, %v; want the 2 plain secrets sealed", n, err)
			}
			if n, err := sealed.ResealSecrets(ctx); err != nil || n != 0 {
				t.Fatalf("second ResealSecrets = %d, %v; want nothing left to seal", n, err)
			}
			var raw string
			if err := store.QueryRowForTest(ctx, sealed, "SELECT totp_secret FROM users WHERE id = ?", u.ID).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(raw, "sealed:v1:") || strings.Contains(raw, "PLAINSEED") {
				t.Fatalf("stored TOTP seed = %q, want it sealed", raw)
			}
			if got := must(sealed.TOTPSecret(ctx, u.ID))(t); got != "PLAINSEED" {
				t.Errorf("TOTPSecret through the key = %q", got)
			}
			// A new seed is sealed when written.
			ok(t, sealed.StartTOTP(ctx, f.A.Viewer.ID, "NEWSEED"))
			if err := store.QueryRowForTest(ctx, sealed, "SELECT totp_secret FROM users WHERE id = ?", f.A.Viewer.ID).Scan(&raw); err != nil || !strings.HasPrefix(raw, "sealed:v1:") {
				t.Fatalf("new seed stored as %q (%v)", raw, err)
			}
			if _, err := plain.TOTPSecret(ctx, f.A.Viewer.ID); !errors.Is(err, store.ErrNoSecretKey) {
				t.Errorf("a store without the key read a sealed seed: %v", err)
			}
			other := storetest.OpenDSN(t, e, dsn, store.Options{AuditShards: 1, SecretKey: bytes.Repeat([]byte{8}, 32)})
			if _, err := other.TOTPSecret(ctx, u.ID); err == nil || !strings.Contains(err.Error(), "does not open") {
				t.Errorf("another key opened the seed: %v", err)
			}
			// The webhook's key: sealed in the table, whole again for the delivery job.
			if err := store.QueryRowForTest(ctx, sealed, "SELECT secret FROM webhooks WHERE id = ?", h.ID).Scan(&raw); err != nil || strings.Contains(raw, secret) {
				t.Fatalf("webhook secret stored as %q (%v)", raw, err)
			}
			ok(t, sealed.Write(ctx, func(tx *store.Tx) error {
				return store.ExecForTest(ctx, tx, "INSERT INTO notify_events (org_id, kind, created_at) VALUES (?, 'test.ping', 0)", f.A.Org.ID)
			}))
			event := must(store.QueryIntForTest(ctx, sealed, "SELECT MAX(id) FROM notify_events"))(t)
			var delivery int64
			ok(t, sealed.Write(ctx, func(tx *store.Tx) error {
				var err error
				delivery, err = tx.AddWebhookDelivery(ctx, vaern.WebhookDelivery{WebhookID: h.ID, OrgID: f.A.Org.ID, EventID: event, Kind: "test.ping", Payload: []byte(`{}`)})
				return err
			}))
			if d := must(sealed.WebhookDeliveryToSend(ctx, delivery))(t); d.Secret != secret {
				t.Errorf("delivery secret = %q, want the webhook's key", d.Secret)
			}
			if _, err := store.Open(ctx, dsn, store.Options{SecretKey: []byte("short")}); err == nil {
				t.Error("a key of 5 bytes was accepted")
			}
		})
	}
}
