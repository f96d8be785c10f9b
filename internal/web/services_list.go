package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// The member's side of the service catalogue: every offered service with the member's own status,
// a request form, and the end of a subscription. The centre's people see the catalogue as members
// see it, without subscriptions of their own.

type svcListRow struct {
	Service vaern.Service
	Sub     *vaern.Subscription // the member's live subscription, if any
}

type svcListData struct {
	Rows    []svcListRow
	History []vaern.Subscription // ended and declined
	Member  bool
}

// svcCentreID is the centre whose catalogue p sees: its own, or its member's centre.
func svcCentreID(p *vaern.Principal) int64 {
	if p.Org.IsCentre() {
		return p.Org.ID
	}
	return p.Org.ParentID
}

func (s *Server) svcListPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	list, err := s.st.Services(ctx, svcCentreID(p), true)
	if err != nil {
		return nil, err
	}
	d := svcListData{Member: !p.Org.IsCentre()}
	live := map[int64]*vaern.Subscription{}
	if d.Member {
		subs, err := s.st.Subscriptions(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		for i := range subs {
			if subs[i].Live() {
				live[subs[i].ServiceID] = &subs[i]
			} else {
				d.History = append(d.History, subs[i])
			}
		}
	}
	for _, v := range list {
		d.Rows = append(d.Rows, svcListRow{Service: v, Sub: live[v.ID]})
	}
	return s.page(w, r, "svc.list.title", d), nil
}

func (s *Server) svcList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "services_list", s.svcListPage)
}

func (s *Server) svcRequest(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if _, err := s.st.RequestSubscription(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, r.PostForm.Get("note")); err != nil {
		s.refill(w, r, err, "services_list", false, func() (*Page, error) { return s.svcListPage(w, r) })
		return
	}
	s.redirect(w, r, "/services", "flash.svc_requested")
}

func (s *Server) svcEnd(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := s.st.EndSubscription(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, r.PostForm.Get("note")); err != nil {
		s.refill(w, r, err, "services_list", false, func() (*Page, error) { return s.svcListPage(w, r) })
		return
	}
	s.redirect(w, r, "/services", "flash.svc_end_requested")
}
