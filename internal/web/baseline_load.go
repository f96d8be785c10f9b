package web

import (
	"context"
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// assessment is what every assessment page needs: the assessment, its framework, the
// organisation's units and, for a respondent, the delegations that reach them.
type assessment struct {
	P        *vaern.Principal
	A        vaern.Assessment
	Info     vaern.FrameworkInfo
	F        *framework.Framework
	Units    []vaern.Unit
	UnitName map[int64]string
	Mine     []vaern.Delegation
	Editable bool
	unitOf   func(id int64) bool // whether id is a unit of the organisation
}

// loadAssessment reads the assessment of the {id} in the path. Pages need the organisation's units
// too; actions that only check one unit (saving an answer) pass withUnits false and save the read.
func (s *Server) loadAssessment(r *http.Request) (*assessment, error) {
	return s.loadAssessmentUnits(r, true)
}

func (s *Server) loadAssessmentUnits(r *http.Request, withUnits bool) (*assessment, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	a, err := s.st.Assessment(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	var units []vaern.Unit
	if withUnits {
		if units, err = s.st.Units(ctx, p.Org.ID); err != nil {
			return nil, err
		}
	}
	return s.finishAssessment(ctx, p, a, units, withUnits)
}

// loadAssessmentPage is loadAssessment for a page that also shows the answers (and, with evidence,
// their evidence) and the bell: everything read in one round trip on PostgreSQL
// (store.AssessmentPage). The bell's count is kept in the returned request, for s.page. When the
// person came from the session cache (a SessionInRead route), the session is read in the same round
// trip and, if it is not the cached one, the answer is errRecheck (see session_cache.go).
func (s *Server) loadAssessmentPage(r *http.Request, evidence bool) (*assessment, store.AssessmentPage, *http.Request, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, store.AssessmentPage{}, r, vaern.ErrNotFound
	}
	q := store.AssessmentPageQuery{OrgID: p.Org.ID, UserID: p.User.ID, AssessmentID: id, Evidence: evidence, WithUnits: true}
	rc := recheckFrom(ctx)
	if rc != nil {
		q.Session, q.Now, q.Idle = rc.cached.Session.ID, s.st.Now(), s.cfg.SessionIdle
	}
	pd, err := s.st.AssessmentPage(ctx, q)
	if rc != nil && !sameSession(pd.Principal, rc.cached) {
		return nil, store.AssessmentPage{}, r, errRecheck // nothing read is used
	}
	if err != nil {
		return nil, pd, r, err
	}
	r = r.WithContext(withUnread(ctx, pd.Unread))
	x, err := s.finishAssessment(ctx, p, pd.Assessment, pd.Units, true)
	return x, pd, r, err
}

// finishAssessment reads the framework and, for a respondent, the delegations that reach them.
func (s *Server) finishAssessment(ctx context.Context, p *vaern.Principal, a vaern.Assessment, units []vaern.Unit, withUnits bool) (*assessment, error) {
	info, f, err := s.st.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return nil, err
	}
	x := &assessment{P: p, A: a, Info: info, F: f, UnitName: map[int64]string{}, Editable: a.Editable(s.st.Now())}
	x.unitOf = func(id int64) bool {
		_, err := s.st.Unit(ctx, p.Org.ID, id)
		return err == nil
	}
	if withUnits {
		x.Units = units
		for _, u := range units {
			x.UnitName[u.ID] = u.Name
		}
		x.unitOf = func(id int64) bool { _, ok := x.UnitName[id]; return ok }
	}
	if p.Role == vaern.RoleRespondent {
		x.Mine, err = s.st.DelegationsTo(ctx, p.Org.ID, p.User.ID, p.UnitID)
		if err != nil {
			return nil, err
		}
		var mine []vaern.Delegation
		for _, d := range x.Mine {
			if d.AssessmentID == a.ID {
				mine = append(mine, d)
			}
		}
		x.Mine = mine
	}
	return x, nil
}

// Progress counts the answers of one focus area or unit.
type Progress struct {
	Key, Name                            string
	Total, Answered, Approved, Returned  int
	PctAnswered, PctApproved, UnitAnswer int64
}

func countProgress(p *Progress, a vaern.Answer, ok bool) {
	p.Total++
	if ok && a.Value != "" {
		p.Answered++
		switch a.Status {
		case vaern.AnswerApproved:
			p.Approved++
		case vaern.AnswerReturned:
			p.Returned++
		}
	}
}

func finishProgress(p *Progress) {
	if p.Total > 0 {
		p.PctAnswered = int64(p.Answered * 100 / p.Total)
		p.PctApproved = int64(p.Approved * 100 / p.Total)
	}
}

type slotKey struct {
	q    string
	unit int64
}

func answerMap(answers []vaern.Answer) map[slotKey]vaern.Answer {
	m := make(map[slotKey]vaern.Answer, len(answers))
	for _, a := range answers {
		m[slotKey{a.QuestionID, a.UnitID}] = a
	}
	return m
}

// answered is an assessment's answers and delegations, and the units that answer its unit
// questions.
type answered struct {
	Answers     []vaern.Answer
	Delegations []vaern.Delegation
	Units       []int64
}

func (s *Server) loadAnswered(ctx context.Context, orgID int64, a vaern.Assessment) (answered, error) {
	var x answered
	var err error
	if x.Answers, err = s.st.Answers(ctx, orgID, a.ID); err != nil {
		return x, err
	}
	if x.Delegations, err = s.st.Delegations(ctx, orgID, a.ID); err != nil {
		return x, err
	}
	x.Units = baseline.AnsweringUnits(a, x.Delegations)
	return x, nil
}

// assessmentProgress counts how far an assessment is: answers given and approved of all it needs.
func (s *Server) assessmentProgress(ctx context.Context, orgID int64, a vaern.Assessment) (Progress, error) {
	var pr Progress
	_, f, err := s.st.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return pr, err
	}
	ad, err := s.loadAnswered(ctx, orgID, a)
	if err != nil {
		return pr, err
	}
	am := answerMap(ad.Answers)
	for _, sl := range baseline.Slots(f, ad.Units) {
		ans, ok := am[slotKey{sl.Q.ID, sl.Unit}]
		countProgress(&pr, ans, ok)
	}
	finishProgress(&pr)
	return pr, nil
}
