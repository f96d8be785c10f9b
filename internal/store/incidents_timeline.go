package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// MaxIncidentFile is the largest attachment a timeline entry takes.
const MaxIncidentFile = 10 << 20

const entryCols = `e.id, e.incident_id, e.org_id, COALESCE(e.author_id, 0), COALESCE(u.name, u.email, ''), e.at, e.text, e.internal,
	e.file_name, e.file_type, e.file_size`

func scanEntry(r scanner) (vaern.IncidentEntry, error) {
	var e vaern.IncidentEntry
	var at int64
	err := r.Scan(&e.ID, &e.IncidentID, &e.OrgID, &e.AuthorID, &e.AuthorName, &at, &e.Text, &e.Internal, &e.FileName, &e.FileType, &e.FileSize)
	e.At = fromMS(at)
	return e, mapErr(err)
}

// entryWhere is the timeline's rule for v: a member its own cases' entries, the centre the shared
// entries of reported cases.
func entryWhere(v access.Principal) access.Predicate {
	w := access.Where(v, entryRule)
	if v.Centre {
		w = w.And("i.org_id IN (SELECT id FROM orgs WHERE parent_id = ?)", v.Org)
	}
	return w
}

// IncidentEntries is case id's timeline as v may see it, oldest first.
func (s *Store) IncidentEntries(ctx context.Context, v access.Principal, id int64) ([]vaern.IncidentEntry, error) {
	w := entryWhere(v).And("e.incident_id = ?", id)
	rows, err := s.query(ctx, "SELECT "+entryCols+` FROM incident_entries e JOIN incidents i ON i.id = e.incident_id
		LEFT JOIN users u ON u.id = e.author_id WHERE `+w.SQL+" ORDER BY e.at, e.id", w.Args...)
	return collect(rows, err, scanEntry)
}

// IncidentFile is an entry's attachment, found through the same rule as the timeline: an internal
// entry's file is not found by the centre.
func (s *Store) IncidentFile(ctx context.Context, v access.Principal, entryID int64) (vaern.IncidentEntry, error) {
	w := entryWhere(v).And("e.id = ? AND e.file_size > 0", entryID)
	var e vaern.IncidentEntry
	var at int64
	err := s.queryRow(ctx, `SELECT e.id, e.incident_id, e.at, e.file_name, e.file_type, e.file FROM incident_entries e
		JOIN incidents i ON i.id = e.incident_id WHERE `+w.SQL, w.Args...).Scan(&e.ID, &e.IncidentID, &at, &e.FileName, &e.FileType, &e.File)
	e.At = fromMS(at)
	return e, mapErr(err)
}

// AddIncidentEntry adds a line to a case's timeline. The centre's entries are always shared: an
// internal entry is the member's own.
func (s *Store) AddIncidentEntry(ctx context.Context, a vaern.Actor, v access.Principal, e vaern.IncidentEntry) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		c, err := tx.caseFor(ctx, v, e.IncidentID)
		if err != nil {
			return err
		}
		e.Text = strings.TrimSpace(e.Text)
		switch {
		case e.Text == "" && len(e.File) == 0:
			return vaern.Invalid("text", "is required")
		case len(e.Text) > 20000:
			return vaern.Invalid("text", "is longer than 20000 characters")
		case len(e.File) > MaxIncidentFile:
			return vaern.Invalid("file", "is larger than 10 MB")
		case c.OrgID != v.Org && e.Internal:
			return vaern.Invalid("internal", "only the member writes internal entries")
		}
		if e.At.IsZero() || e.At.After(tx.s.now()) {
			e.At = tx.s.now()
		}
		var file any
		if len(e.File) > 0 {
			file = e.File
			if e.FileName == "" {
				e.FileName = "attachment"
			}
		}
		id, err = tx.insert(ctx, `INSERT INTO incident_entries (incident_id, org_id, author_id, at, text, internal, file_name, file_type, file_size, file)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, v.Org, nullID(a.UserID), ms(e.At), e.Text, e.Internal,
			e.FileName, e.FileType, len(e.File), file)
		if err != nil {
			return err
		}
		if c.OrgID == v.Org && c.Status == vaern.IncidentNew && c.AckAt.IsZero() {
			// The member's first word on a new case acknowledges it.
			if _, err := tx.exec(ctx, "UPDATE incidents SET ack_at = ? WHERE id = ?", ms(tx.s.now()), c.ID); err != nil {
				return err
			}
		}
		if err := tx.touch(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.entry", ObjectType: "incident", ObjectID: c.ID,
			Detail: map[string]any{"entry": id, "internal": e.Internal}})
	})
	return id, err
}

const taskCols = `k.id, k.incident_id, k.title, COALESCE(k.owner_id, 0), COALESCE(u.name, u.email, ''), k.due, k.done, k.done_at, k.created_at`

func scanTask(r scanner) (vaern.IncidentTask, error) {
	var k vaern.IncidentTask
	var due, done, cr int64
	err := r.Scan(&k.ID, &k.IncidentID, &k.Title, &k.OwnerID, &k.OwnerName, &due, &k.Done, &done, &cr)
	k.Due, k.DoneAt, k.CreatedAt = fromMS(due), fromMS(done), fromMS(cr)
	return k, mapErr(err)
}

// IncidentTasks are case id's tasks as v may see them (the centre: of a reported case).
func (s *Store) IncidentTasks(ctx context.Context, v access.Principal, id int64) ([]vaern.IncidentTask, error) {
	w := incidentWhere(v).And("k.incident_id = ?", id)
	rows, err := s.query(ctx, "SELECT "+taskCols+` FROM incident_tasks k JOIN incidents i ON i.id = k.incident_id
		LEFT JOIN users u ON u.id = k.owner_id WHERE `+w.SQL+" ORDER BY k.done, k.due, k.id", w.Args...)
	return collect(rows, err, scanTask)
}

// AddIncidentTask adds a task to a case. Its owner must be a person of the member.
func (s *Store) AddIncidentTask(ctx context.Context, a vaern.Actor, v access.Principal, k vaern.IncidentTask) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, k.IncidentID)
		if err != nil {
			return err
		}
		k.Title = strings.TrimSpace(k.Title)
		if k.Title == "" {
			return vaern.Invalid("title", "is required")
		}
		if len(k.Title) > 500 {
			return vaern.Invalid("title", "is longer than 500 characters")
		}
		if k.OwnerID != 0 && tx.memberOf(ctx, c.OrgID, k.OwnerID) != nil {
			return vaern.Invalid("owner", "is not a person in this organisation")
		}
		id, err = tx.insert(ctx, `INSERT INTO incident_tasks (incident_id, org_id, title, owner_id, due, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.OrgID, k.Title, nullID(k.OwnerID), ms(k.Due), nullID(a.UserID), ms(tx.s.now()))
		if err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.task", ObjectType: "incident", ObjectID: c.ID,
			Detail: map[string]any{"task": id, "title": k.Title, "owner": k.OwnerID}})
	})
	return id, err
}

// IncidentTaskCase is the case a task belongs to, as v may see it (for the task's routes).
func (s *Store) IncidentTaskCase(ctx context.Context, v access.Principal, taskID int64) (int64, error) {
	w := incidentWhere(v).And("k.id = ?", taskID)
	var id int64
	err := s.queryRow(ctx, "SELECT i.id FROM incident_tasks k JOIN incidents i ON i.id = k.incident_id WHERE "+w.SQL, w.Args...).Scan(&id)
	return id, mapErr(err)
}

// SetIncidentTaskDone marks a task done or not done.
func (s *Store) SetIncidentTaskDone(ctx context.Context, a vaern.Actor, v access.Principal, taskID int64, done bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		w := incidentWhere(v).And("k.id = ? AND i.org_id = ?", taskID, v.Org)
		var caseID, orgID int64
		if err := mapErr(tx.queryRow(ctx, "SELECT i.id, i.org_id FROM incident_tasks k JOIN incidents i ON i.id = k.incident_id WHERE "+w.SQL,
			w.Args...).Scan(&caseID, &orgID)); err != nil {
			return err
		}
		at := time.Time{}
		if done {
			at = tx.s.now()
		}
		if _, err := tx.exec(ctx, "UPDATE incident_tasks SET done = ?, done_at = ? WHERE id = ?", done, ms(at), taskID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "incident.task_done", ObjectType: "incident", ObjectID: caseID,
			Detail: map[string]any{"task": taskID, "done": done}})
	})
}

// IncidentLinks are the cases linked to case id (the member's own: the centre sees a link only
// when it sees the other case too).
func (s *Store) IncidentLinks(ctx context.Context, v access.Principal, id int64) ([]vaern.IncidentLink, error) {
	w := incidentWhere(v).And("l.incident_id = ?", id)
	rows, err := s.query(ctx, `SELECT l.incident_id, l.other_id, i.title, l.note FROM incident_links l JOIN incidents i ON i.id = l.other_id
		WHERE `+w.SQL+" ORDER BY l.other_id", w.Args...)
	return collect(rows, err, func(r scanner) (vaern.IncidentLink, error) {
		var l vaern.IncidentLink
		return l, r.Scan(&l.IncidentID, &l.OtherID, &l.OtherTitle, &l.Note)
	})
}

// LinkIncidents links two of the member's cases, both ways.
func (s *Store) LinkIncidents(ctx context.Context, a vaern.Actor, v access.Principal, id, other int64, note string) error {
	return s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil {
			return err
		}
		if other == id || other == 0 {
			return vaern.Invalid("other", "choose another case")
		}
		o, err := tx.ownCase(ctx, v, other)
		if err == vaern.ErrNotFound || (err == nil && o.OrgID != c.OrgID) {
			return vaern.Invalid("other", "is not one of your cases")
		} else if err != nil {
			return err
		}
		note = strings.TrimSpace(note)
		for _, p := range [][2]int64{{id, other}, {other, id}} {
			if _, err := tx.exec(ctx, `INSERT INTO incident_links (incident_id, other_id, org_id, note, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (incident_id, other_id) DO UPDATE SET note = excluded.note`, p[0], p[1], c.OrgID, note, ms(tx.s.now())); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.link", ObjectType: "incident", ObjectID: id,
			Detail: map[string]any{"other": other}})
	})
}

// IncidentObservables are case id's observables as v may see them.
func (s *Store) IncidentObservables(ctx context.Context, v access.Principal, id int64) ([]vaern.Observable, error) {
	w := incidentWhere(v).And("b.incident_id = ?", id)
	rows, err := s.query(ctx, `SELECT b.id, b.incident_id, b.type, b.value, COALESCE(b.indicator_id, 0) FROM incident_observables b
		JOIN incidents i ON i.id = b.incident_id WHERE `+w.SQL+" ORDER BY b.type, b.value", w.Args...)
	return collect(rows, err, func(r scanner) (vaern.Observable, error) {
		var o vaern.Observable
		return o, r.Scan(&o.ID, &o.IncidentID, &o.Type, &o.Value, &o.IndicatorID)
	})
}

// AddIncidentObservables adds observables to a case (parsed and normalised by the rules).
func (s *Store) AddIncidentObservables(ctx context.Context, a vaern.Actor, v access.Principal, id int64, in []string) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil {
			return err
		}
		obs, err := tx.s.rules.Incident.CleanObservables(in)
		if err != nil {
			return err
		}
		if len(obs) == 0 {
			return vaern.Invalid("observables", "is required")
		}
		for _, o := range obs {
			res, err := tx.exec(ctx, `INSERT INTO incident_observables (incident_id, org_id, type, value) VALUES (?, ?, ?, ?)
				ON CONFLICT (incident_id, type, value) DO NOTHING`, id, c.OrgID, o.Type, o.Value)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.observables", ObjectType: "incident", ObjectID: id,
			Detail: map[string]any{"added": n}})
	})
	return n, err
}
