package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The centre's side of the catalogue: the list with a form for a new service, one service's
// page (edit form, subscribers table and chart), and the queue of requests and ends to decide.

type svcCentreData struct {
	Services []vaern.Service
	Pending  int
	Chart    *wcChart // active subscribers per service
}

func (s *Server) svcCentrePage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	list, err := s.st.Services(ctx, p.Org.ID, false)
	if err != nil {
		return nil, err
	}
	d := svcCentreData{Services: list}
	for _, v := range list {
		d.Pending += v.Pending
	}
	pg := s.page(w, r, "svc.centre.title", d)
	if len(list) > 0 {
		d.Chart = svcChart(pg, list)
		pg.Data = d
	}
	return pg, nil
}

// svcChart draws the active subscribers of every service as bars, with its data table.
func svcChart(pg *Page, list []vaern.Service) *wcChart {
	l := pg.L
	c := charts.Chart{ID: "svc-subscribers", Kind: charts.Bars, Title: l.T("svc.chart.title"), Desc: l.T("svc.chart.desc"),
		LabelHead: l.T("svc.col.service"), Counts: true, Lang: l.Lang}
	ser := charts.Series{Name: l.T("svc.col.active")}
	top := 1.0
	for _, v := range list {
		c.Labels = append(c.Labels, v.Name.In(l.Lang))
		f := float64(v.Active)
		ser.Values = append(ser.Values, &f)
		top = max(top, f)
	}
	c.Series, c.Max = []charts.Series{ser}, top
	head, rows := c.Table()
	return &wcChart{Chart: c, SVG: template.HTML(c.SVG()), Head: head, Rows: rows}
}

func (s *Server) svcCentre(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "services_centre", s.svcCentrePage)
}

// svcForm reads a service's form.
func svcForm(r *http.Request) vaern.Service {
	f := r.PostForm
	return vaern.Service{
		Name:         vaern.Texts3{Da: f.Get("name_da"), Nb: f.Get("name_nb"), En: f.Get("name_en")},
		Description:  vaern.Texts3{Da: f.Get("desc_da"), Nb: f.Get("desc_nb"), En: f.Get("desc_en")},
		ServiceLevel: f.Get("service_level"), PriceModel: f.Get("price_model"), Contact: f.Get("contact"), Status: f.Get("status"),
	}
}

func (s *Server) svcCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	v, err := s.st.SaveService(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, svcForm(r))
	if err != nil {
		s.refill(w, r, err, "services_centre", true, func() (*Page, error) { return s.svcCentrePage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/services/"+strconv.FormatInt(v.ID, 10), "flash.svc_saved")
}

type svcServiceData struct {
	Service     vaern.Service
	Subscribers []vaern.Subscription // active and ending
	Pending     []vaern.Subscription
	Past        []vaern.Subscription
}

func (s *Server) svcServicePage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	v, err := s.st.Service(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	subs, err := s.st.CentreSubscriptions(ctx, p.Org.ID, store.SubscriptionFilter{ServiceID: id})
	if err != nil {
		return nil, err
	}
	d := svcServiceData{Service: v}
	for _, x := range subs {
		switch x.Status {
		case vaern.SubActive, vaern.SubEnding:
			d.Subscribers = append(d.Subscribers, x)
		case vaern.SubRequested:
			d.Pending = append(d.Pending, x)
		default:
			d.Past = append(d.Past, x)
		}
	}
	pg := s.page(w, r, "svc.service.title", d)
	for k, val := range map[string]string{"name_da": v.Name.Da, "name_nb": v.Name.Nb, "name_en": v.Name.En, "desc_da": v.Description.Da,
		"desc_nb": v.Description.Nb, "desc_en": v.Description.En, "service_level": v.ServiceLevel, "price_model": v.PriceModel,
		"contact": v.Contact, "status": v.Status} {
		pg.Form.Set(k, val)
	}
	return pg, nil
}

func (s *Server) svcService(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "services_service", s.svcServicePage)
}

func (s *Server) svcUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	v := svcForm(r)
	v.ID = id
	if _, err := s.st.SaveService(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, v); err != nil {
		s.refill(w, r, err, "services_service", true, func() (*Page, error) { return s.svcServicePage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/services/"+strconv.FormatInt(id, 10), "flash.svc_saved")
}

func (s *Server) svcRequestsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := s.st.CentreSubscriptions(r.Context(), p.Org.ID, store.SubscriptionFilter{Statuses: []string{vaern.SubRequested, vaern.SubEnding}})
	if err != nil {
		return nil, err
	}
	return s.page(w, r, "svc.requests.title", list), nil
}

func (s *Server) svcRequests(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "services_requests", s.svcRequestsPage)
}

func (s *Server) svcDecide(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	act := r.PostForm.Get("action")
	if err := s.st.DecideSubscription(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, act, r.PostForm.Get("note")); err != nil {
		s.refill(w, r, err, "services_requests", false, func() (*Page, error) { return s.svcRequestsPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/services/requests", "flash.svc_decided")
}
