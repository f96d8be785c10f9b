package web

import (
	"net/http"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

type dashboardData struct {
	Units, People int
	Members       []vaern.Org
	BySize        []Bar // centre: members per size class and country
	Now           time.Time
	Open          []openAssessment // member: assessments of open rounds
	Rounds        []vaern.Round    // centre: open rounds with their participation
	Notices       []store.Notice   // member: what the centre changed (new members, round participants)
	Recovery      *store.Recovery  // member: a recovery the centre has under way
	Warnings      int              // member: open warnings (exact and confirm exposures)
	ShowWarnings  bool
	Incidents     *incDash // open cases and the next deadline (the centre: of reported cases)
	Onboarding    *onbData // a coordinator's checklist while it is not complete
}

type openAssessment struct {
	A        vaern.Assessment
	Progress Progress
	DaysLeft int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	people, err := s.st.OrgUsers(ctx, p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := dashboardData{Units: len(units), People: len(people), Now: s.st.Now()}
	if vaern.Can(p.Role, vaern.PermWarningsView) {
		if d.Warnings, err = s.st.OpenWarnings(ctx, p.Org.ID); err != nil {
			s.failErr(w, r, err)
			return
		}
		d.ShowWarnings = true
	}
	if p.Org.IsCentre() {
		d.Members, err = s.st.Members(ctx, p.Org.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		d.BySize = membersBySize(d.Members)
	}
	// The rounds going on now: a member's assessments with how far they are, the centre's
	// participation.
	if vaern.Can(p.Role, vaern.PermBaselineView) {
		list, err := s.st.Assessments(ctx, p.Org.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for _, a := range list {
			if !a.Editable(d.Now) {
				continue
			}
			pr, err := s.assessmentProgress(ctx, p.Org.ID, a)
			if err != nil {
				s.failErr(w, r, err)
				return
			}
			deadline := a.Round.ClosesAt
			if a.Status == vaern.AssessmentReopened {
				deadline = a.ReopenedUntil
			}
			d.Open = append(d.Open, openAssessment{A: a, Progress: pr, DaysLeft: int(deadline.Sub(d.Now).Hours() / 24)})
		}
	}
	if !p.Org.IsCentre() {
		// What the centre changed that bears on the member's anonymity, for the independence
		// period; and a recovery under way, which any coordinator can stop.
		if d.Notices, err = s.st.Notices(ctx, p.Org.ID, d.Now.AddDate(0, 0, -results.DefaultIndependenceDays)); err != nil {
			s.failErr(w, r, err)
			return
		}
		if len(d.Notices) > 10 {
			d.Notices = d.Notices[:10]
		}
		recs, err := s.st.Recoveries(ctx, p.Org.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for i := range recs {
			if recs[i].Status == "pending" || recs[i].Status == "invited" {
				d.Recovery = &recs[i]
			}
		}
	}
	if vaern.Can(p.Role, vaern.PermRoundsView) {
		rounds, err := s.st.Rounds(ctx, p.Org.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		for _, rd := range rounds {
			if rd.Status == vaern.RoundOpen {
				d.Rounds = append(d.Rounds, rd)
			}
		}
	}
	if d.Incidents, err = s.incDashboard(ctx, p, d.Now); err != nil {
		s.failErr(w, r, err)
		return
	}
	if d.Onboarding, err = s.onbDashboard(ctx, p); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", s.page(w, r, "dashboard.title", d))
}
