package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/services"
)

// The onboarding checklist: the member's page (items with their state; automatic ones checked by
// Værn from what it sees, the rest ticked by hand), the dashboard's progress bar, and the centre's
// page (the checklist editor and every member's progress).

type onbData struct {
	Items []vaern.OnboardingStatus
	Done  int
	Total int
}

// Pct is the share done, 0..100.
func (d onbData) Pct() int {
	if d.Total == 0 {
		return 100
	}
	return d.Done * 100 / d.Total
}

// onbProgress is member p's checklist as it stands.
func (s *Server) onbProgress(ctx context.Context, p *vaern.Principal) (onbData, error) {
	items, err := s.st.OnboardingItems(ctx, p.Org.ParentID)
	if err != nil {
		return onbData{}, err
	}
	facts, err := s.st.OnboardingFacts(ctx, p.Org.ParentID, p.Org.ID)
	if err != nil || len(facts) == 0 {
		return onbData{}, err
	}
	ticks, err := s.st.OnboardingTicks(ctx, p.Org.ParentID, p.Org.ID)
	if err != nil {
		return onbData{}, err
	}
	st, done := services.Progress(items, facts[0], ticks)
	return onbData{Items: st, Done: done, Total: len(items)}, nil
}

// onbDashboard is the dashboard's onboarding card: shown to a coordinator while the checklist
// is not complete.
func (s *Server) onbDashboard(ctx context.Context, p *vaern.Principal) (*onbData, error) {
	if p.Org.IsCentre() || !vaern.Can(p.Role, vaern.PermOnboarding) {
		return nil, nil
	}
	d, err := s.onbProgress(ctx, p)
	if err != nil || d.Done >= d.Total {
		return nil, err
	}
	return &d, nil
}

func (s *Server) onbChecklist(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "onboarding", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		d, err := s.onbProgress(r.Context(), httpx.PrincipalFrom(r.Context()))
		if err != nil {
			return nil, err
		}
		return s.page(w, r, "onb.title", d), nil
	})
}

func (s *Server) onbTick(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := s.st.TickOnboarding(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, r.PostForm.Get("done") == "1"); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/onboarding", "flash.onb_saved")
}

type onbMemberRow struct {
	Org   string
	Done  int
	Total int
	Pct   int
}

type onbCentreData struct {
	Items    []vaern.OnboardingItem
	Checks   []string
	Members  []onbMemberRow
	Complete int // members with every item done
}

func (s *Server) onbCentrePage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	items, err := s.st.OnboardingItems(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	facts, err := s.st.OnboardingFacts(ctx, p.Org.ID, 0)
	if err != nil {
		return nil, err
	}
	ticks, err := s.st.OnboardingTicks(ctx, p.Org.ID, 0)
	if err != nil {
		return nil, err
	}
	d := onbCentreData{Items: items, Checks: vaern.OnboardingChecks}
	for _, f := range facts {
		_, done := services.Progress(items, f, ticks)
		row := onbMemberRow{Org: f.OrgName, Done: done, Total: len(items), Pct: 100}
		if len(items) > 0 {
			row.Pct = done * 100 / len(items)
		}
		if done == len(items) {
			d.Complete++
		}
		d.Members = append(d.Members, row)
	}
	return s.page(w, r, "onb.centre.title", d), nil
}

func (s *Server) onbCentre(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "onboarding_centre", s.onbCentrePage)
}

func onbItemForm(r *http.Request) vaern.OnboardingItem {
	f := r.PostForm
	pos, _ := strconv.Atoi(f.Get("position"))
	return vaern.OnboardingItem{Position: pos,
		Title:       vaern.Texts3{Da: f.Get("title_da"), Nb: f.Get("title_nb"), En: f.Get("title_en")},
		Description: vaern.Texts3{Da: f.Get("desc_da"), Nb: f.Get("desc_nb"), En: f.Get("desc_en")},
		Link:        f.Get("link"), Check: f.Get("check")}
}

func (s *Server) onbItemSave(w http.ResponseWriter, r *http.Request, id int64) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	it := onbItemForm(r)
	it.ID = id
	if _, err := s.st.SaveOnboardingItem(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, it); err != nil {
		s.refill(w, r, err, "onboarding_centre", id == 0, func() (*Page, error) { return s.onbCentrePage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/onboarding", "flash.onb_saved")
}

func (s *Server) onbItemCreate(w http.ResponseWriter, r *http.Request) { s.onbItemSave(w, r, 0) }

func (s *Server) onbItemUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	s.onbItemSave(w, r, id)
}

func (s *Server) onbItemDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := s.st.DeleteOnboardingItem(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/onboarding", "flash.onb_deleted")
}
