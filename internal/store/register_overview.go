package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// riskFacts are what the overviews need of each assessment.
type riskFacts struct {
	orgID, systemID int64
	l, c, rl, rc    int
	accepted        bool
	next            int64
}

func (s *Store) riskFacts(ctx context.Context, where string, args ...any) ([]riskFacts, error) {
	rows, err := s.query(ctx, `SELECT org_id, system_id, likelihood, consequence, residual_likelihood, residual_consequence,
		accepted_at, next_review FROM risk_assessments WHERE `+where, args...)
	return collect(rows, err, func(r scanner) (riskFacts, error) {
		var f riskFacts
		var acc int64
		err := r.Scan(&f.orgID, &f.systemID, &f.l, &f.c, &f.rl, &f.rc, &acc, &f.next)
		f.accepted = acc != 0
		return f, err
	})
}

func (f riskFacts) residual() (int, int) {
	if f.rl > 0 && f.rc > 0 {
		return f.rl, f.rc
	}
	return f.l, f.c
}

// high reports whether the residual risk is high or critical on m and not accepted.
func (f riskFacts) high(m vaern.RiskMatrix) bool {
	l, c := f.residual()
	lv := m.Level(l, c)
	return !f.accepted && (lv == vaern.RiskHigh || lv == vaern.RiskCritical)
}

// RegisterCounts are the organisation's key figures at the store's now.
func (s *Store) RegisterCounts(ctx context.Context, orgID int64) (vaern.RegisterCounts, error) {
	all, err := s.registerCounts(ctx, []int64{orgID})
	return all[orgID], err
}

// registerCounts computes key figures for several organisations in a few queries.
func (s *Store) registerCounts(ctx context.Context, orgIDs []int64) (map[int64]vaern.RegisterCounts, error) {
	out := map[int64]vaern.RegisterCounts{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	now := ms(s.now())
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(orgIDs)), ", ") + ")"
	args := make([]any, 0, len(orgIDs)+2)
	args = append(args, now, false)
	for _, id := range orgIDs {
		args = append(args, id)
	}
	rows, err := s.r.QueryContext(ctx, s.rebind(`SELECT org_id, COUNT(*),
		SUM(CASE WHEN (system_owner_id IS NULL AND system_owner_contact_id IS NULL) OR (data_owner_id IS NULL AND data_owner_contact_id IS NULL) THEN 1 ELSE 0 END),
		SUM(CASE WHEN dpa_status = 'not_needed' OR (dpa_status = 'signed' AND (dpa_review = 0 OR dpa_review >= ?)) THEN 0 ELSE 1 END),
		SUM(CASE WHEN internet_exposed THEN 1 ELSE 0 END),
		SUM(CASE WHEN (personal_data & 6) <> 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN ai_use IN ('feature', 'purpose') AND (ai_dpa_covered = ? OR ai_checked = 0) THEN 1 ELSE 0 END)
		FROM systems WHERE org_id IN `+in+` GROUP BY org_id`), args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var c vaern.RegisterCounts
		if err := rows.Scan(&id, &c.Systems, &c.NoOwner, &c.DPAInvalid, &c.Exposed, &c.Sensitive, &c.AIUnchecked); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	facts, err := s.riskFacts(ctx, "org_id IN "+in, args[2:]...)
	if err != nil {
		return nil, err
	}
	matrices := map[int64]vaern.RiskMatrix{}
	overdue := map[int64]map[int64]bool{}
	for _, f := range facts {
		m, ok := matrices[f.orgID]
		if !ok {
			if m, _, err = s.RiskMatrix(ctx, f.orgID); err != nil {
				return nil, err
			}
			matrices[f.orgID] = m
		}
		c := out[f.orgID]
		c.Assessments++
		if f.high(m) {
			c.HighRisks++
		}
		if f.next > 0 && f.next < now {
			if overdue[f.orgID] == nil {
				overdue[f.orgID] = map[int64]bool{}
			}
			if !overdue[f.orgID][f.systemID] {
				overdue[f.orgID][f.systemID] = true
				c.OverdueReviews++
			}
		}
		out[f.orgID] = c
	}
	return out, nil
}

// UnitStatuses is the register per department: the "system owners' status" that the department
// management report shows. Systems without a unit are gathered under UnitID 0.
func (s *Store) UnitStatuses(ctx context.Context, orgID int64) ([]vaern.UnitStatus, error) {
	now := s.now()
	systems, _, err := s.Systems(ctx, orgID, vaern.SystemFilter{Sort: "unit"})
	if err != nil {
		return nil, err
	}
	facts, err := s.riskFacts(ctx, "org_id = ?", orgID)
	if err != nil {
		return nil, err
	}
	m, _, err := s.RiskMatrix(ctx, orgID)
	if err != nil {
		return nil, err
	}
	type sysRisk struct{ assessed, overdue, high bool }
	risks := map[int64]*sysRisk{}
	for _, f := range facts {
		r := risks[f.systemID]
		if r == nil {
			r = &sysRisk{}
			risks[f.systemID] = r
		}
		r.assessed = true
		r.overdue = r.overdue || (f.next > 0 && f.next < ms(now))
		r.high = r.high || f.high(m)
	}
	byUnit := map[int64]*vaern.UnitStatus{}
	var order []int64
	for _, sys := range systems {
		u := byUnit[sys.UnitID]
		if u == nil {
			u = &vaern.UnitStatus{UnitID: sys.UnitID, UnitName: sys.UnitName}
			byUnit[sys.UnitID] = u
			order = append(order, sys.UnitID)
		}
		u.Systems++
		if (sys.SystemOwnerID == 0 && sys.SystemOwnerContactID == 0) || (sys.DataOwnerID == 0 && sys.DataOwnerContactID == 0) {
			u.NoOwner++
		}
		if !sys.DPAValid(now) {
			u.DPAInvalid++
		}
		if sys.AIUnchecked() {
			u.AIUnchecked++
			u.AIUncheckedSystems = append(u.AIUncheckedSystems, sys.Name)
		}
		r := risks[sys.ID]
		switch {
		case r == nil:
			u.Unassessed++
		default:
			if r.overdue {
				u.OverdueReviews++
			}
			if r.high {
				u.HighRisks++
			}
		}
	}
	out := make([]vaern.UnitStatus, 0, len(order))
	for _, id := range order {
		out = append(out, *byUnit[id])
	}
	return out, nil
}

// RiskLevels returns the matrix the organisation assesses on and, for each of its risk
// assessments, the likelihood and consequence: inherent, or residual where one is set.
func (s *Store) RiskLevels(ctx context.Context, orgID int64, residual bool) (vaern.RiskMatrix, [][2]int, error) {
	m, _, err := s.RiskMatrix(ctx, orgID)
	if err != nil {
		return m, nil, err
	}
	facts, err := s.riskFacts(ctx, "org_id = ?", orgID)
	if err != nil {
		return m, nil, err
	}
	out := make([][2]int, len(facts))
	for i, f := range facts {
		l, c := f.l, f.c
		if residual {
			l, c = f.residual()
		}
		out[i] = [2]int{l, c}
	}
	return m, out, nil
}

// RegisterSharing is what the member lets the centre see of its register.
func (s *Store) RegisterSharing(ctx context.Context, orgID int64) (vaern.RegisterSharing, error) {
	var v string
	err := s.queryRow(ctx, "SELECT register_sharing FROM orgs WHERE id = ? AND kind = 'member'", orgID).Scan(&v)
	return vaern.RegisterSharing(v), mapErr(err)
}

// SetRegisterSharing changes what the member lets the centre see.
func (s *Store) SetRegisterSharing(ctx context.Context, a vaern.Actor, orgID int64, v vaern.RegisterSharing) error {
	if !v.Valid() {
		return vaern.Invalid("sharing", "must be nothing, counts or details")
	}
	return s.Write(ctx, func(tx *Tx) error {
		var old string
		if err := tx.queryRow(ctx, "SELECT register_sharing FROM orgs WHERE id = ? AND kind = 'member'", orgID).Scan(&old); err != nil {
			return mapErr(err)
		}
		if old == string(v) {
			return nil
		}
		if _, err := tx.exec(ctx, "UPDATE orgs SET register_sharing = ?, updated_at = ? WHERE id = ?", string(v), ms(tx.s.now()), orgID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "register.sharing", ObjectType: "org", ObjectID: orgID,
			Detail: map[string]any{"from": old, "to": v}})
	})
}

// SharedRegister is one member's register as the centre may see it: nothing, or its key figures
// (Counts is nil when the member shares nothing).
type SharedRegister struct {
	Org     vaern.Org
	Sharing vaern.RegisterSharing
	Counts  *vaern.RegisterCounts
}

// SharedRegisters lists the centre's members with what each shares of its register.
func (s *Store) SharedRegisters(ctx context.Context, centreID int64) ([]SharedRegister, error) {
	members, err := s.Members(ctx, centreID)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, "SELECT id, register_sharing FROM orgs WHERE parent_id = ?", centreID)
	if err != nil {
		return nil, err
	}
	sharing := map[int64]vaern.RegisterSharing{}
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return nil, err
		}
		sharing[id] = vaern.RegisterSharing(v)
	}
	rows.Close()
	var ids []int64
	for _, m := range members {
		if sharing[m.ID] != vaern.ShareNothing {
			ids = append(ids, m.ID)
		}
	}
	counts, err := s.registerCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]SharedRegister, 0, len(members))
	for _, m := range members {
		sr := SharedRegister{Org: m, Sharing: sharing[m.ID]}
		if sr.Sharing != vaern.ShareNothing {
			c := counts[m.ID]
			sr.Counts = &c
		}
		out = append(out, sr)
	}
	return out, nil
}

// SharedRegisterOf is one member's register as the centre's viewer may see it, with its systems
// when the access rule lets the centre see them (the member shares details). Anything but one of
// the viewer's members is not found.
func (s *Store) SharedRegisterOf(ctx context.Context, viewer access.Principal, memberID int64, f vaern.SystemFilter) (SharedRegister, []vaern.ITSystem, int, error) {
	org, err := s.Org(ctx, viewer.Org, memberID)
	if err != nil || !viewer.Centre || org.ParentID != viewer.Org {
		return SharedRegister{}, nil, 0, vaern.ErrNotFound
	}
	v, err := s.RegisterSharing(ctx, memberID)
	if err != nil {
		return SharedRegister{}, nil, 0, err
	}
	sr := SharedRegister{Org: org, Sharing: v}
	if v == vaern.ShareNothing {
		return sr, nil, 0, nil
	}
	c, err := s.RegisterCounts(ctx, memberID)
	if err != nil {
		return sr, nil, 0, err
	}
	sr.Counts = &c
	if !access.May(viewer, access.Object{Owner: memberID, Shared: v == vaern.ShareDetails}) {
		return sr, nil, 0, nil
	}
	list, total, err := s.SystemsSeen(ctx, viewer, memberID, f)
	return sr, list, total, err
}

// SharedSystem is a member's system as the centre's viewer sees it: found only when the access
// rule lets the viewer see it (the member is the centre's and shares details).
func (s *Store) SharedSystem(ctx context.Context, viewer access.Principal, id int64) (vaern.ITSystem, error) {
	rule := access.Where(viewer, systemRule).And("s.id = ? AND s.org_id IN (SELECT id FROM orgs WHERE parent_id = ?)", id, viewer.Org)
	return scanSystem(s.queryRow(ctx, "SELECT "+systemCols+systemFrom+" WHERE "+rule.SQL, rule.Args...))
}

// ImportJob is an uploaded spreadsheet on its way into the register.
type ImportJob struct {
	ID        int64
	OrgID     int64
	UserID    int64
	Filename  string
	Data      []byte
	Mapping   []string
	Status    string // uploaded, checked, running, done, failed
	Total     int
	Result    string // JSON: problems of the dry run, or the counts of the import
	JobID     int64  // the job that runs (or ran) the import; its row holds the progress
	CreatedAt time.Time
}

// Import statuses.
const (
	ImportUploaded = "uploaded"
	ImportChecked  = "checked"
	ImportRunning  = "running"
	ImportDone     = "done"
	ImportFailed   = "failed"
)

// CreateImport keeps an uploaded spreadsheet until it is imported; uploads older than a day are
// removed on the way.
func (s *Store) CreateImport(ctx context.Context, a vaern.Actor, orgID int64, filename string, data []byte) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *Tx) error {
		now := tx.s.now()
		if _, err := tx.exec(ctx, "DELETE FROM register_imports WHERE created_at < ?", ms(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		var err error
		id, err = tx.insert(ctx, `INSERT INTO register_imports (org_id, user_id, filename, data, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, orgID, a.UserID, filename, data, ms(now), ms(now))
		if err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "register.upload", ObjectType: "import", ObjectID: id,
			Detail: map[string]any{"filename": filename, "bytes": len(data)}})
	})
	return id, err
}

// RegisterImport returns one of the organisation's uploads.
func (s *Store) RegisterImport(ctx context.Context, orgID, id int64) (ImportJob, error) {
	var j ImportJob
	var mapping string
	var c int64
	err := s.queryRow(ctx, `SELECT id, org_id, user_id, filename, data, mapping, status, rows_total, result, job_id, created_at
		FROM register_imports WHERE org_id = ? AND id = ?`, orgID, id).Scan(&j.ID, &j.OrgID, &j.UserID, &j.Filename, &j.Data,
		&mapping, &j.Status, &j.Total, &j.Result, &j.JobID, &c)
	if mapping != "" {
		_ = json.Unmarshal([]byte(mapping), &j.Mapping)
	}
	j.CreatedAt = fromMS(c)
	return j, mapErr(err)
}

// UpdateImport records an upload's mapping, status, row count and outcome.
func (s *Store) UpdateImport(ctx context.Context, orgID, id int64, mapping []string, status string, total int, result string) error {
	b, _ := json.Marshal(mapping)
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE register_imports SET mapping = ?, status = ?, rows_total = ?, result = ?, updated_at = ?
			WHERE org_id = ? AND id = ?`, string(b), status, total, result, ms(tx.s.now()), orgID, id)
		return affected(res, err)
	})
}
