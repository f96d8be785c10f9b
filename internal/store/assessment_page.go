package store

import (
	"context"
	"errors"
	"time"

	"github.com/vaern/vaern"
)

// AssessmentPageQuery names what a focus-area page reads of one of an organisation's assessments.
type AssessmentPageQuery struct {
	OrgID, UserID, AssessmentID int64
	// Session, when set, is read again with the page's data (as LoadSession reads it, live at Now
	// with Idle) so that a caller who took the person from a short-lived cache learns, in the same
	// round trip, whether the session still stands and is still the same person.
	Session   string
	Now       time.Time
	Idle      time.Duration
	Evidence  bool // also the evidence of every answer (read with the answers, one statement)
	WithUnits bool // also the organisation's units
}

// ErrSessionGone is AssessmentPage's answer when the session it was asked to read again is gone,
// expired, idle too long, or its user disabled: none of the page's data may be shown for it.
var ErrSessionGone = errors.New("store: the session is no longer valid")

// AssessmentPage is what AssessmentPageQuery read.
type AssessmentPage struct {
	Principal  *vaern.Principal // the session read again, when asked for
	Assessment vaern.Assessment
	Units      []vaern.Unit
	Answers    []vaern.Answer
	// AnswersVersion moves whenever the answers, their evidence or the names shown with them
	// change (migration 0026): what is built from them alone may be kept under it.
	AnswersVersion int64
	Evidence       map[int64][]vaern.Evidence
	Unread         int // the person's unread notifications (the bell)
}

// AssessmentPage reads an assessment with its answers, the organisation's units, the evidence and
// the person's unread count in one round trip on PostgreSQL (see readBatch). Every query is scoped
// by the organisation exactly as Assessment, Units, Answers, EvidenceFor and UnreadNotifications
// scope theirs; an assessment of another organisation is vaern.ErrNotFound. The answers come from
// the cache while their version in the database has not moved (answers_cache.go).
func (s *Store) AssessmentPage(ctx context.Context, q AssessmentPageQuery) (AssessmentPage, error) {
	var out AssessmentPage
	var b readBatch
	var sessionErr error
	if q.Session != "" {
		b.addSession(q.Session, q.Now, q.Idle, &out.Principal, &sessionErr)
	}
	// The assessment with the person's unread count (the bell, as UnreadNotifications counts it)
	// in one statement.
	var list []vaern.Assessment
	b.add(collectInto(&list, func(r scanner) (vaern.Assessment, error) {
		return scanAssessment(scanFunc(func(dest ...any) error { return r.Scan(append(dest, &out.Unread)...) }))
	}), "SELECT "+assessmentCols+", ("+unreadCount+")"+assessmentFrom+"WHERE x.org_id = ? AND x.id = ?", q.UserID, q.OrgID, q.OrgID, q.AssessmentID)
	if q.WithUnits {
		b.add(collectInto(&out.Units, scanUnit), "SELECT "+unitCols+" FROM units WHERE org_id = ? ORDER BY name, id", q.OrgID)
	}
	var ev []vaern.Evidence
	answered := b.addAnswers(s.answers, q.OrgID, q.AssessmentID, &out.Answers, &ev, &out.AnswersVersion)
	if err := s.runBatch(ctx, &b); err != nil {
		return out, err
	}
	answered()
	if err := sessionResult(&out.Principal, sessionErr); err != nil {
		return out, err
	}
	if len(list) == 0 {
		return out, vaern.ErrNotFound
	}
	out.Assessment = list[0]
	out.Evidence = map[int64][]vaern.Evidence{}
	if !q.Evidence {
		ev = nil
	}
	for _, e := range ev {
		out.Evidence[e.AnswerID] = append(out.Evidence[e.AnswerID], e)
	}
	return out, nil
}
