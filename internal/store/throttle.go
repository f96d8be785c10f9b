package store

import (
	"context"
	"errors"
	"time"

	"github.com/vaern/vaern"
)

// Throttled reports until when key (an account or an address) is locked out; zero when it is not.
func (s *Store) Throttled(ctx context.Context, key string, now time.Time) (time.Time, error) {
	var until int64
	err := s.queryRow(ctx, "SELECT locked_until FROM throttle WHERE key = ?", key).Scan(&until)
	if err != nil {
		if errors.Is(mapErr(err), vaern.ErrNotFound) {
			return time.Time{}, nil
		}
		return time.Time{}, err
	}
	if until <= ms(now) {
		return time.Time{}, nil
	}
	return fromMS(until), nil
}

// ThrottleFailure counts a failure for key within window; at limit failures the key is locked for
// lockFor. It returns the lock's end, zero when not locked.
func (s *Store) ThrottleFailure(ctx context.Context, key string, now time.Time, window time.Duration, limit int, lockFor time.Duration) (time.Time, error) {
	var until time.Time
	err := s.Write(ctx, func(tx *Tx) error {
		var failures int
		var start, locked int64
		err := tx.queryRow(ctx, `INSERT INTO throttle (key, failures, window_start, locked_until) VALUES (?, 1, ?, 0)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN throttle.window_start <= ? THEN 1 ELSE throttle.failures + 1 END,
				window_start = CASE WHEN throttle.window_start <= ? THEN ? ELSE throttle.window_start END
			RETURNING failures, window_start, locked_until`,
			key, ms(now), ms(now.Add(-window)), ms(now.Add(-window)), ms(now)).Scan(&failures, &start, &locked)
		if err != nil {
			return err
		}
		if failures >= limit {
			until = now.Add(lockFor)
			_, err = tx.exec(ctx, "UPDATE throttle SET locked_until = ?, failures = 0, window_start = ? WHERE key = ?", ms(until), ms(now), key)
			return err
		}
		if locked > ms(now) {
			until = fromMS(locked)
		}
		return nil
	})
	return until, err
}

// ThrottleReset forgets key's failures (after a successful sign-in).
func (s *Store) ThrottleReset(ctx context.Context, key string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM throttle WHERE key = ?", key)
		return err
	})
}
