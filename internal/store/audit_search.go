package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// AuditFilter narrows an organisation's audit log for reading: by who acted, by kind of action
// (the part of the action before the dot, e.g. "answer"), by time, and by object.
type AuditFilter struct {
	ActorID    int64
	Category   string    // "" for every action
	From, To   time.Time // inclusive from, exclusive to; zero for open
	ObjectType string
	ObjectID   string
	BeforeID   int64 // paging: only rows older than this one
	Limit      int   // at most 10,000; 0 means 100
}

// AuditSearch lists the organisation's audit rows that match f, newest first.
func (s *Store) AuditSearch(ctx context.Context, orgID int64, f AuditFilter) ([]vaern.AuditEntry, error) {
	var where strings.Builder
	where.WriteString("org_id = ?")
	args := []any{orgID}
	add := func(cond string, v any) {
		where.WriteString(" AND " + cond)
		args = append(args, v)
	}
	if f.ActorID != 0 {
		add("actor_id = ?", f.ActorID)
	}
	if f.Category != "" {
		// Categories are names from a fixed list, but the LIKE pattern is escaped all the same.
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(f.Category)
		add(`action LIKE ? ESCAPE '\'`, esc+".%")
	}
	if !f.From.IsZero() {
		add("at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", ms(f.To))
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	if limit > 10000 {
		limit = 10000
	}
	args = append(args, limit)
	rows, err := s.query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE `+where.String()+` ORDER BY id DESC LIMIT ?`, args...)
	return collect(rows, err, scanAudit)
}

// AuditActors lists the people who appear in the organisation's audit log, for the log's "who"
// filter: id and name (the e-mail recorded in the log when the account has no name or is gone).
func (s *Store) AuditActors(ctx context.Context, orgID int64) ([]vaern.Member, error) {
	rows, err := s.query(ctx, `SELECT a.actor_id, MAX(COALESCE(NULLIF(u.name, ''), u.email, a.actor_email)), MAX(a.actor_email)
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE a.org_id = ? AND a.actor_id <> 0 GROUP BY a.actor_id ORDER BY 2`, orgID)
	return collect(rows, err, func(r scanner) (vaern.Member, error) {
		var m vaern.Member
		err := r.Scan(&m.ID, &m.Name, &m.Email)
		return m, err
	})
}
