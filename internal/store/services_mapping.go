package store

import (
	"context"
	"sort"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/framework"
)

// The members' IT-structure mappings: answers to a framework of kind mapping. A mapping belongs
// to its member (rule 4); the centre reads it only while the member shares it (rule 5, Shared is
// the row's own flag), in the SQL of every read, so an unshared mapping is never seen there.
var mappingRule = access.Table{Owner: "m.org_id", Shared: "m.shared"}

// MappingFrameworks lists centre centreID's finished mapping frameworks, newest version first.
func (s *Store) MappingFrameworks(ctx context.Context, centreID int64) ([]vaern.FrameworkInfo, error) {
	rows, err := s.query(ctx, "SELECT "+frameworkCols+" FROM frameworks WHERE centre_id = ? AND kind = ? AND draft = ? ORDER BY fid, version DESC",
		centreID, string(framework.KindMapping), false)
	return collect(rows, err, scanFrameworkInfo)
}

// mappingFramework is framework fwID when it is a finished mapping framework of centre centreID.
func (t *Tx) mappingFramework(ctx context.Context, centreID, fwID int64) (*framework.Framework, error) {
	var n int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM frameworks WHERE id = ? AND centre_id = ? AND kind = ? AND draft = ?",
		fwID, centreID, string(framework.KindMapping), false).Scan(&n); err != nil || n == 0 {
		return nil, vaern.ErrNotFound
	}
	_, fw, err := t.framework(ctx, fwID)
	return fw, err
}

// MappingFramework is framework fwID, parsed, when it is one of the centre's mapping frameworks.
func (s *Store) MappingFramework(ctx context.Context, centreID, fwID int64) (vaern.FrameworkInfo, *framework.Framework, error) {
	info, err := s.FrameworkInfo(ctx, centreID, fwID)
	if err != nil {
		return info, nil, err
	}
	if info.Kind != string(framework.KindMapping) || info.Draft {
		return info, nil, vaern.ErrNotFound
	}
	return s.Framework(ctx, fwID)
}

func (s *Store) centreOf(ctx context.Context, orgID int64) (int64, error) {
	var c int64
	err := s.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ? AND kind = 'member'", orgID).Scan(&c)
	return c, mapErr(err)
}

const mappingCols = `m.id, m.org_id, o.name, m.framework_id, m.shared, m.shared_at, m.shared_by, m.updated_at`

func scanITMapping(r scanner) (vaern.Mapping, error) {
	var m vaern.Mapping
	var at, up int64
	err := r.Scan(&m.ID, &m.OrgID, &m.OrgName, &m.FrameworkID, &m.Shared, &at, &m.SharedBy, &up)
	m.SharedAt, m.UpdatedAt = fromMS(at), fromMS(up)
	return m, mapErr(err)
}

// Mapping is the mapping of framework fwID as principal v sees it: a member reads its own (an
// empty one before the first answer); the centre reads a member's only while it is shared.
func (s *Store) Mapping(ctx context.Context, v access.Principal, orgID, fwID int64) (vaern.Mapping, error) {
	w := access.Where(v, mappingRule).And("m.org_id = ?", orgID).And("m.framework_id = ?", fwID)
	m, err := scanITMapping(s.queryRow(ctx, "SELECT "+mappingCols+" FROM mappings m JOIN orgs o ON o.id = m.org_id WHERE "+w.SQL, w.Args...))
	if err == vaern.ErrNotFound && !v.Centre && v.Org == orgID {
		return vaern.Mapping{OrgID: orgID, FrameworkID: fwID, Answers: map[string]vaern.MappingAnswer{}}, nil
	}
	if err != nil {
		return m, err
	}
	list := []vaern.Mapping{m}
	if err := s.mappingAnswers(ctx, list); err != nil {
		return m, err
	}
	return list[0], nil
}

func (s *Store) mappingAnswers(ctx context.Context, list []vaern.Mapping) error {
	if len(list) == 0 {
		return nil
	}
	idx := map[int64]int{}
	args := make([]any, 0, len(list))
	for i := range list {
		list[i].Answers = map[string]vaern.MappingAnswer{}
		idx[list[i].ID] = i
		args = append(args, list[i].ID)
	}
	rows, err := s.query(ctx, "SELECT mapping_id, question_id, value, answered_by, answered_at FROM mapping_answers WHERE mapping_id IN ("+
		placeholders(len(args))+")", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var a vaern.MappingAnswer
		if err := rows.Scan(&id, &a.QuestionID, &a.Value, &a.By, &at); err != nil {
			return err
		}
		a.At = fromMS(at)
		list[idx[id]].Answers[a.QuestionID] = a
	}
	return rows.Err()
}

// SaveMapping stores the member's answers to mapping framework fwID (question id → value; an
// empty value clears the answer). Every value is checked against its question first: a wrong
// one names its question and nothing is stored.
func (s *Store) SaveMapping(ctx context.Context, a vaern.Actor, orgID, fwID int64, values map[string]string) error {
	centre, err := s.centreOf(ctx, orgID)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		fw, err := tx.mappingFramework(ctx, centre, fwID)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(values))
		for id := range values {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		clean := map[string]string{}
		for _, id := range ids {
			q, ok := fw.Question(id)
			if !ok {
				return vaern.Invalid(id, "is not a question of this mapping")
			}
			v, err := tx.s.rules.Services.MappingValue(q, values[id])
			if err != nil {
				return err
			}
			clean[id] = v
		}
		now := ms(tx.s.now())
		mid, err := tx.ensureMapping(ctx, orgID, fwID, now)
		if err != nil {
			return err
		}
		changed := 0
		for _, id := range ids {
			var old string
			err := tx.queryRow(ctx, "SELECT value FROM mapping_answers WHERE mapping_id = ? AND question_id = ?", mid, id).Scan(&old)
			if err = mapErr(err); err != nil && err != vaern.ErrNotFound {
				return err
			}
			had := err == nil
			v := clean[id]
			switch {
			case v == "" && had:
				_, err = tx.exec(ctx, "DELETE FROM mapping_answers WHERE mapping_id = ? AND question_id = ?", mid, id)
			case v == "" || (had && old == v):
				continue
			case had:
				_, err = tx.exec(ctx, "UPDATE mapping_answers SET value = ?, answered_by = ?, answered_at = ? WHERE mapping_id = ? AND question_id = ?",
					v, a.UserID, now, mid, id)
			default:
				_, err = tx.exec(ctx, "INSERT INTO mapping_answers (mapping_id, org_id, question_id, value, answered_by, answered_at) VALUES (?, ?, ?, ?, ?, ?)",
					mid, orgID, id, v, a.UserID, now)
			}
			if err != nil {
				return err
			}
			changed++
		}
		if changed == 0 {
			return nil
		}
		if _, err := tx.exec(ctx, "UPDATE mappings SET updated_at = ? WHERE id = ?", now, mid); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "mapping.save", ObjectType: "mapping", ObjectID: mid,
			Detail: map[string]any{"framework_id": fwID, "answers": changed}})
	})
}

func (t *Tx) ensureMapping(ctx context.Context, orgID, fwID, now int64) (int64, error) {
	var id int64
	err := t.queryRow(ctx, "SELECT id FROM mappings WHERE org_id = ? AND framework_id = ?", orgID, fwID).Scan(&id)
	if err = mapErr(err); err == vaern.ErrNotFound {
		return t.insert(ctx, "INSERT INTO mappings (org_id, framework_id, updated_at) VALUES (?, ?, ?)", orgID, fwID, now)
	}
	return id, err
}

// ShareMapping shares the member's mapping of framework fwID with its centre, or stops sharing
// it: from then on the centre's table shows it, or no longer does.
func (s *Store) ShareMapping(ctx context.Context, a vaern.Actor, orgID, fwID int64, share bool) error {
	centre, err := s.centreOf(ctx, orgID)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.mappingFramework(ctx, centre, fwID); err != nil {
			return err
		}
		now := ms(tx.s.now())
		mid, err := tx.ensureMapping(ctx, orgID, fwID, now)
		if err != nil {
			return err
		}
		at, by := int64(0), int64(0)
		if share {
			at, by = now, a.UserID
		}
		if _, err := tx.exec(ctx, "UPDATE mappings SET shared = ?, shared_at = ?, shared_by = ? WHERE id = ?", share, at, by, mid); err != nil {
			return err
		}
		action := "mapping.share"
		if !share {
			action = "mapping.unshare"
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: action, ObjectType: "mapping", ObjectID: mid,
			Detail: map[string]any{"framework_id": fwID}})
	})
}

// SharedMappings are the mappings of framework fwID that principal v sees with their answers:
// for the centre, those its members share with it, by member name.
func (s *Store) SharedMappings(ctx context.Context, v access.Principal, fwID int64) ([]vaern.Mapping, error) {
	w := access.Where(v, mappingRule).And("m.framework_id = ?", fwID)
	if v.Centre {
		w = w.And("m.org_id IN (SELECT id FROM orgs WHERE parent_id = ?)", v.Org)
	}
	rows, err := s.query(ctx, "SELECT "+mappingCols+" FROM mappings m JOIN orgs o ON o.id = m.org_id WHERE "+w.SQL+" ORDER BY o.name, m.id", w.Args...)
	list, err := collect(rows, err, scanITMapping)
	if err != nil {
		return nil, err
	}
	return list, s.mappingAnswers(ctx, list)
}
