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
type ReportMark struct {
	Changes  int64 // sum of the audit head sequence numbers of the member's and the centre's chains
	Result   int64 // when the assessment's result was stored (0: not stored)
	Closed   bool  // the assessment's round is closed
	CentreID int64
}

// ReportMark reads the mark of one of the organisation's assessments in one query. A foreign id
// answers vaern.ErrNotFound.
func (s *Store) ReportMark(ctx context.Context, orgID, assessmentID int64) (ReportMark, error) {
	var m ReportMark
	var status string
	err := s.queryRow(ctx, `SELECT r.status, r.centre_id,
		CAST(COALESCE((SELECT SUM(h.seq) FROM audit_heads h WHERE h.chain = x.org_id OR h.chain = r.centre_id), 0) AS BIGINT),
		COALESCE((SELECT res.computed_at FROM assessment_results res WHERE res.assessment_id = x.id AND res.org_id = x.org_id), 0)
		FROM assessments x JOIN rounds r ON r.id = x.round_id WHERE x.org_id = ? AND x.id = ?`, orgID, assessmentID).
		Scan(&status, &m.CentreID, &m.Changes, &m.Result)
	if err != nil {
		return m, mapErr(err)
	}
	m.Closed = status == vaern.RoundClosed
	return m, nil
}
