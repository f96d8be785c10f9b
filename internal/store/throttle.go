package store

import (
	"context"
	"errors"
	"time"

	"github.com/vaern/vaern"
)

// Throttled reports until when key (an account, an address, or both) is held back; zero when it
// is not.
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

// ThrottleFailure counts a failure for key. The count starts over once window has passed since
// its first failure; after each counted failure, hold(count) says how long key is held back (0:
// not at all). A failure while key is held back is not counted and does not extend the hold. It
// returns the hold's end, zero when key is not held back.
func (s *Store) ThrottleFailure(ctx context.Context, key string, now time.Time, window time.Duration, hold func(failures int) time.Duration) (time.Time, error) {
	var until time.Time
	err := s.Write(ctx, func(tx *Tx) error {
		var failures int
		var start, locked int64
		err := tx.queryRow(ctx, "SELECT failures, window_start, locked_until FROM throttle WHERE key = ?", key).
			Scan(&failures, &start, &locked)
		switch {
		case errors.Is(mapErr(err), vaern.ErrNotFound):
		case err != nil:
			return err
		case locked > ms(now):
			until = fromMS(locked)
			return nil
		}
		if err != nil || start <= ms(now.Add(-window)) {
			failures, start = 0, ms(now)
		}
		failures++
		var lockedUntil int64
		if d := hold(failures); d > 0 {
			until = now.Add(d)
			lockedUntil = ms(until)
		}
		_, err = tx.exec(ctx, `INSERT INTO throttle (key, failures, window_start, locked_until) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
				locked_until = excluded.locked_until`, key, failures, start, lockedUntil)
		return err
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

// Trusted reports whether any of hashes (a device cookie's or an address's) is a client from
// which the user signed in since the given time.
func (s *Store) Trusted(ctx context.Context, userID int64, since time.Time, hashes ...string) (bool, error) {
	for _, h := range hashes {
		if h == "" {
			continue
		}
		var one int
		err := s.queryRow(ctx, "SELECT 1 FROM login_trust WHERE hash = ? AND user_id = ? AND last_used_at >= ?",
			h, userID, ms(since)).Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(mapErr(err), vaern.ErrNotFound) {
			return false, err
		}
	}
	return false, nil
}

// RememberClient records a client (kind "device" or "address") from which the user signed in.
func (s *Store) RememberClient(ctx context.Context, userID int64, kind, hash string, now time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO login_trust (hash, user_id, kind, created_at, last_used_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (hash) DO UPDATE SET last_used_at = excluded.last_used_at`, hash, userID, kind, ms(now), ms(now))
		return err
	})
}
