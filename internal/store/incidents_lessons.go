package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

const lessonCols = `l.incident_id, l.org_id, l.went_well, l.went_badly, l.actions, COALESCE(l.written_by, 0), l.written_at,
	l.published, l.published_at, l.public_title, l.public_text`

func scanLesson(r scanner) (vaern.Lesson, error) {
	var l vaern.Lesson
	var w, p int64
	err := r.Scan(&l.IncidentID, &l.OrgID, &l.WentWell, &l.WentBadly, &l.Actions, &l.WrittenBy, &w, &l.Published, &p, &l.PublicTitle, &l.PublicText)
	l.WrittenAt, l.PublishedAt = fromMS(w), fromMS(p)
	return l, mapErr(err)
}

// IncidentLesson is a case's lessons learned, as v may see it (the centre: of a reported case).
func (s *Store) IncidentLesson(ctx context.Context, v access.Principal, id int64) (vaern.Lesson, error) {
	w := incidentWhere(v).And("l.incident_id = ?", id)
	return scanLesson(s.queryRow(ctx, "SELECT "+lessonCols+" FROM incident_lessons l JOIN incidents i ON i.id = l.incident_id WHERE "+w.SQL, w.Args...))
}

// CloseIncident closes a case with its lessons learned, in one transaction: the review is what
// closing asks for.
func (s *Store) CloseIncident(ctx context.Context, a vaern.Actor, v access.Principal, id int64, l vaern.Lesson) error {
	return s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil {
			return err
		}
		l.WentWell, l.WentBadly, l.Actions = strings.TrimSpace(l.WentWell), strings.TrimSpace(l.WentBadly), strings.TrimSpace(l.Actions)
		if l.WentWell == "" && l.WentBadly == "" && l.Actions == "" {
			return vaern.Invalid("went_badly", "write a short review before closing")
		}
		for f, v := range map[string]string{"went_well": l.WentWell, "went_badly": l.WentBadly, "actions": l.Actions} {
			if len(v) > 10000 {
				return vaern.Invalid(f, "is longer than 10000 characters")
			}
		}
		now := tx.s.now()
		if _, err := tx.exec(ctx, `INSERT INTO incident_lessons (incident_id, org_id, went_well, went_badly, actions, written_by, written_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET went_well = excluded.went_well,
			went_badly = excluded.went_badly, actions = excluded.actions, written_by = excluded.written_by, written_at = excluded.written_at`,
			id, c.OrgID, l.WentWell, l.WentBadly, l.Actions, nullID(a.UserID), ms(now)); err != nil {
			return err
		}
		res, cont, ack := c.ResolvedAt, c.ContainedAt, c.AckAt
		for _, p := range []*time.Time{&ack, &cont, &res} {
			if p.IsZero() {
				*p = now
			}
		}
		if _, err := tx.exec(ctx, `UPDATE incidents SET status = 'closed', closed_at = ?, resolved_at = ?, contained_at = ?, ack_at = ?,
			updated_at = ? WHERE id = ?`, ms(now), ms(res), ms(cont), ms(ack), ms(now), id); err != nil {
			return err
		}
		if err := tx.touch(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.close", ObjectType: "incident", ObjectID: id})
	})
}

// PublishLesson publishes the centre's anonymised version of a reported case's lessons, for the
// knowledge base: the title and text are the centre's own words, without the member's name.
func (s *Store) PublishLesson(ctx context.Context, a vaern.Actor, v access.Principal, id int64, title, text string) error {
	return s.Write(ctx, func(tx *Tx) error {
		if !v.Centre {
			return vaern.ErrForbidden
		}
		c, err := tx.caseFor(ctx, v, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM incident_lessons WHERE incident_id = ?", id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return vaern.Invalid("lesson", "the member has not written its lessons learned yet")
		}
		title, text = strings.TrimSpace(title), strings.TrimSpace(text)
		switch {
		case title == "":
			return vaern.Invalid("title", "is required")
		case text == "":
			return vaern.Invalid("text", "is required")
		case len(title) > 200 || len(text) > 20000:
			return vaern.Invalid("text", "is too long")
		case c.OrgName != "" && (strings.Contains(strings.ToLower(title), strings.ToLower(c.OrgName)) || strings.Contains(strings.ToLower(text), strings.ToLower(c.OrgName))):
			return vaern.Invalid("text", "names the member: an anonymised lesson must not")
		}
		if _, err := tx.exec(ctx, `UPDATE incident_lessons SET published = ?, published_at = ?, published_by = ?, public_title = ?, public_text = ?
			WHERE incident_id = ?`, true, ms(tx.s.now()), nullID(a.UserID), title, text, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: v.Org, Action: "incident.lesson_publish", ObjectType: "incident", ObjectID: id})
	})
}

// PublishedLesson is an anonymised lesson as the knowledge base shows it: no member, no case.
type PublishedLesson struct {
	Title, Text string
	At          time.Time
}

// PublishedLessons are the centre's published lessons, newest first. They name no member.
func (s *Store) PublishedLessons(ctx context.Context, centreID int64, limit int) ([]PublishedLesson, error) {
	rows, err := s.query(ctx, `SELECT l.public_title, l.public_text, l.published_at FROM incident_lessons l JOIN orgs o ON o.id = l.org_id
		WHERE l.published = ? AND o.parent_id = ? ORDER BY l.published_at DESC LIMIT ?`, true, centreID, max(limit, 1))
	return collect(rows, err, func(r scanner) (PublishedLesson, error) {
		var p PublishedLesson
		var at int64
		err := r.Scan(&p.Title, &p.Text, &at)
		p.At = fromMS(at)
		return p, err
	})
}

// indicatorRule is the indicator store's access rule: TLP and audience (docs/access.md).
var indicatorRule = access.Table{Owner: "n.org_id", Creator: "n.created_by", TLP: "n.tlp", Audience: "n.audience"}

const indicatorCols = `n.id, n.org_id, n.type, n.value, n.source, n.source_id, n.confidence, n.first_seen, n.last_seen, n.expires_at,
	n.tlp, n.audience_kind, COALESCE(n.created_by, 0), n.created_at`

func scanIndicator(r scanner) (vaern.Indicator, error) {
	var n vaern.Indicator
	var f, l, e, c int64
	err := r.Scan(&n.ID, &n.OrgID, &n.Type, &n.Value, &n.Source, &n.SourceID, &n.Confidence, &f, &l, &e, &n.TLP, &n.Audience, &n.CreatedBy, &c)
	n.FirstSeen, n.LastSeen, n.ExpiresAt, n.CreatedAt = fromMS(f), fromMS(l), fromMS(e), fromMS(c)
	return n, mapErr(err)
}

// ShareObservables shares a case's observables as indicators with a label and an audience, so a
// domain one member reported can warn all. An indicator the member already shares is seen again
// (last_seen) and takes the new label.
func (s *Store) ShareObservables(ctx context.Context, a vaern.Actor, v access.Principal, id int64, obj access.Object, confidence int, ttl time.Duration) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil {
			return err
		}
		if obj.TLP == "" {
			return vaern.Invalid("tlp", "choose a label to share with")
		}
		obj.Owner, obj.Creator = c.OrgID, a.UserID
		if err := obj.Validate(); err != nil {
			return err
		}
		if confidence < 0 || confidence > 100 {
			return vaern.Invalid("confidence", "must be 0-100")
		}
		rows, err := tx.query(ctx, "SELECT id, type, value FROM incident_observables WHERE incident_id = ? AND indicator_id IS NULL", id)
		type ob struct {
			id         int64
			typ, value string
		}
		obs, err := collect(rows, err, func(r scanner) (ob, error) {
			var o ob
			return o, r.Scan(&o.id, &o.typ, &o.value)
		})
		if err != nil {
			return err
		}
		if len(obs) == 0 {
			return vaern.Invalid("observables", "this case has no observables left to share")
		}
		now := tx.s.now()
		var exp time.Time
		if ttl > 0 {
			exp = now.Add(ttl)
		}
		au := obj.Audience
		for _, o := range obs {
			var iid int64
			err := tx.queryRow(ctx, `INSERT INTO indicators (org_id, type, value, source, source_id, confidence, first_seen, last_seen, expires_at,
				tlp, audience_kind, audience_orgs, audience_people, audience_country, audience_region, audience_size, created_by, created_at, updated_at)
				VALUES (?, ?, ?, 'incident', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (org_id, type, value) DO UPDATE SET last_seen = excluded.last_seen, tlp = excluded.tlp,
				audience_kind = excluded.audience_kind, audience_orgs = excluded.audience_orgs, audience_people = excluded.audience_people,
				audience_country = excluded.audience_country, audience_region = excluded.audience_region, audience_size = excluded.audience_size,
				expires_at = excluded.expires_at, updated_at = excluded.updated_at
				RETURNING id`, c.OrgID, o.typ, o.value, id, confidence, ms(c.AwareAt), ms(now), ms(exp), string(obj.TLP), string(au.Kind),
				access.IDList(au.Orgs), access.IDList(au.People), au.Country, au.Region, au.SizeClass, nullID(a.UserID), ms(now), ms(now)).Scan(&iid)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE incident_observables SET indicator_id = ? WHERE id = ?", iid, o.id); err != nil {
				return err
			}
			n++
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "indicator.share", ObjectType: "incident", ObjectID: id,
			Detail: map[string]any{"count": n, "tlp": string(obj.TLP)}})
	})
	return n, err
}

// Indicators lists the indicators v may see under their labels and audiences, newest sighting
// first, leaving out expired ones.
func (s *Store) Indicators(ctx context.Context, v access.Principal, now time.Time, limit int) ([]vaern.Indicator, error) {
	w := access.Where(v, indicatorRule).And("(n.expires_at = 0 OR n.expires_at > ?)", ms(now))
	rows, err := s.query(ctx, "SELECT "+indicatorCols+" FROM indicators n WHERE "+w.SQL+" ORDER BY n.last_seen DESC, n.id DESC LIMIT ?",
		append(w.Args, max(limit, 1))...)
	return collect(rows, err, scanIndicator)
}

// IncidentTiming is one case's times for the figures of item 7: read across the centre's
// members for aggregates only (internal/incident.Figures suppresses small groups).
type IncidentTiming struct {
	OrgID          int64
	Country        string
	CentreJoinedAt time.Time
	AwareAt        time.Time
	AckAt          time.Time
	ContainedAt    time.Time
	// Steps maps "regime/step" to the submission time.
	Steps map[string]time.Time
}

// IncidentTimings are the times of every case of the centre's members aware since since. Only
// aggregate figures may be built from them.
func (s *Store) IncidentTimings(ctx context.Context, centreID int64, since time.Time) ([]IncidentTiming, error) {
	rows, err := s.query(ctx, `SELECT i.id, i.org_id, o.country, o.centre_joined_at, i.aware_at, i.ack_at, i.contained_at FROM incidents i
		JOIN orgs o ON o.id = i.org_id WHERE o.parent_id = ? AND i.aware_at >= ? ORDER BY i.id`, centreID, ms(since))
	type row struct {
		id int64
		t  IncidentTiming
	}
	list, err := collect(rows, err, func(r scanner) (row, error) {
		var x row
		var joined, aw, ack, cont int64
		err := r.Scan(&x.id, &x.t.OrgID, &x.t.Country, &joined, &aw, &ack, &cont)
		x.t.CentreJoinedAt, x.t.AwareAt, x.t.AckAt, x.t.ContainedAt = fromMS(joined), fromMS(aw), fromMS(ack), fromMS(cont)
		x.t.Steps = map[string]time.Time{}
		return x, err
	})
	if err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	for i, x := range list {
		idx[x.id] = i
	}
	rows, err = s.query(ctx, `SELECT r.incident_id, r.regime, r.step, MIN(r.submitted_at) FROM incident_reports r JOIN orgs o ON o.id = r.org_id
		WHERE o.parent_id = ? GROUP BY r.incident_id, r.regime, r.step`, centreID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var reg, step string
		if err := rows.Scan(&id, &reg, &step, &at); err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			list[i].t.Steps[reg+"/"+step] = fromMS(at)
		}
	}
	out := make([]IncidentTiming, len(list))
	for i, x := range list {
		out[i] = x.t
	}
	return out, rows.Err()
}
