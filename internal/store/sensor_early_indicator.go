package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// An early warning shared as an indicator (issue 14): what several members' sensors saw goes
// back out to the members' own sensors through the indicator store's exports. The indicator's
// source is "sensor" with the early warning's id; the warning keeps the indicator's id, so each
// links to the other and a second share returns the first indicator.

// EarlyShare is how an analyst shares an early warning's indicator: the label, the audience
// (all members, or the members whose sensors saw it), the confidence and the expiry.
type EarlyShare struct {
	TLP access.TLP
	// Concerned addresses the indicator to the members in the warning's member set only; false
	// is all members.
	Concerned   bool
	Confidence  int
	ExpiresAt   time.Time // zero: does not expire
	Description string    // what the indicator's description says (the correlate package writes it)
}

// EarlyShared says what sharing did.
type EarlyShared struct {
	IndicatorID int64
	Created     bool // a new indicator; false: the warning's earlier one, or one that already had the value
	Before      bool // the warning had been shared before: nothing changed
}

// The share's defaults: what the analyst's form starts from and what the API and the advisory's
// "share too" use: TLP:AMBER to all members, confidence 70, expiring in 30 days.
const (
	EarlyShareDays       = 30
	EarlyShareConfidence = 70
)

// DefaultEarlyShare is a share with the defaults and the given description (the correlate
// package writes it from the warning).
func DefaultEarlyShare(description string, now time.Time) EarlyShare {
	return EarlyShare{TLP: access.Amber, Confidence: EarlyShareConfidence, ExpiresAt: now.AddDate(0, 0, EarlyShareDays),
		Description: description}
}

// ReadEarlyShare reads a share from its fields, named as on the web's share form and in the API's
// body: tlp (a TLP 2.0 label), audience (members or concerned), confidence (0-100) and
// expires_days (0 never, up to 3650). get returns a field's text; an empty field takes its
// default. The label is checked again where the share is written (RED is refused there).
func ReadEarlyShare(get func(string) string, description string, now time.Time) (EarlyShare, error) {
	sh := DefaultEarlyShare(description, now)
	if t := get("tlp"); t != "" {
		tlp, ok := access.ParseTLP(t)
		if !ok {
			return sh, vaern.Invalid("tlp", "is not a TLP 2.0 label")
		}
		sh.TLP = tlp
	}
	switch get("audience") {
	case "", "members":
	case "concerned":
		sh.Concerned = true
	default:
		return sh, vaern.Invalid("audience", "is not an audience: members or concerned")
	}
	if v := strings.TrimSpace(get("confidence")); v != "" {
		c, err := strconv.Atoi(v)
		if err != nil || c < 0 || c > 100 {
			return sh, vaern.Invalid("confidence", "must be 0-100")
		}
		sh.Confidence = c
	}
	if v := strings.TrimSpace(get("expires_days")); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 0 || d > 3650 {
			return sh, vaern.Invalid("expires_days", "give a whole number of days from 0 (never) to 3650")
		}
		sh.ExpiresAt = time.Time{}
		if d > 0 {
			sh.ExpiresAt = now.AddDate(0, 0, d)
		}
	}
	return sh, nil
}

// EarlyIndicatorType is the indicator store's type of an early warning's kind, "" for a kind the
// store has no type for (a JA4 fingerprint, a signature id).
func EarlyIndicatorType(kind string) string {
	switch kind {
	case vaern.IndicatorIP, vaern.IndicatorDomain, vaern.IndicatorJA3:
		return kind
	}
	return ""
}

// ShareEarlyWarning makes an early warning's indicator an indicator of the centre, linked both
// ways, in one transaction with its audit. A warning already shared returns its indicator.
func (s *Store) ShareEarlyWarning(ctx context.Context, a vaern.Actor, centreID, id int64, in EarlyShare) (EarlyShared, error) {
	var out EarlyShared
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.shareEarly(ctx, a, centreID, id, in)
		return err
	})
	return out, err
}

func (t *Tx) shareEarly(ctx context.Context, a vaern.Actor, centreID, id int64, in EarlyShare) (EarlyShared, error) {
	var out EarlyShared
	if err := t.centreOnly(ctx, centreID); err != nil {
		return out, err
	}
	w, err := t.earlyByID(ctx, centreID, id)
	if err != nil {
		return out, err
	}
	if w.IndicatorID != 0 {
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM indicators WHERE id = ? AND org_id = ?", w.IndicatorID, centreID).Scan(&n); err != nil {
			return out, err
		}
		if n > 0 {
			out.IndicatorID, out.Before = w.IndicatorID, true
			return out, nil
		}
	}
	typ := EarlyIndicatorType(w.Kind)
	if typ == "" {
		return out, vaern.Invalid("kind", "this kind of early warning cannot be an indicator")
	}
	if w.Status == vaern.EarlyDismissed || w.Status == vaern.EarlySuppressed {
		return out, vaern.Invalid("status", "a dismissed or suppressed early warning is not shared")
	}
	switch in.TLP {
	case access.Clear, access.Green, access.Amber, access.AmberStrict:
	case "":
		in.TLP = access.Amber
	default:
		return out, vaern.Invalid("tlp", "choose CLEAR, GREEN, AMBER or AMBER+STRICT for the members' sensors")
	}
	if in.Confidence < 0 || in.Confidence > 100 {
		return out, vaern.Invalid("confidence", "must be 0-100")
	}
	aud := access.Audience{Kind: access.AllMembers}
	if in.Concerned {
		rows, err := t.query(ctx, "SELECT org_id FROM early_warning_members WHERE warning_id = ? ORDER BY org_id", id)
		orgs, err := collect(rows, err, func(r scanner) (int64, error) {
			var o int64
			return o, r.Scan(&o)
		})
		if err != nil {
			return out, err
		}
		aud = access.Audience{Kind: access.NamedMembers, Orgs: orgs}
	}
	obj := access.Object{Owner: centreID, Creator: a.UserID, TLP: in.TLP, Audience: aud}
	if err := obj.Validate(); err != nil {
		return out, err
	}
	if len([]rune(in.Description)) > 2000 {
		in.Description = string([]rune(in.Description)[:2000])
	}
	now := ms(t.s.now())
	// An indicator of the same value the centre already has (added by hand, imported) is linked,
	// not replaced: its label, audience and text are an analyst's earlier decision. It is seen
	// again and lives at least as long as the share asked.
	var existing, exp int64
	err = t.queryRow(ctx, "SELECT id, expires_at FROM indicators WHERE org_id = ? AND type = ? AND value = ?", centreID, typ, w.Value).Scan(&existing, &exp)
	switch err := mapErr(err); {
	case err == nil:
		newExp := exp
		if exp != 0 && (in.ExpiresAt.IsZero() || ms(in.ExpiresAt) > exp) {
			newExp = ms(in.ExpiresAt)
		}
		if _, err := t.exec(ctx, `UPDATE indicators SET first_seen = CASE WHEN first_seen > ? THEN ? ELSE first_seen END,
			last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END, expires_at = ?, updated_at = ? WHERE id = ?`,
			ms(w.FirstSeen), ms(w.FirstSeen), ms(w.LastSeen), ms(w.LastSeen), newExp, now, existing); err != nil {
			return out, err
		}
		out.IndicatorID = existing
	case err == vaern.ErrNotFound:
		au := aud.Row()
		iid, err := t.insert(ctx, `INSERT INTO indicators (org_id, type, value, source, source_id, confidence, first_seen, last_seen, expires_at, tlp,
			audience_kind, audience_orgs, audience_people, audience_country, audience_region, audience_size, created_by, created_at, updated_at,
			description) VALUES (?, ?, ?, 'sensor', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			centreID, typ, w.Value, id, in.Confidence, ms(w.FirstSeen), ms(w.LastSeen), ms(in.ExpiresAt), string(in.TLP),
			au.Kind, au.Orgs, au.People, au.Country, au.Region, au.Size, nullID(a.UserID), now, now, in.Description)
		if err != nil {
			return out, fmt.Errorf("share early warning %d: %w", id, err)
		}
		out.IndicatorID, out.Created = iid, true
		if err := t.Audit(ctx, a, Change{OrgID: centreID, Action: "indicator.create", ObjectType: "indicator", ObjectID: iid,
			Detail: map[string]any{"type": typ, "value": w.Value, "tlp": string(in.TLP), "audience": au.Kind, "early_warning_id": id}}); err != nil {
			return out, err
		}
	default:
		return out, err
	}
	if _, err := t.exec(ctx, "UPDATE early_warnings SET indicator_id = ?, updated_at = ? WHERE id = ? AND centre_id = ?",
		out.IndicatorID, now, id, centreID); err != nil {
		return out, err
	}
	return out, t.Audit(ctx, a, Change{OrgID: centreID, Action: "early_warning.share", ObjectType: "early_warning", ObjectID: id,
		Detail: map[string]any{"indicator": w.Value, "indicator_id": out.IndicatorID, "created": out.Created, "tlp": string(in.TLP),
			"audience": string(aud.Kind)}})
}

// EarlyWarningOfIndicator is the early warning an indicator was shared from, for the indicator's
// page (0 when there is none).
func (s *Store) EarlyWarningOfIndicator(ctx context.Context, centreID, indicatorID int64) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT id FROM early_warnings WHERE centre_id = ? AND indicator_id = ? ORDER BY id LIMIT 1", centreID, indicatorID).Scan(&id)
	if err := mapErr(err); err != nil && err != vaern.ErrNotFound {
		return 0, err
	}
	return id, nil
}

// AdvisoryEarlyWarnings are the early warnings an advisory was drafted from: an advisory about
// an indicator, which names no product.
func (s *Store) AdvisoryEarlyWarnings(ctx context.Context, centreID, advisoryID int64) ([]vaern.EarlyWarning, error) {
	if advisoryID == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, "SELECT "+earlyCols+" FROM early_warnings e WHERE e.centre_id = ? AND e.advisory_id = ? ORDER BY e.id", centreID, advisoryID)
	return collect(rows, err, scanEarly)
}

// IndicatorAdvisories are the published advisories drafted from early warnings that v may see
// (by TLP and audience), newest first: they name no product, so no member's register matches
// them, and the member's early-warning page lists them instead.
func (s *Store) IndicatorAdvisories(ctx context.Context, v access.Principal, limit int) ([]vaern.Advisory, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	w := access.Where(v, advisoryRule).And(`a.state = 'published' AND EXISTS (SELECT 1 FROM early_warnings e
		WHERE e.advisory_id = a.id AND e.centre_id = a.owner_org_id)`)
	rows, err := s.query(ctx, "SELECT "+advisoryCols+" FROM advisories a WHERE "+w.SQL+" ORDER BY a.published_at DESC, a.id DESC LIMIT ?",
		append(w.Args, limit)...)
	return collect(rows, err, scanAdvisory)
}
