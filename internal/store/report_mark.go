package store

import (
	"context"
	"time"

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
	m, err := scanReportMark(s.queryRow(ctx, reportMarkQuery, orgID, assessmentID, orgID, assessmentID))
	return m, mapErr(err)
}

// reportMarkQuery reads ReportMark's fields (arguments: org, assessment, org, assessment).
const reportMarkQuery = `SELECT r.status, r.centre_id,
		CAST(COALESCE((SELECT SUM(h.seq) FROM audit_heads h WHERE h.chain = x.org_id OR h.chain = r.centre_id), 0) AS BIGINT),
		COALESCE((SELECT res.computed_at FROM assessment_results res WHERE res.assessment_id = x.id AND res.org_id = x.org_id), 0),
		COALESCE((SELECT MAX(u.updated_at) FROM memberships mm JOIN users u ON u.id = mm.user_id WHERE mm.org_id = x.org_id), 0),
		rm.n, COALESCE(rm.created, 0), COALESCE(rm.updated, 0), COALESCE(rm.joined, 0)
		FROM assessments x JOIN rounds r ON r.id = x.round_id
		CROSS JOIN (SELECT COUNT(*) AS n, MAX(o.created_at) AS created, MAX(o.updated_at) AS updated, MAX(o.centre_joined_at) AS joined
			FROM assessments ra JOIN orgs o ON o.id = ra.org_id
			WHERE ra.round_id = (SELECT round_id FROM assessments WHERE org_id = ? AND id = ?)) rm
		WHERE x.org_id = ? AND x.id = ?`

func scanReportMark(r scanner) (ReportMark, error) {
	var m ReportMark
	var status string
	if err := r.Scan(&status, &m.CentreID, &m.Changes, &m.Result, &m.People, &m.RoundMembers, &m.RoundCreated, &m.RoundUpdated, &m.RoundJoined); err != nil {
		return m, err
	}
	m.Closed = status == vaern.RoundClosed
	return m, nil
}

// ReportPageQuery names what a municipality report page reads before it knows whether its
// cached rendering still holds: the mark and the bell, and (for a person taken from the session
// cache) the session again, as AssessmentPageQuery does.
type ReportPageQuery struct {
	OrgID, UserID, AssessmentID int64
	Session                     string
	Now                         time.Time
	Idle                        time.Duration
}

// ReportPage is what ReportPageQuery read.
type ReportPage struct {
	Principal *vaern.Principal // the session read again, when asked for
	Mark      ReportMark
	Unread    int
}

// ReportPage reads an assessment's report mark, the person's unread count and, when asked, the
// session, in one round trip on PostgreSQL (see readBatch); scoped as ReportMark and
// UnreadNotifications are. An assessment of another organisation is vaern.ErrNotFound.
func (s *Store) ReportPage(ctx context.Context, q ReportPageQuery) (ReportPage, error) {
	var out ReportPage
	var b readBatch
	var sessionErr error
	if q.Session != "" {
		b.addSession(q.Session, q.Now, q.Idle, &out.Principal, &sessionErr)
	}
	found := false
	b.add(func(rows batchRows) error {
		if !rows.Next() {
			return nil
		}
		found = true
		var err error
		out.Mark, err = scanReportMark(rows)
		return err
	}, reportMarkQuery, q.OrgID, q.AssessmentID, q.OrgID, q.AssessmentID)
	b.addUnread(q.OrgID, q.UserID, &out.Unread)
	if err := s.runBatch(ctx, &b); err != nil {
		return out, err
	}
	if err := sessionResult(&out.Principal, sessionErr); err != nil {
		return out, err
	}
	if !found {
		return out, vaern.ErrNotFound
	}
	return out, nil
}
