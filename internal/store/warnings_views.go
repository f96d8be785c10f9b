package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// ExposureView is an exposure with what a page shows of its system and advisory.
type ExposureView struct {
	ExposureRow
	SystemOwnerID   int64
	AdvisorySource  vaern.AdvisorySource
	AdvisoryTitle   string                        // as the source wrote it
	AdvisoryTexts   map[string]vaern.AdvisoryText // the analyst's wording per language
	AdvisorySev     vaern.Severity
	AdvisoryTLP     string
	KnownExploited  bool
	AdvisoryRev     int
	AcceptedByName  string
	SystemOwnerName string
}

// ExposureFilter narrows a member's list of exposures.
type ExposureFilter struct {
	Tier       vaern.ExposureTier
	Status     string // a status, "open" (new or acknowledged), or "" for all but closed
	Due        string // "overdue", "week" (due within seven days), "" any
	SystemID   int64
	AdvisoryID int64
	OwnerID    int64 // only systems this person owns
	Limit      int
	Offset     int
}

const exposureViewFrom = ` FROM exposures e JOIN systems s ON s.id = e.system_id AND s.org_id = e.org_id
	JOIN advisories a ON a.id = e.advisory_id
	LEFT JOIN users ua ON ua.id = e.accepted_by
	LEFT JOIN users uo ON uo.id = s.system_owner_id
	LEFT JOIN contacts co ON co.id = s.system_owner_contact_id`

const exposureViewCols = exposureCols + `, s.name, COALESCE(s.system_owner_id, 0), a.source, a.source_id, a.title, a.severity, a.tlp,
	a.known_exploited, a.revision, COALESCE(ua.name, ''), COALESCE(uo.name, co.name, ''), a.texts`

// TitleIn is the advisory's title in lang: the analyst's wording there, else the source's.
func (v ExposureView) TitleIn(lang string) string {
	if t := v.AdvisoryTexts[lang].Title; t != "" {
		return t
	}
	return v.AdvisoryTitle
}

func scanExposureView(r scanner) (ExposureView, error) {
	var v ExposureView
	var src, sev, name, sourceID, texts string
	var ke int64
	row, err := scanExposureRow(r, &name, &v.SystemOwnerID, &src, &sourceID, &v.AdvisoryTitle, &sev, &v.AdvisoryTLP,
		&ke, &v.AdvisoryRev, &v.AcceptedByName, &v.SystemOwnerName, &texts)
	if texts != "" && texts != "{}" {
		_ = json.Unmarshal([]byte(texts), &v.AdvisoryTexts)
	}
	v.ExposureRow = row
	v.SystemName, v.SourceID = name, sourceID
	v.AdvisorySource, v.AdvisorySev, v.KnownExploited = vaern.AdvisorySource(src), vaern.Severity(sev), ke != 0
	return v, err
}

func (f ExposureFilter) where(orgID int64, now time.Time) (string, []any) {
	w := []string{"e.org_id = ?", "a.state <> 'draft'"}
	args := []any{orgID}
	if f.Tier != "" {
		w, args = append(w, "e.tier = ?"), append(args, string(f.Tier))
	}
	switch f.Status {
	case "":
		w = append(w, "e.status <> 'closed'")
	case "all":
	case "open":
		w = append(w, "e.status IN ('new', 'acknowledged')")
	default:
		w, args = append(w, "e.status = ?"), append(args, f.Status)
	}
	switch f.Due {
	case "overdue":
		w, args = append(w, "e.due > 0 AND e.due < ? AND e.status IN ('new', 'acknowledged')"), append(args, ms(now))
	case "week":
		w, args = append(w, "e.due > 0 AND e.due < ? AND e.status IN ('new', 'acknowledged')"), append(args, ms(now.Add(7*24*time.Hour)))
	}
	if f.SystemID != 0 {
		w, args = append(w, "e.system_id = ?"), append(args, f.SystemID)
	}
	if f.AdvisoryID != 0 {
		w, args = append(w, "e.advisory_id = ?"), append(args, f.AdvisoryID)
	}
	if f.OwnerID != 0 {
		w, args = append(w, "(s.system_owner_id = ? OR s.data_owner_id = ?)"), append(args, f.OwnerID, f.OwnerID)
	}
	return strings.Join(w, " AND "), args
}

// Exposures lists the member's exposures (never another member's), most urgent first, with how many
// match the filter in all.
func (s *Store) Exposures(ctx context.Context, orgID int64, f ExposureFilter) ([]ExposureView, int, error) {
	where, args := f.where(orgID, s.now())
	var total int
	if err := s.queryRow(ctx, "SELECT COUNT(*)"+exposureViewFrom+" WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.query(ctx, "SELECT "+exposureViewCols+exposureViewFrom+" WHERE "+where+`
		ORDER BY CASE WHEN e.status IN ('new', 'acknowledged') THEN 0 ELSE 1 END, CASE e.tier WHEN 'exact' THEN 0 WHEN 'confirm' THEN 1 ELSE 2 END,
		CASE WHEN e.due = 0 THEN 1 ELSE 0 END, e.due, e.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	list, err := collect(rows, err, scanExposureView)
	return list, total, err
}

// Exposure returns one of the member's exposures; another member's is ErrNotFound.
func (s *Store) Exposure(ctx context.Context, orgID, id int64) (ExposureView, error) {
	return scanExposureView(s.queryRow(ctx, "SELECT "+exposureViewCols+exposureViewFrom+" WHERE e.org_id = ? AND e.id = ? AND a.state <> 'draft'", orgID, id))
}

// ExposureEvent is one row of an exposure's history.
type ExposureEvent struct {
	ID         int64
	OrgID      int64
	ExposureID int64
	AdvisoryID int64
	SystemID   int64
	Kind       string
	From, To   vaern.ExposureStatus
	Tier       vaern.ExposureTier
	ActorID    int64
	ActorName  string
	Note       string
	At         time.Time
}

// ExposureHistory lists one of the member's exposure's events, oldest first.
func (s *Store) ExposureHistory(ctx context.Context, orgID, id int64) ([]ExposureEvent, error) {
	rows, err := s.query(ctx, `SELECT ev.id, ev.org_id, ev.exposure_id, ev.advisory_id, ev.system_id, ev.kind, ev.from_status, ev.to_status,
		ev.tier, ev.actor_id, COALESCE(u.name, u.email, ''), ev.note, ev.at FROM exposure_events ev LEFT JOIN users u ON u.id = ev.actor_id
		WHERE ev.org_id = ? AND ev.exposure_id = ? ORDER BY ev.id`, orgID, id)
	return collect(rows, err, scanExposureEvent)
}

func scanExposureEvent(r scanner) (ExposureEvent, error) {
	var e ExposureEvent
	var from, to, tier string
	var at int64
	err := r.Scan(&e.ID, &e.OrgID, &e.ExposureID, &e.AdvisoryID, &e.SystemID, &e.Kind, &from, &to, &tier, &e.ActorID, &e.ActorName, &e.Note, &at)
	e.From, e.To, e.Tier, e.At = vaern.ExposureStatus(from), vaern.ExposureStatus(to), vaern.ExposureTier(tier), fromMS(at)
	return e, err
}

// ExposureUpdate is a person's answer to an exposure.
type ExposureUpdate struct {
	Status        vaern.ExposureStatus
	Reason        string
	AcceptedUntil time.Time
}

// SetExposureStatus records a person's answer: acknowledged, mitigated, patched, not affected (with
// a reason) or risk accepted (by them, until a date, with a reason). A coordinator may answer for
// every system of the member, a respondent for the systems they own; another member's exposure is
// not found.
func (s *Store) SetExposureStatus(ctx context.Context, a vaern.Actor, orgID, id int64, u ExposureUpdate) error {
	return s.Write(ctx, func(tx *Tx) error {
		x, err := scanExposureRow(tx.queryRow(ctx, "SELECT "+exposureCols+" FROM exposures e WHERE e.org_id = ? AND e.id = ?", orgID, id))
		if err != nil {
			return err
		}
		if _, err := tx.mayEditSystem(ctx, a, orgID, x.SystemID); err != nil {
			return err
		}
		u.Reason = strings.TrimSpace(u.Reason)
		if len(u.Reason) > 2000 {
			return vaern.Invalid("reason", "is too long")
		}
		now := tx.s.now()
		acked, resolved, until, by := x.AckedAt, time.Time{}, time.Time{}, int64(0)
		switch u.Status {
		case vaern.ExposureAcknowledged:
		case vaern.ExposureMitigated, vaern.ExposurePatched:
			resolved = now
		case vaern.ExposureNotAffected:
			if u.Reason == "" {
				return vaern.Invalid("reason", "is required when the system is not affected")
			}
			resolved = now
		case vaern.ExposureRiskAccepted:
			if u.Reason == "" {
				return vaern.Invalid("reason", "is required when the risk is accepted")
			}
			if u.AcceptedUntil.IsZero() || !u.AcceptedUntil.After(now) {
				return vaern.Invalid("accepted_until", "must be a date in the future")
			}
			resolved, until, by = now, u.AcceptedUntil, a.UserID
		default:
			return vaern.Invalid("status", "is not a status a person can set")
		}
		if acked.IsZero() {
			acked = now
		}
		if _, err := tx.exec(ctx, `UPDATE exposures SET status = ?, reason = ?, accepted_by = ?, accepted_until = ?, acked_at = ?,
			resolved_at = ?, updated_by = ?, updated_at = ? WHERE id = ?`, string(u.Status), u.Reason, by, ms(until), ms(acked), ms(resolved),
			a.UserID, ms(now), id); err != nil {
			return err
		}
		if err := tx.exposureEvent(ctx, id, orgID, x.AdvisoryID, x.SystemID, "status", x.Status, u.Status, x.Tier, a.UserID, u.Reason, false); err != nil {
			return err
		}
		if _, err := tx.EnqueueJob(ctx, WarningsNotifyKind, nil, JobOpts{UniqueKey: WarningsNotifyKind, MaxAttempts: 8}); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "exposure.status", ObjectType: "exposure", ObjectID: id,
			Detail: map[string]any{"from": string(x.Status), "to": string(u.Status), "system_id": x.SystemID, "advisory_id": x.AdvisoryID}})
	})
}

// OpenWarnings counts the member's open exposures that warn (exact and confirm), for the dashboard.
func (s *Store) OpenWarnings(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM exposures e JOIN advisories a ON a.id = e.advisory_id
		WHERE e.org_id = ? AND e.status IN ('new', 'acknowledged') AND e.tier <> 'triage' AND a.state = 'published'`, orgID).Scan(&n)
	return n, err
}

// MemberExposureCounts is how many of a member's systems an advisory touches, by status.
type MemberExposureCounts struct {
	OrgID        int64
	OrgName      string
	Shared       bool // the member shares its register's details with the centre
	New          int
	Acknowledged int
	Resolved     int // mitigated, patched, risk accepted
	Systems      int
}

// AdvisorySummary is the sector's exposure to one advisory: members affected (with an exposure
// that warns and is not closed or found not affected), acknowledged (none of theirs is new) and
// fixed (all of theirs are mitigated, patched or risk accepted).
type AdvisorySummary struct {
	AdvisoryID   int64
	Source       vaern.AdvisorySource
	SourceID     string
	Title        string
	Affected     int
	Acknowledged int
	Fixed        int
}

// memberCounts reads the per member counts of exposures that warn, for the advisories of where.
func (s *Store) memberCounts(ctx context.Context, where string, args ...any) (map[int64][]MemberExposureCounts, error) {
	rows, err := s.query(ctx, `SELECT e.advisory_id, e.org_id, o.name, o.register_sharing,
		SUM(CASE WHEN e.status = 'new' THEN 1 ELSE 0 END), SUM(CASE WHEN e.status = 'acknowledged' THEN 1 ELSE 0 END),
		SUM(CASE WHEN e.status IN ('mitigated', 'patched', 'risk_accepted') THEN 1 ELSE 0 END), COUNT(DISTINCT e.system_id)
		FROM exposures e JOIN orgs o ON o.id = e.org_id
		WHERE e.tier <> 'triage' AND e.status NOT IN ('closed', 'not_affected') AND `+where+`
		GROUP BY e.advisory_id, e.org_id, o.name, o.register_sharing ORDER BY e.advisory_id, o.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]MemberExposureCounts{}
	for rows.Next() {
		var adv int64
		var c MemberExposureCounts
		var sharing string
		if err := rows.Scan(&adv, &c.OrgID, &c.OrgName, &sharing, &c.New, &c.Acknowledged, &c.Resolved, &c.Systems); err != nil {
			return nil, err
		}
		c.Shared = sharing == string(vaern.ShareDetails)
		out[adv] = append(out[adv], c)
	}
	return out, rows.Err()
}

func summarise(s *AdvisorySummary, cs []MemberExposureCounts) {
	for _, c := range cs {
		s.Affected++
		if c.New == 0 {
			s.Acknowledged++
			if c.Acknowledged == 0 {
				s.Fixed++
			}
		}
	}
}

// ExposureSummary is the sector's exposure per published or withdrawn advisory that touches any
// member (for the centre: counts only).
func (s *Store) ExposureSummary(ctx context.Context) ([]AdvisorySummary, error) {
	counts, err := s.memberCounts(ctx, "1 = 1")
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, "SELECT a.id, a.source, a.source_id, a.title FROM advisories a WHERE a.state <> 'draft' AND EXISTS (SELECT 1 FROM exposures e WHERE e.advisory_id = a.id) ORDER BY a.published_at DESC, a.id DESC")
	list, err := collect(rows, err, func(r scanner) (AdvisorySummary, error) {
		var x AdvisorySummary
		var src string
		err := r.Scan(&x.AdvisoryID, &src, &x.SourceID, &x.Title)
		x.Source = vaern.AdvisorySource(src)
		return x, err
	})
	for i := range list {
		summarise(&list[i], counts[list[i].AdvisoryID])
	}
	return list, err
}

// AdvisoryExposure is one advisory's exposure: the sector's counts, and the members that share
// their register's details with the centre one by one. The others are in the counts only.
type AdvisoryExposure struct {
	Summary AdvisorySummary
	Shared  []MemberExposureCounts
	Hidden  int // members affected that do not share details
}

// AdvisoryExposureOf returns one advisory's exposure for the centre.
func (s *Store) AdvisoryExposureOf(ctx context.Context, advisoryID int64) (AdvisoryExposure, error) {
	var out AdvisoryExposure
	counts, err := s.memberCounts(ctx, "e.advisory_id = ?", advisoryID)
	if err != nil {
		return out, err
	}
	out.Summary.AdvisoryID = advisoryID
	summarise(&out.Summary, counts[advisoryID])
	for _, c := range counts[advisoryID] {
		if c.Shared {
			out.Shared = append(out.Shared, c)
		} else {
			out.Hidden++
		}
	}
	return out, nil
}

// AdvisoryEvents lists every event of an advisory's exposures that warn, oldest first (the
// burn-down replays them). It carries ids, never names.
func (s *Store) AdvisoryEvents(ctx context.Context, advisoryID int64) ([]ExposureEvent, error) {
	rows, err := s.query(ctx, `SELECT ev.id, ev.org_id, ev.exposure_id, ev.advisory_id, ev.system_id, ev.kind, ev.from_status, ev.to_status,
		ev.tier, ev.actor_id, '', '', ev.at FROM exposure_events ev WHERE ev.advisory_id = ? AND ev.tier <> 'triage' ORDER BY ev.at, ev.id`, advisoryID)
	return collect(rows, err, scanExposureEvent)
}

// TriageItem is one line of the centre's triage queue: an advisory's product matched by a name
// alone in some members' registers.
type TriageItem struct {
	AdvisoryID int64
	SourceID   string
	Title      string
	Product    string // the register's product (or system) name that matched
	NameKey    string
	Members    int
	Systems    int
	Mapped     bool // a mapping of the name is already confirmed
}

// TriageQueue lists the open triage matches, grouped by advisory and product name.
func (s *Store) TriageQueue(ctx context.Context, limit int) ([]TriageItem, error) {
	rows, err := s.query(ctx, `SELECT e.advisory_id, a.source_id, a.title,
		MIN(CASE WHEN e.component_id <> 0 THEN e.component_name WHEN s.product <> '' THEN s.product ELSE s.name END),
		COUNT(DISTINCT e.org_id), COUNT(DISTINCT e.system_id),
		LOWER(CASE WHEN e.component_id <> 0 THEN e.component_name WHEN s.product <> '' THEN s.product ELSE s.name END) AS k
		FROM exposures e JOIN systems s ON s.id = e.system_id JOIN advisories a ON a.id = e.advisory_id
		WHERE e.tier = 'triage' AND e.status = 'new' AND a.state = 'published'
		GROUP BY e.advisory_id, a.source_id, a.title, k ORDER BY COUNT(DISTINCT e.org_id) DESC, e.advisory_id DESC LIMIT ?`, limit)
	list, err := collect(rows, err, func(r scanner) (TriageItem, error) {
		var x TriageItem
		err := r.Scan(&x.AdvisoryID, &x.SourceID, &x.Title, &x.Product, &x.Members, &x.Systems, &x.NameKey)
		x.NameKey = NameKeyOf(x.NameKey)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	maps, err := s.ProductMappings(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, m := range maps {
		known[m.NameKey] = true
	}
	for i := range list {
		list[i].Mapped = known[list[i].NameKey]
	}
	return list, nil
}

// ResponseTimes is one member's times to acknowledge and to remediate its exposures that warn,
// in hours: the medians over the exposures that got there.
type ResponseTimes struct {
	OrgID          int64
	AckHours       []float64
	RemediateHours []float64
}

// WarningResponseTimes lists every member's response times (the benchmark of issue 12.6 reads them).
func (s *Store) WarningResponseTimes(ctx context.Context) (map[int64]*ResponseTimes, error) {
	rows, err := s.query(ctx, `SELECT e.org_id, e.first_seen, e.acked_at, e.resolved_at, e.status FROM exposures e
		WHERE e.tier <> 'triage' AND (e.acked_at > 0 OR e.resolved_at > 0)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*ResponseTimes{}
	for rows.Next() {
		var org, first, acked, resolved int64
		var status string
		if err := rows.Scan(&org, &first, &acked, &resolved, &status); err != nil {
			return nil, err
		}
		rt := out[org]
		if rt == nil {
			rt = &ResponseTimes{OrgID: org}
			out[org] = rt
		}
		if acked > 0 {
			rt.AckHours = append(rt.AckHours, float64(max(acked-first, 0))/3.6e6)
		}
		switch vaern.ExposureStatus(status) {
		case vaern.ExposureMitigated, vaern.ExposurePatched, vaern.ExposureRiskAccepted:
			if resolved > 0 {
				rt.RemediateHours = append(rt.RemediateHours, float64(max(resolved-first, 0))/3.6e6)
			}
		}
	}
	return out, rows.Err()
}
