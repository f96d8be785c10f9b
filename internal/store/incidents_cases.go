package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// incidentRule is the access rule of a case: the member's own people, and the centre once the
// member reported the case to it (docs/access.md rule 5). Every read of a case and of what hangs
// on it goes through this predicate.
var incidentRule = access.Table{Owner: "i.org_id", Reported: "i.reported"}

// entryRule is the timeline's: the member sees all its entries; the centre sees the entries of a
// reported case that are not internal. The condition is in SQL, so a list, a count and an
// attachment's download show the same entries.
var entryRule = access.Table{Owner: "i.org_id", Reported: "(i.reported AND NOT e.internal)"}

// incidentWhere is the rule for viewer, and for the centre only over its own members.
func incidentWhere(v access.Principal) access.Predicate {
	w := access.Where(v, incidentRule)
	if v.Centre {
		w = w.And("i.org_id IN (SELECT id FROM orgs WHERE parent_id = ?)", v.Org)
	}
	return w
}

const incidentCols = `i.id, i.org_id, o.name, o.country, i.title, i.description, i.started_at, i.aware_at, i.status,
	COALESCE(i.handler_id, 0), COALESCE(h.name, ''), i.severity, i.cause, i.classification, i.personal_data, i.pd_categories,
	i.pd_count, i.high_risk, i.cross_border, i.services, i.sector, i.tlp, i.reported, i.reported_at, COALESCE(i.reported_by, 0),
	i.ack_at, i.contained_at, i.resolved_at, i.closed_at, COALESCE(i.created_by, 0), i.created_at, i.updated_at, i.next_due`

const incidentFrom = ` FROM incidents i JOIN orgs o ON o.id = i.org_id LEFT JOIN users h ON h.id = i.handler_id`

func scanIncident(r scanner) (vaern.Incident, error) {
	var c vaern.Incident
	var status string
	var started, aware, rep, ack, cont, res, clo, cr, up, next int64
	err := r.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.Country, &c.Title, &c.Description, &started, &aware, &status,
		&c.HandlerID, &c.HandlerName, &c.Severity, &c.Cause, &c.Classification, &c.PersonalData, &c.PDCategories,
		&c.PDCount, &c.HighRisk, &c.CrossBorder, &c.Services, &c.Sector, &c.TLP, &c.Reported, &rep, &c.ReportedBy,
		&ack, &cont, &res, &clo, &c.CreatedBy, &cr, &up, &next)
	c.Status = vaern.IncidentStatus(status)
	c.StartedAt, c.AwareAt, c.ReportedAt = fromMS(started), fromMS(aware), fromMS(rep)
	c.AckAt, c.ContainedAt, c.ResolvedAt, c.ClosedAt = fromMS(ack), fromMS(cont), fromMS(res), fromMS(clo)
	c.CreatedAt, c.UpdatedAt, c.NextDue = fromMS(cr), fromMS(up), fromMS(next)
	return c, mapErr(err)
}

// CreateIncident records a case reported by a member's person: the case, its systems, units and
// observables, the regimes that fit it, and its deadlines, in one transaction.
func (s *Store) CreateIncident(ctx context.Context, a vaern.Actor, orgID int64, c vaern.Incident) (vaern.Incident, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.CreateIncident(ctx, a, orgID, c)
		return err
	})
	return c, err
}

// CreateIncident is CreateIncident inside a transaction (the demo's seed).
func (t *Tx) CreateIncident(ctx context.Context, a vaern.Actor, orgID int64, c vaern.Incident) (vaern.Incident, error) {
	c.Reported = false
	return t.createIncident(ctx, a, orgID, c, "incident.create")
}

// RecordIncident records a case for a member on the centre's side: an analyst who learned of it
// from a sensor, a call or a third party. The case is the member's own from the start (its
// coordinators are told and handle it, its clocks run from the time of awareness) and reported
// to the centre, which follows it as any reported case. A member of another centre is not found.
// The member's audit log shows who at the centre recorded it, and so does the centre's.
func (s *Store) RecordIncident(ctx context.Context, a vaern.Actor, centreID, memberID int64, c vaern.Incident) (vaern.Incident, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var parent int64
		if err := tx.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ? AND kind = ?", memberID, string(vaern.OrgMember)).Scan(&parent); err != nil {
			return mapErr(err)
		}
		if parent != centreID {
			return vaern.ErrNotFound
		}
		now := tx.s.now()
		c.Reported, c.ReportedAt, c.ReportedBy = true, now, a.UserID
		var err error
		if c, err = tx.createIncident(ctx, a, memberID, c, "incident.centre_record"); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "incident.centre_recorded", ObjectType: "org", ObjectID: memberID,
			Detail: map[string]any{"title": c.Title, "incident": c.ID}})
	})
	return c, err
}

func (t *Tx) createIncident(ctx context.Context, a vaern.Actor, orgID int64, c vaern.Incident, action string) (vaern.Incident, error) {
	org, err := scanOrg(t.queryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE id = ?", orgID))
	if err != nil {
		return c, err
	}
	if org.IsCentre() {
		return c, vaern.Invalid("org", "a case belongs to a member")
	}
	c.Status = vaern.IncidentNew
	if err := t.s.rules.Incident.CleanIncident(&c); err != nil {
		return c, err
	}
	obs, err := t.s.rules.Incident.CleanObservables(c.Observables)
	if err != nil {
		return c, err
	}
	if c.HandlerID != 0 && t.memberOf(ctx, orgID, c.HandlerID) != nil {
		return c, vaern.Invalid("handler", "is not a person in this organisation")
	}
	now := t.s.now()
	c.OrgID, c.Country, c.OrgName, c.CreatedAt, c.UpdatedAt = orgID, org.Country, org.Name, now, now
	if a.UserID != 0 {
		c.CreatedBy = a.UserID
	}
	id, err := t.insert(ctx, `INSERT INTO incidents (org_id, title, description, started_at, aware_at, status, handler_id, severity,
		cause, classification, personal_data, pd_categories, pd_count, high_risk, cross_border, services, sector, tlp,
		reported, reported_at, reported_by, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		orgID, c.Title, c.Description, ms(c.StartedAt), ms(c.AwareAt), string(c.Status), nullID(c.HandlerID), c.Severity,
		c.Cause, c.Classification, c.PersonalData, c.PDCategories, c.PDCount, c.HighRisk, c.CrossBorder, c.Services, c.Sector, c.TLP,
		c.Reported, ms(c.ReportedAt), nullID(c.ReportedBy), nullID(c.CreatedBy), ms(now), ms(now))
	if err != nil {
		return c, err
	}
	c.ID = id
	if err := t.setIncidentRefs(ctx, c); err != nil {
		return c, err
	}
	for _, o := range obs {
		if _, err := t.exec(ctx, `INSERT INTO incident_observables (incident_id, org_id, type, value) VALUES (?, ?, ?, ?)`,
			id, orgID, o.Type, o.Value); err != nil {
			return c, err
		}
	}
	settings, err := t.incidentSettings(ctx, org.ParentID)
	if err != nil {
		return c, err
	}
	fit, err := t.s.rules.Incident.Fitting(c, settings)
	if err != nil {
		return c, err
	}
	for _, r := range fit {
		if _, err := t.exec(ctx, `INSERT INTO incident_regimes (incident_id, org_id, regime, auto, by_id, at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, orgID, r, true, nullID(a.UserID), ms(now)); err != nil {
			return c, err
		}
	}
	if c.NextDue, err = t.refreshDeadlines(ctx, c, settings); err != nil {
		return c, err
	}
	return c, t.Audit(ctx, a, Change{OrgID: orgID, Action: action, ObjectType: "incident", ObjectID: id,
		Detail: map[string]any{"title": c.Title, "regimes": strings.Join(fit, ",")}})
}

// setIncidentRefs replaces a case's systems and units, each checked to be the member's.
func (t *Tx) setIncidentRefs(ctx context.Context, c vaern.Incident) error {
	if _, err := t.exec(ctx, "DELETE FROM incident_systems WHERE incident_id = ?", c.ID); err != nil {
		return err
	}
	if _, err := t.exec(ctx, "DELETE FROM incident_units WHERE incident_id = ?", c.ID); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, sid := range c.Systems {
		if seen[sid] {
			continue
		}
		seen[sid] = true
		var n int
		if err := t.queryRow(ctx, "SELECT COUNT(*) FROM systems WHERE org_id = ? AND id = ?", c.OrgID, sid).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return vaern.Invalid("systems", "system %d is not in this organisation's register", sid)
		}
		if _, err := t.exec(ctx, "INSERT INTO incident_systems (incident_id, org_id, system_id) VALUES (?, ?, ?)", c.ID, c.OrgID, sid); err != nil {
			return err
		}
	}
	seen = map[int64]bool{}
	for _, uid := range c.Units {
		if seen[uid] {
			continue
		}
		seen[uid] = true
		if err := t.unitExists(ctx, c.OrgID, uid); err != nil {
			return vaern.Invalid("units", "unit %d is not a unit of this organisation", uid)
		}
		if _, err := t.exec(ctx, "INSERT INTO incident_units (incident_id, org_id, unit_id) VALUES (?, ?, ?)", c.ID, c.OrgID, uid); err != nil {
			return err
		}
	}
	return nil
}

// incidentSettings reads the centre's stored incident settings (nil: the defaults).
func (t *Tx) incidentSettings(ctx context.Context, centreID int64) ([]byte, error) {
	var b string
	err := t.queryRow(ctx, "SELECT settings FROM incident_settings WHERE centre_id = ?", centreID).Scan(&b)
	if err := mapErr(err); err == vaern.ErrNotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return []byte(b), nil
}

// refreshDeadlines recomputes a case's deadlines with the module's rules and stores them with the
// case (incident_deadlines, incidents.next_due), in the transaction that changed the case.
func (t *Tx) refreshDeadlines(ctx context.Context, c vaern.Incident, settings []byte) (time.Time, error) {
	rows, err := t.query(ctx, regimeSelect+" WHERE r.incident_id = ? ORDER BY r.regime", c.ID)
	regs, err := collect(rows, err, scanRegime)
	if err != nil {
		return time.Time{}, err
	}
	rows, err = t.query(ctx, reportSelect+" WHERE r.incident_id = ? ORDER BY r.submitted_at", c.ID)
	reps, err := collect(rows, err, scanReport)
	if err != nil {
		return time.Time{}, err
	}
	ds := t.s.rules.Incident.Deadlines(c, regs, reps, settings, t.s.now())
	if _, err := t.exec(ctx, "DELETE FROM incident_deadlines WHERE incident_id = ?", c.ID); err != nil {
		return time.Time{}, err
	}
	var next time.Time
	for _, d := range ds {
		if _, err := t.exec(ctx, `INSERT INTO incident_deadlines (incident_id, org_id, regime, step, due_at, submitted_at, legal)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.OrgID, d.Regime, d.Step, ms(d.DueAt), ms(d.Submitted), d.Legal); err != nil {
			return next, err
		}
		if d.Submitted.IsZero() && !d.DueAt.IsZero() && (next.IsZero() || d.DueAt.Before(next)) {
			next = d.DueAt
		}
	}
	if !c.Status.Open() {
		next = time.Time{} // a handled case's remaining reports are not a running clock in lists
	}
	sortDue := int64(math.MaxInt64)
	if !next.IsZero() {
		sortDue = ms(next)
	}
	_, err = t.exec(ctx, "UPDATE incidents SET next_due = ?, sort_due = ?, is_open = ? WHERE id = ?", ms(next), sortDue, c.Status.Open(), c.ID)
	return next, err
}

// caseFor reads case id as v may see it, for a change inside a transaction: not visible is not found.
func (t *Tx) caseFor(ctx context.Context, v access.Principal, id int64) (vaern.Incident, error) {
	w := incidentWhere(v).And("i.id = ?", id)
	return scanIncident(t.queryRow(ctx, "SELECT "+incidentCols+incidentFrom+" WHERE "+w.SQL, w.Args...))
}

// ownCase is caseFor for changes only the member itself makes (status, regimes, reports to
// authorities, closing): the centre working a reported case does not reach them.
func (t *Tx) ownCase(ctx context.Context, v access.Principal, id int64) (vaern.Incident, error) {
	c, err := t.caseFor(ctx, v, id)
	if err == nil && c.OrgID != v.Org {
		return c, vaern.ErrNotFound
	}
	return c, err
}

// touch recomputes the deadlines of a case that changed and stamps it.
func (t *Tx) touch(ctx context.Context, c vaern.Incident) error {
	c2, err := scanIncident(t.queryRow(ctx, "SELECT "+incidentCols+incidentFrom+" WHERE i.id = ?", c.ID))
	if err != nil {
		return err
	}
	var parent int64
	if err := t.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ?", c2.OrgID).Scan(&parent); err != nil {
		return err
	}
	settings, err := t.incidentSettings(ctx, parent)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, "UPDATE incidents SET updated_at = ? WHERE id = ?", ms(t.s.now()), c.ID); err != nil {
		return err
	}
	_, err = t.refreshDeadlines(ctx, c2, settings)
	return err
}

// Incident is case id with its systems, units and observables, as v may see it.
func (s *Store) Incident(ctx context.Context, v access.Principal, id int64) (vaern.Incident, error) {
	w := incidentWhere(v).And("i.id = ?", id)
	c, err := scanIncident(s.queryRow(ctx, "SELECT "+incidentCols+incidentFrom+" WHERE "+w.SQL, w.Args...))
	if err != nil {
		return c, err
	}
	if c.Systems, err = s.ids(ctx, "SELECT system_id FROM incident_systems WHERE incident_id = ? ORDER BY system_id", id); err != nil {
		return c, err
	}
	if c.Units, err = s.ids(ctx, "SELECT unit_id FROM incident_units WHERE incident_id = ? ORDER BY unit_id", id); err != nil {
		return c, err
	}
	return c, nil
}

func (s *Store) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, q, args...)
	return collect(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// IncidentList is one page of cases with the number that pass the filter.
type IncidentList struct {
	Cases []vaern.Incident
	Total int
}

// Incidents lists the cases v sees (a member: its own; the centre: those reported to it), the
// ones with the nearest deadline first, then the newest.
func (s *Store) Incidents(ctx context.Context, v access.Principal, f vaern.IncidentFilter) (IncidentList, error) {
	w := incidentWhere(v)
	if !v.Centre {
		w = w.And("i.org_id = ?", v.Org)
	}
	switch f.Status {
	case "":
	case "open":
		w = w.And("i.is_open = ?", true)
	default:
		w = w.And("i.status = ?", f.Status)
	}
	if q := strings.ToLower(strings.TrimSpace(f.Search)); q != "" {
		w = w.And(`LOWER(i.title) LIKE ? ESCAPE '\'`, "%"+escapeLike(q)+"%")
	}
	var out IncidentList
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM incidents i WHERE "+w.SQL, w.Args...).Scan(&out.Total); err != nil {
		return out, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	// sort_due is the next deadline, or the largest value for a case without one: the index
	// gives the page in order without sorting the member's cases.
	order := " ORDER BY i.sort_due, i.id"
	rows, err := s.query(ctx, "SELECT "+incidentCols+incidentFrom+" WHERE "+w.SQL+order+fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(f.Offset, 0)), w.Args...)
	out.Cases, err = collect(rows, err, scanIncident)
	return out, err
}

// IncidentChange is what a handler changes on a case; nil fields stay as they are.
type IncidentChange struct {
	Title, Description, Services, Cause, Classification, TLP *string
	Status                                                   *vaern.IncidentStatus
	HandlerID                                                *int64
	Severity, PDCategories, PDCount                          *int
	PersonalData, HighRisk, CrossBorder                      *bool
	AwareAt, StartedAt                                       *time.Time
}

// UpdateIncident changes a case's fields, status or handler (the member only). Moving out of
// "new" acknowledges the case; "contained" and "resolved" stamp their times, which the figures
// and the end-of-handling clocks read.
func (s *Store) UpdateIncident(ctx context.Context, a vaern.Actor, v access.Principal, id int64, ch IncidentChange) error {
	return s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil {
			return err
		}
		old := c
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&c.Title, ch.Title)
		set(&c.Description, ch.Description)
		set(&c.Services, ch.Services)
		set(&c.Cause, ch.Cause)
		set(&c.Classification, ch.Classification)
		set(&c.TLP, ch.TLP)
		if ch.Status != nil {
			c.Status = *ch.Status
		}
		if ch.HandlerID != nil {
			c.HandlerID = *ch.HandlerID
		}
		if ch.Severity != nil {
			c.Severity = *ch.Severity
		}
		if ch.PDCategories != nil {
			c.PDCategories = *ch.PDCategories
		}
		if ch.PDCount != nil {
			c.PDCount = *ch.PDCount
		}
		if ch.PersonalData != nil {
			c.PersonalData = *ch.PersonalData
		}
		if ch.HighRisk != nil {
			c.HighRisk = *ch.HighRisk
		}
		if ch.CrossBorder != nil {
			c.CrossBorder = *ch.CrossBorder
		}
		if ch.AwareAt != nil {
			c.AwareAt = *ch.AwareAt
		}
		if ch.StartedAt != nil {
			c.StartedAt = *ch.StartedAt
		}
		if c.TLP != "" {
			if tl, ok := access.ParseTLP(c.TLP); !ok || tl == "" {
				return vaern.Invalid("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
			} else {
				c.TLP = string(tl)
			}
		}
		if err := tx.s.rules.Incident.CleanIncident(&c); err != nil {
			return err
		}
		if c.HandlerID != 0 && c.HandlerID != old.HandlerID && tx.memberOf(ctx, c.OrgID, c.HandlerID) != nil {
			return vaern.Invalid("handler", "is not a person in this organisation")
		}
		now := tx.s.now()
		stamp := func(t time.Time, cond bool) time.Time {
			if cond && t.IsZero() {
				return now
			}
			return t
		}
		rank := map[vaern.IncidentStatus]int{}
		for i, st := range vaern.IncidentStatuses {
			rank[st] = i
		}
		c.AckAt = stamp(c.AckAt, c.Status != vaern.IncidentNew)
		c.ContainedAt = stamp(c.ContainedAt, rank[c.Status] >= rank[vaern.IncidentContained])
		c.ResolvedAt = stamp(c.ResolvedAt, rank[c.Status] >= rank[vaern.IncidentResolved])
		c.ClosedAt = stamp(c.ClosedAt, c.Status == vaern.IncidentClosed)
		if c.Status.Open() {
			c.ResolvedAt, c.ClosedAt = time.Time{}, time.Time{} // reopened: handling has not ended
		}
		if _, err := tx.exec(ctx, `UPDATE incidents SET title = ?, description = ?, services = ?, cause = ?, classification = ?, tlp = ?,
			status = ?, handler_id = ?, severity = ?, pd_categories = ?, pd_count = ?, personal_data = ?, high_risk = ?, cross_border = ?,
			aware_at = ?, started_at = ?, ack_at = ?, contained_at = ?, resolved_at = ?, closed_at = ? WHERE id = ?`,
			c.Title, c.Description, c.Services, c.Cause, c.Classification, c.TLP, string(c.Status), nullID(c.HandlerID), c.Severity,
			c.PDCategories, c.PDCount, c.PersonalData, c.HighRisk, c.CrossBorder, ms(c.AwareAt), ms(c.StartedAt),
			ms(c.AckAt), ms(c.ContainedAt), ms(c.ResolvedAt), ms(c.ClosedAt), id); err != nil {
			return err
		}
		if c.PersonalData != old.PersonalData || c.HighRisk != old.HighRisk {
			if err := tx.applyFitting(ctx, a, c); err != nil {
				return err
			}
		}
		if err := tx.touch(ctx, c); err != nil {
			return err
		}
		detail := map[string]any{}
		if c.Status != old.Status {
			detail["status"] = string(c.Status)
		}
		if c.HandlerID != old.HandlerID {
			detail["handler"] = c.HandlerID
		}
		action := "incident.update"
		if len(detail) > 0 && c.Status != old.Status {
			action = "incident.status"
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: action, ObjectType: "incident", ObjectID: id, Detail: detail})
	})
}

// applyFitting adds the regimes that now fit a changed case (never one the handler removed).
func (t *Tx) applyFitting(ctx context.Context, a vaern.Actor, c vaern.Incident) error {
	var parent int64
	if err := t.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ?", c.OrgID).Scan(&parent); err != nil {
		return err
	}
	settings, err := t.incidentSettings(ctx, parent)
	if err != nil {
		return err
	}
	fit, err := t.s.rules.Incident.Fitting(c, settings)
	if err != nil {
		return err
	}
	for _, r := range fit {
		if _, err := t.exec(ctx, `INSERT INTO incident_regimes (incident_id, org_id, regime, auto, by_id, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (incident_id, regime) DO NOTHING`, c.ID, c.OrgID, r, true, nullID(a.UserID), ms(t.s.now())); err != nil {
			return err
		}
	}
	return nil
}

// ReportToCentre shares a case with the centre: from now on its analysts see it and its shared
// entries (never the internal ones). Reporting twice changes nothing.
func (s *Store) ReportToCentre(ctx context.Context, a vaern.Actor, v access.Principal, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil || c.Reported {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE incidents SET reported = ?, reported_at = ?, reported_by = ?, updated_at = ? WHERE id = ?",
			true, ms(tx.s.now()), nullID(a.UserID), ms(tx.s.now()), id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.report_centre", ObjectType: "incident", ObjectID: id})
	})
}

// IncidentForNotice reads a case inside the transaction that changed it, for the notice that
// tells its people (the notifier's hook; never shown to anyone the case's rule does not admit).
func (t *Tx) IncidentForNotice(ctx context.Context, id int64) (vaern.Incident, int64, error) {
	c, err := scanIncident(t.queryRow(ctx, "SELECT "+incidentCols+incidentFrom+" WHERE i.id = ?", id))
	if err != nil {
		return c, 0, err
	}
	var centre int64
	err = t.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ?", c.OrgID).Scan(&centre)
	return c, centre, err
}
