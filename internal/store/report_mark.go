package store

import (
	"context"

	"github.com/vaern/vaern"
)

// ReportMark tells whether what a municipality report shows may have changed. Every change in
// Værn writes an audit row in the chain of the organisation it belongs to, and every audit row
// moves its chain's head on, so the sum of the head sequence numbers of the member's and its
// centre's chains changes with every change either of them makes, on every app node sharing the
// database. The one thing written without an audit row of its own, an assessment's stored result,
// is marked by the time it was computed.
//
// Two things a report shows change without an audit row in either chain: a person's name (a
// person in several organisations renames themselves in one of them), marked by the newest
// change of the member's people; and the round's composition (members created, renamed or
// reached by the centre, each in its own chain), marked by the number of the round's members and
// their newest creation, change and arrival.
type ReportMark struct {
	Changes  int64 // sum of the audit head sequence numbers of the member's and the centre's chains
	Result   int64 // when the assessment's result was stored (0: not stored)
	Closed   bool  // the assessment's round is closed
	CentreID int64
	People   int64 // the newest change of the member's people
	// the round's members: how many, and their newest creation, change and arrival
	RoundMembers, RoundCreated, RoundUpdated, RoundJoined int64
}

// ReportMark reads the mark of one of the organisation's assessments in one query. A foreign id
// answers vaern.ErrNotFound.
func (s *Store) ReportMark(ctx context.Context, orgID, assessmentID int64) (ReportMark, error) {
	var m ReportMark
	var status string
	err := s.queryRow(ctx, `SELECT r.status, r.centre_id,
		CAST(COALESCE((SELECT SUM(h.seq) FROM audit_heads h WHERE h.chain = x.org_id OR h.chain = r.centre_id), 0) AS BIGINT),
		COALESCE((SELECT res.computed_at FROM assessment_results res WHERE res.assessment_id = x.id AND res.org_id = x.org_id), 0),
		COALESCE((SELECT MAX(u.updated_at) FROM memberships mm JOIN users u ON u.id = mm.user_id WHERE mm.org_id = x.org_id), 0),
		rm.n, COALESCE(rm.created, 0), COALESCE(rm.updated, 0), COALESCE(rm.joined, 0)
		FROM assessments x JOIN rounds r ON r.id = x.round_id
		CROSS JOIN (SELECT COUNT(*) AS n, MAX(o.created_at) AS created, MAX(o.updated_at) AS updated, MAX(o.centre_joined_at) AS joined
			FROM assessments ra JOIN orgs o ON o.id = ra.org_id
			WHERE ra.round_id = (SELECT round_id FROM assessments WHERE org_id = ? AND id = ?)) rm
		WHERE x.org_id = ? AND x.id = ?`, orgID, assessmentID, orgID, assessmentID).
		Scan(&status, &m.CentreID, &m.Changes, &m.Result, &m.People, &m.RoundMembers, &m.RoundCreated, &m.RoundUpdated, &m.RoundJoined)
	if err != nil {
		return m, mapErr(err)
	}
	m.Closed = status == vaern.RoundClosed
	return m, nil
}
