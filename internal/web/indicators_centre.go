package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/indicators"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// The centre analysts' indicator pages: add one, edit, expire or delete it, and import a STIX
// bundle or MISP event (indicators_import.go). Every change is the store's, checked and audited
// in its transaction.

type indCentreData struct {
	Members    []vaern.Org
	TLPs       []string
	Audiences  []access.Kind
	Categories []string
	Types      []string
	Recent     []store.IndicatorDetail
	Imports    []store.ImportBatch
	Ind        store.IndicatorDetail // the edited one
	Now        time.Time
}

func (s *Server) indCentreData(r *http.Request) (indCentreData, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	members, err := s.st.Members(ctx, p.Org.ID)
	if err != nil {
		return indCentreData{}, err
	}
	return indCentreData{Members: members, TLPs: indTLPs(), Audiences: []access.Kind{access.AllMembers, access.NamedMembers, access.Group, access.CentreOnly},
		Categories: vaern.IndicatorCategories, Types: indicators.Types, Now: s.st.Now()}, nil
}

func (s *Server) indCentrePage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	v := access.Of(httpx.PrincipalFrom(ctx))
	d, err := s.indCentreData(r)
	if err != nil {
		return nil, err
	}
	l, err := s.st.ListIndicators(ctx, v, store.IndicatorFilter{State: "all", Limit: 50})
	if err != nil {
		return nil, err
	}
	d.Recent = l.Items
	if d.Imports, err = s.st.IndicatorImports(ctx, v, 10); err != nil {
		return nil, err
	}
	pg := s.page(w, r, "ind.centre.title", d)
	pg.Form.Set("tlp", "AMBER")
	pg.Form.Set("audience", string(access.AllMembers))
	pg.Form.Set("confidence", "70")
	return pg, nil
}

func (s *Server) indCentre(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "indicators_centre", s.indCentrePage)
}

// indObjectForm reads the label and audience fields. RED is for named people: the analyst who
// writes it (the rules also show it to its creator).
func indObjectForm(r *http.Request, p *vaern.Principal) (access.Object, error) {
	f := r.PostForm
	tlp, ok := access.ParseTLP(f.Get("tlp"))
	if !ok || tlp == "" {
		return access.Object{}, vaern.Invalid("tlp", "choose a TLP label")
	}
	aud := access.Audience{Kind: access.Kind(f.Get("audience"))}
	switch aud.Kind {
	case access.NamedMembers:
		for _, v := range f["audience_orgs"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				aud.Orgs = append(aud.Orgs, id)
			}
		}
	case access.Group:
		aud.Country, aud.Region, aud.SizeClass = f.Get("audience_country"), strings.TrimSpace(f.Get("audience_region")), f.Get("audience_size")
	case access.AllMembers, access.CentreOnly:
	case "":
		aud.Kind = access.AllMembers
	default:
		return access.Object{}, vaern.Invalid("audience", "choose who the object is for")
	}
	if tlp == access.Red {
		aud = access.Audience{Kind: access.NamedPeople, People: []int64{p.User.ID}}
	}
	return access.Object{TLP: tlp, Audience: aud}, nil
}

// indInputForm reads the add and edit form.
func indInputForm(r *http.Request, p *vaern.Principal) (store.IndicatorInput, error) {
	f := r.PostForm
	in := store.IndicatorInput{Value: f.Get("value"), Type: f.Get("type"), Description: f.Get("description"), Category: f.Get("category")}
	if in.Type != "" && !indKnownType(in.Type) {
		return in, vaern.Invalid("type", "is not an indicator type")
	}
	c, err := strconv.Atoi(strings.TrimSpace(f.Get("confidence")))
	if err != nil {
		return in, vaern.Invalid("confidence", "must be 0-100")
	}
	in.Confidence = c
	if v := strings.TrimSpace(f.Get("expires")); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, notify.Zone)
		if err != nil {
			return in, vaern.Invalid("expires", "is not a date (YYYY-MM-DD)")
		}
		in.ExpiresAt = t.AddDate(0, 0, 1) // to the end of the day
	}
	in.Object, err = indObjectForm(r, p)
	return in, err
}

func indKnownType(t string) bool {
	for _, x := range indicators.Types {
		if x == t {
			return true
		}
	}
	return false
}

func (s *Server) indAdd(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	in, err := indInputForm(r, p)
	var n vaern.Indicator
	if err == nil {
		n, err = s.st.AddIndicator(r.Context(), p.Actor(s.clientIP(r)), access.Of(p), in)
	}
	if err != nil {
		s.refill(w, r, err, "indicators_centre", true, func() (*Page, error) { return s.indCentrePage(w, r) })
		return
	}
	s.redirect(w, r, "/indicators/"+strconv.FormatInt(n.ID, 10), "flash.ind_added")
}

func (s *Server) indEditPage(w http.ResponseWriter, r *http.Request, fill bool) (*Page, error) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	p := httpx.PrincipalFrom(r.Context())
	ind, err := s.st.IndicatorByID(r.Context(), access.Of(p), id)
	if err != nil {
		return nil, err
	}
	if ind.OrgID != p.Org.ID {
		return nil, vaern.ErrNotFound // the centre changes its own indicators only
	}
	d, err := s.indCentreData(r)
	if err != nil {
		return nil, err
	}
	d.Ind = ind
	pg := s.page(w, r, "ind.edit.title", d)
	if fill {
		f := pg.Form
		f.Set("description", ind.Description)
		f.Set("category", ind.Category)
		f.Set("confidence", strconv.Itoa(ind.Confidence))
		if !ind.ExpiresAt.IsZero() {
			f.Set("expires", ind.ExpiresAt.Add(-time.Millisecond).In(notify.Zone).Format(time.DateOnly))
		}
		f.Set("tlp", ind.TLP)
		a := ind.AudienceFull
		f.Set("audience", string(a.Kind))
		for _, o := range a.Orgs {
			f.Add("audience_orgs", strconv.FormatInt(o, 10))
		}
		f.Set("audience_country", a.Country)
		f.Set("audience_region", a.Region)
		f.Set("audience_size", a.SizeClass)
	}
	return pg, nil
}

func (s *Server) indEdit(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "indicators_edit", func(w http.ResponseWriter, r *http.Request) (*Page, error) { return s.indEditPage(w, r, true) })
}

func (s *Server) indSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.notFound(w, r)
		return
	}
	in, err := indInputForm(r, p)
	if err == nil {
		err = s.st.EditIndicator(r.Context(), p.Actor(s.clientIP(r)), access.Of(p), id, in)
	}
	if err != nil {
		s.refill(w, r, err, "indicators_edit", true, func() (*Page, error) { return s.indEditPage(w, r, false) })
		return
	}
	s.redirect(w, r, "/indicators/"+strconv.FormatInt(id, 10), "flash.ind_saved")
}

func (s *Server) indExpire(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.ExpireIndicator(r.Context(), p.Actor(s.clientIP(r)), access.Of(p), id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/indicators/"+strconv.FormatInt(id, 10), "flash.ind_expired")
}

func (s *Server) indDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteIndicator(r.Context(), p.Actor(s.clientIP(r)), access.Of(p), id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/indicators", "flash.ind_deleted")
}
