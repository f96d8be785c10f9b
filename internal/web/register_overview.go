package web

import (
	"net/http"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

type regOverviewData struct {
	Counts    vaern.RegisterCounts
	Inherent  *register.HeatMap
	Residual  *register.HeatMap
	Units     []vaern.UnitStatus
	Sharing   vaern.RegisterSharing
	OwnMatrix bool
	Heats     []regHeat
	// AIUnchecked lists the systems that use AI without a checked data-processing agreement.
	AIUnchecked []vaern.ITSystem
}

// regHeat is one heat map with what its template needs.
type regHeat struct {
	Title string
	H     *register.HeatMap
	L     *i18n.Localizer
}

func (s *Server) regOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	var d regOverviewData
	var err error
	if d.Counts, err = s.st.RegisterCounts(ctx, p.Org.ID); err == nil {
		if d.Inherent, err = s.heatMap(r, false); err == nil {
			if d.Residual, err = s.heatMap(r, true); err == nil {
				if d.Units, err = s.st.UnitStatuses(ctx, p.Org.ID); err == nil {
					if d.Sharing, err = s.st.RegisterSharing(ctx, p.Org.ID); err == nil {
						if _, d.OwnMatrix, err = s.st.RiskMatrix(ctx, p.Org.ID); err == nil {
							d.AIUnchecked, _, err = s.st.Systems(ctx, p.Org.ID, vaern.SystemFilter{AIUnchecked: true, Limit: 50})
						}
					}
				}
			}
		}
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg := s.page(w, r, "reg.overview.title", nil)
	d.Heats = []regHeat{{"reg.heat.inherent", d.Inherent, pg.L}, {"reg.heat.residual", d.Residual, pg.L}}
	pg.Data = d
	s.render(w, r, http.StatusOK, "register_overview", pg)
}

// ---- sharing with the centre ----

func (s *Server) regSharingPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	v, err := s.st.RegisterSharing(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "reg.sharing.title", nil)
	pg.Form.Set("sharing", string(v))
	return pg, nil
}

func (s *Server) regSharing(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "register_sharing", s.regSharingPage)
}

func (s *Server) regSharingSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := s.st.SetRegisterSharing(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, vaern.RegisterSharing(r.PostForm.Get("sharing")))
	if err != nil {
		s.refill(w, r, err, "register_sharing", false, func() (*Page, error) { return s.regSharingPage(w, r) })
		return
	}
	s.redirect(w, r, "/register/sharing", "flash.saved")
}

// ---- the centre's view ----

type regCentreData struct {
	Registers []store.SharedRegister
	Totals    vaern.RegisterCounts
	Sharing   map[string]int
}

func (s *Server) regCentre(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := s.st.SharedRegisters(r.Context(), p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d := regCentreData{Registers: list, Sharing: map[string]int{}}
	for _, sr := range list {
		d.Sharing[string(sr.Sharing)]++
		if c := sr.Counts; c != nil {
			d.Totals.Systems += c.Systems
			d.Totals.NoOwner += c.NoOwner
			d.Totals.DPAInvalid += c.DPAInvalid
			d.Totals.OverdueReviews += c.OverdueReviews
			d.Totals.HighRisks += c.HighRisks
			d.Totals.Exposed += c.Exposed
			d.Totals.AIUnchecked += c.AIUnchecked
		}
	}
	s.render(w, r, http.StatusOK, "register_centre", s.page(w, r, "reg.centre.title", d))
}

type regCentreMemberData struct {
	Register store.SharedRegister
	Systems  []vaern.ITSystem
	Total    int
	Now      time.Time
}

func (s *Server) regCentreMember(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	f, err := regFilter(r.URL.Query())
	if s.badParam(w, r, err) {
		return
	}
	f.Limit = 500
	sr, list, total, err := s.st.SharedRegisterOf(r.Context(), access.Of(p), id, f)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg := s.page(w, r, "reg.centre.member_title", regCentreMemberData{Register: sr, Systems: list, Total: total, Now: s.st.Now()})
	pg.Form.Set("q", r.URL.Query().Get("q"))
	s.render(w, r, http.StatusOK, "register_centre_member", pg)
}

func (s *Server) regCentreSystem(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	sys, err := s.st.SharedSystem(r.Context(), access.Of(p), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	org, err := s.st.Org(r.Context(), p.Org.ID, sys.OrgID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg := s.page(w, r, "reg.system.title", nil)
	d, err := s.regSystemData(r, sys.OrgID, sys, pg.L.Lang)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d.Shared, d.OrgName, d.History = true, org.Name, nil
	pg.Data = d
	s.render(w, r, http.StatusOK, "register_system", pg)
}

// heatMap counts the member's risks per cell of its matrix: inherent or residual.
func (s *Server) heatMap(r *http.Request, residual bool) (*register.HeatMap, error) {
	m, levels, err := s.st.RiskLevels(r.Context(), httpx.PrincipalFrom(r.Context()).Org.ID, residual)
	if err != nil {
		return nil, err
	}
	return register.HeatMapOf(m, levels), nil
}
