package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
)

// The handover page: pick the person who leaves, see what is open of theirs, pick a successor
// and move it all in one step (one transaction, one audit row).

type onbHandoverData struct {
	People   []vaern.Member
	Person   *vaern.Member
	Handover vaern.Handover
	Moved    bool
}

func (s *Server) onbHandoverPage(w http.ResponseWriter, r *http.Request, personID int64) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	people, err := s.st.OrgUsers(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := onbHandoverData{People: people}
	if personID != 0 {
		h, err := s.st.Handover(ctx, p.Org.ID, personID)
		if err != nil {
			return nil, err
		}
		d.Handover = h
		s.nameDelegations(ctx, p.Org.ID, d.Handover.Delegations, s.lang(r, p))
		for i := range people {
			if people[i].ID == personID {
				d.Person = &people[i]
			}
		}
	}
	return s.page(w, r, "onb.handover.title", d), nil
}

func (s *Server) onbHandover(w http.ResponseWriter, r *http.Request) {
	// The person picker is a GET form, so it works without JavaScript.
	if id, err := strconv.ParseInt(r.URL.Query().Get("person"), 10, 64); err == nil && id > 0 {
		http.Redirect(w, r, "/onboarding/handover/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	s.show(w, r, "onboarding_handover", func(w http.ResponseWriter, r *http.Request) (*Page, error) { return s.onbHandoverPage(w, r, 0) })
}

func (s *Server) onbHandoverPerson(w http.ResponseWriter, r *http.Request) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	s.show(w, r, "onboarding_handover", func(w http.ResponseWriter, r *http.Request) (*Page, error) { return s.onbHandoverPage(w, r, id) })
}

func (s *Server) onbTransfer(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if _, err := s.st.TransferHandover(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, formID(r, "successor")); err != nil {
		s.refill(w, r, err, "onboarding_handover", true, func() (*Page, error) { return s.onbHandoverPage(w, r, id) })
		return
	}
	s.redirect(w, r, "/onboarding/handover/"+strconv.FormatInt(id, 10), "flash.onb_handed_over")
}

// nameDelegations titles each delegated row as the person's task list does: a focus area by its
// title, a question by its id and text, from the round's framework in the reader's language, and a
// department's questions by that phrase. A row whose framework cannot be read keeps its bare id.
func (s *Server) nameDelegations(ctx context.Context, orgID int64, rows []vaern.HandoverRow, lang string) {
	frameworks := map[int64]*framework.Framework{} // by assessment
	l := s.cat.For(lang)
	for i := range rows {
		x := &rows[i]
		if x.Scope == vaern.DelegateDepartment {
			x.Title = l.T("bl.scope.department")
			continue
		}
		f, ok := frameworks[x.ID]
		if !ok {
			if a, err := s.st.Assessment(ctx, orgID, x.ID); err == nil {
				if _, fw, err := s.st.Framework(ctx, a.Round.FrameworkID); err == nil {
					f = fw
				}
			}
			frameworks[x.ID] = f
		}
		if f == nil {
			continue
		}
		switch x.Scope {
		case vaern.DelegateArea:
			if ar, ok := f.Area(x.Ref); ok {
				x.Title = ar.ID + " " + ar.Title.Get(lang)
			}
		case vaern.DelegateQuestion:
			if q, ok := f.Question(x.Ref); ok {
				x.Title = q.ID + " " + q.Text.Get(lang)
			}
		}
	}
}
