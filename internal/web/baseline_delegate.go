package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

func (s *Server) baselineDelegate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	f := r.PostForm
	d := vaern.Delegation{AssessmentID: x.A.ID, Note: strings.TrimSpace(f.Get("note"))}
	scope := f.Get("scope") // "q:GOV-01", "a:GOV" or "dept"
	var err2 error
	switch {
	case strings.HasPrefix(scope, "q:"):
		d.ScopeKind, d.ScopeRef = vaern.DelegateQuestion, strings.TrimPrefix(scope, "q:")
		if _, ok := x.F.Question(d.ScopeRef); !ok {
			err2 = vaern.Invalid("scope", "is not a question of this framework")
		}
	case strings.HasPrefix(scope, "a:"):
		d.ScopeKind, d.ScopeRef = vaern.DelegateArea, strings.TrimPrefix(scope, "a:")
		if _, ok := x.F.Area(d.ScopeRef); !ok {
			err2 = vaern.Invalid("scope", "is not a focus area of this framework")
		}
	case scope == "dept":
		d.ScopeKind = vaern.DelegateDepartment
	default:
		err2 = vaern.Invalid("scope", "choose what to delegate")
	}
	assignee := f.Get("assignee") // "u:ID" (person) or "g:ID" (unit)
	var assigneeUser vaern.Member
	if err2 == nil {
		id, _ := strconv.ParseInt(assignee[min(2, len(assignee)):], 10, 64)
		switch {
		case strings.HasPrefix(assignee, "u:"):
			d.AssigneeUserID = id
			assigneeUser, err = s.st.OrgUser(ctx, x.P.Org.ID, id)
			if err != nil {
				err2 = vaern.Invalid("assignee", "is not a person in this organisation")
			}
			d.UnitID = assigneeUser.UnitID
		case strings.HasPrefix(assignee, "g:"):
			d.AssigneeUnitID, d.UnitID = id, id
		default:
			err2 = vaern.Invalid("assignee", "choose a person or a unit")
		}
	}
	if u, _ := strconv.ParseInt(f.Get("answer_unit"), 10, 64); u != 0 {
		d.UnitID = u
	}
	if err2 == nil {
		due, err := time.ParseInLocation("2006-01-02", f.Get("due"), time.Local)
		switch {
		case err != nil:
			err2 = vaern.Invalid("due", "is not a date")
		case due.Before(s.st.Now().Truncate(24 * time.Hour)):
			err2 = vaern.Invalid("due", "is in the past")
		default:
			d.Due = due.Add(24*time.Hour - time.Second)
		}
	}
	if err2 == nil && d.UnitID == 0 && (d.ScopeKind == vaern.DelegateDepartment) {
		err2 = vaern.Invalid("answer_unit", "say which unit's questions are delegated")
	}
	if err2 != nil {
		s.refill(w, r, err2, "baseline_overview", true, func() (*Page, error) { return s.overviewPage(w, r) })
		return
	}
	// The delegates are told by the notifications module, in the delegation's transaction.
	if _, err := s.st.CreateDelegation(ctx, x.P.Actor(s.clientIP(r)), x.P.Org.ID, d, nil); err != nil {
		s.refill(w, r, err, "baseline_overview", true, func() (*Page, error) { return s.overviewPage(w, r) })
		return
	}
	s.wakeMail()
	s.redirect(w, r, "/baseline/"+strconv.FormatInt(x.A.ID, 10)+"#delegations", "bl.flash.delegated")
}

func (s *Server) delegationDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteDelegation(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, backTo(r, "/baseline"), "bl.flash.delegation_removed")
}
