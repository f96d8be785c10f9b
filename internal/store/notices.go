package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/vaern/vaern"
)

// Notices tell every member what the centre changed that bears on its anonymity: a member created
// (every member of the centre is told), a round opened with its participants (the round's members
// are told, with how many take part and which of them are new). They are written in the
// transaction of the change, so no change goes untold.

// Notice is one such message, for a member's dashboard.
type Notice struct {
	Kind      string // member.created, round.participants
	Subject   string // the new member's name, or the round's title
	Count     int    // round.participants: how many members take part
	New       int    // round.participants: how many of them the centre reached within the independence period
	CreatedAt time.Time
}

func (t *Tx) notice(ctx context.Context, centreID int64, roundID, subjectOrg int64, kind string, detail map[string]any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "INSERT INTO notices (centre_id, round_id, kind, subject_org_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		centreID, nullID(roundID), kind, nullID(subjectOrg), string(b), ms(t.s.now()))
	return err
}

// Notices returns what the member was told since since, newest first: members created in its
// centre, and the rounds it takes part in.
func (s *Store) Notices(ctx context.Context, orgID int64, since time.Time) ([]Notice, error) {
	rows, err := s.query(ctx, `SELECT n.kind, n.detail, n.created_at FROM notices n JOIN orgs o ON o.id = ? AND o.parent_id = n.centre_id
		WHERE n.created_at >= ? AND (n.round_id IS NULL OR n.round_id IN (SELECT round_id FROM assessments WHERE org_id = ?))
		ORDER BY n.created_at DESC, n.id DESC`, orgID, ms(since), orgID)
	return collect(rows, err, func(r scanner) (Notice, error) {
		var n Notice
		var detail string
		var at int64
		if err := r.Scan(&n.Kind, &detail, &at); err != nil {
			return n, err
		}
		var d struct {
			Subject string `json:"subject"`
			Count   int    `json:"count"`
			New     int    `json:"new"`
		}
		_ = json.Unmarshal([]byte(detail), &d)
		n.Subject, n.Count, n.New, n.CreatedAt = d.Subject, d.Count, d.New, fromMS(at)
		return n, nil
	})
}

// Newcomer is a member of a round that the centre created or reached recently.
type Newcomer struct {
	Name         string
	CreatedAt    time.Time
	CentreJoined time.Time
}

// RoundNewcomers lists the members of a round the member takes part in that were created, or
// reached through the centre, after since; another round answers vaern.ErrNotFound.
func (s *Store) RoundNewcomers(ctx context.Context, orgID, roundID int64, since time.Time) ([]Newcomer, int, error) {
	var x int64
	if err := s.queryRow(ctx, "SELECT id FROM assessments WHERE org_id = ? AND round_id = ?", orgID, roundID).Scan(&x); err != nil {
		return nil, 0, mapErr(err)
	}
	var total int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM assessments WHERE round_id = ?", roundID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.query(ctx, `SELECT o.name, o.created_at, o.centre_joined_at FROM assessments a JOIN orgs o ON o.id = a.org_id
		WHERE a.round_id = ? AND (o.created_at >= ? OR o.centre_joined_at >= ?) ORDER BY o.created_at, o.name`, roundID, ms(since), ms(since))
	list, err := collect(rows, err, func(r scanner) (Newcomer, error) {
		var n Newcomer
		var c, j int64
		err := r.Scan(&n.Name, &c, &j)
		n.CreatedAt, n.CentreJoined = fromMS(c), fromMS(j)
		return n, err
	})
	return list, total, err
}

// MemberRoundStats returns the participation counts of a round the member took part in, once its
// aggregates are computed (ok false before).
func (s *Store) MemberRoundStats(ctx context.Context, orgID, roundID int64) (RoundStats, bool, error) {
	x, err := scanStats(s.queryRow(ctx, "SELECT "+statsCols+` FROM round_stats x JOIN rounds r ON r.id = x.round_id
		WHERE x.round_id = ? AND x.round_id IN (SELECT round_id FROM assessments WHERE org_id = ?)`, roundID, orgID))
	if err == vaern.ErrNotFound {
		return x, false, nil
	}
	return x, err == nil, err
}

// GroupsOfMember returns the ids of the centre's groups the member is in.
func (s *Store) GroupsOfMember(ctx context.Context, orgID int64) ([]int64, error) {
	rows, err := s.query(ctx, "SELECT group_id FROM member_group_members WHERE org_id = ? ORDER BY group_id", orgID)
	return collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
}
