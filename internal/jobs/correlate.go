package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// CorrelateKind is the periodic job that correlates the members' sightings into early warnings.
const CorrelateKind = "sensor.correlate"

// CorrelateSlack is how much older than the window the job reads back, so that a burst that
// straddles two runs is seen whole.
const CorrelateSlack = 15 * time.Minute

// Correlator reads the recent sightings, runs the correlation with the centre's settings and
// warninglists, saves the early warnings and tells the centre's analysts of a new one and each
// member concerned that its sensors saw it. Saving is idempotent and serialised across app nodes
// (store.SaveEarlyWarnings), and every notification has a dedupe key, so a run repeated on another
// node tells nobody twice.
type Correlator struct {
	St  *store.Store
	N   *notify.Notifier // nil: nobody is told (the demo)
	Log *slog.Logger
	// Horizon, if set, is how far back the run reads instead of the window and the slack (the
	// demo correlates its whole day once).
	Horizon time.Duration
}

// RunOnce correlates at the store's clock and returns how many early warnings changed.
func (c *Correlator) RunOnce(ctx context.Context) (int, error) {
	centre, err := c.St.Centre(ctx)
	if err != nil {
		if err == vaern.ErrNotFound {
			return 0, nil
		}
		return 0, err
	}
	cs, err := c.St.CorrelationSettings(ctx, centre.ID)
	if err != nil {
		return 0, err
	}
	if err := c.St.EnsureWarninglists(ctx, centre.ID, correlate.Defaults()); err != nil {
		return 0, err
	}
	all, err := c.St.Warninglists(ctx, centre.ID)
	if err != nil {
		return 0, err
	}
	var enabled []vaern.Warninglist
	for _, w := range all {
		if w.Enabled {
			enabled = append(enabled, w)
		}
	}
	lists, err := correlate.Compile(enabled)
	if err != nil {
		return 0, err
	}
	horizon := cs.Window + CorrelateSlack
	if c.Horizon > 0 {
		horizon = c.Horizon
	}
	sightings, err := c.St.SightingsSince(ctx, c.St.Now().Add(-horizon))
	if err != nil {
		return 0, err
	}
	found := correlate.New(correlate.Settings{K: cs.K, SignatureK: cs.SignatureK, Window: cs.Window}, lists).Run(sightings)
	list := make([]vaern.EarlyWarning, len(found))
	for i, w := range found {
		list[i] = vaern.EarlyWarning{Kind: w.Kind, Value: w.Value, SignatureID: w.SignatureID, Signature: w.Signature,
			FirstSeen: w.FirstSeen, LastSeen: w.LastSeen, MemberIDs: w.Members, Members: len(w.Members), Alerts: w.Alerts,
			SuppressedBy: w.SuppressedBy}
	}
	changed := 0
	err = c.St.SaveEarlyWarnings(ctx, centre.ID, cs.Window, list, func(tx *store.Tx, w vaern.EarlyWarning, saved store.EarlyWarningSaved) error {
		changed++
		return c.notify(ctx, tx, centre.ID, w, saved)
	})
	return changed, err
}

// notify tells the centre of a warning that became open, and each member in its set once.
func (c *Correlator) notify(ctx context.Context, tx *store.Tx, centreID int64, w vaern.EarlyWarning, saved store.EarlyWarningSaved) error {
	if c.N == nil || (saved.Status != vaern.EarlyOpen && saved.Status != vaern.EarlyAdvised) {
		return nil // suppressed and dismissed warnings are never notified
	}
	label := w.Value
	if w.Signature != "" && w.Kind != vaern.IndicatorSignature {
		label += " (" + w.Signature + ")"
	} else if w.Kind == vaern.IndicatorSignature {
		label = w.Signature + " [" + w.Value + "]"
	}
	if saved.Opened {
		all, err := tx.Recipients(ctx, centreID)
		if err != nil {
			return err
		}
		k, _ := notify.Lookup(notify.EarlyWarning)
		if _, err := c.N.Send(ctx, tx, notify.Event{Kind: notify.EarlyWarning, OrgID: centreID, Path: fmt.Sprintf("/centre/early-warnings/%d", w.ID),
			Dedupe: fmt.Sprintf("early_warning:%d", w.ID), To: notify.Everyone(k, all),
			Args: func(vaern.Recipient) []any { return []any{label, w.Members} },
			Data: map[string]any{"early_warning_id": w.ID, "kind": w.Kind, "members": w.Members}}); err != nil {
			return err
		}
	}
	members := saved.NewMembers
	if saved.Opened {
		members = saved.Members
	}
	k, _ := notify.Lookup(notify.EarlyWarningMember)
	for _, org := range members {
		all, err := tx.Recipients(ctx, org)
		if err != nil {
			return err
		}
		if _, err := c.N.Send(ctx, tx, notify.Event{Kind: notify.EarlyWarningMember, OrgID: org, Path: "/sensors/early-warnings",
			Dedupe: fmt.Sprintf("early_warning:%d:org:%d", w.ID, org), To: notify.Everyone(k, all),
			Args: func(vaern.Recipient) []any { return []any{label, w.Members} },
			Data: map[string]any{"early_warning_id": w.ID, "kind": w.Kind, "members": w.Members}}); err != nil {
			return err
		}
	}
	return nil
}
