package web

import (
	"net/http"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// One early warning for the centre: the indicator, its signature, first and last seen, how many
// members (by name: the centre runs the monitoring; never their alerts), the timeline of the
// indicator per hour, and the two decisions: draft an advisory to all members, or dismiss.

type ewWarningData struct {
	W        vaern.EarlyWarning
	Label    string
	SID      string
	Names    []string
	Members  *wcChart
	Alerts   *wcChart
	Settings vaern.CorrelationSettings
}

func (s *Server) ewWarningPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	ew, err := s.st.EarlyWarning(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	names, err := s.st.EarlyMemberNames(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	cs, err := s.st.CorrelationSettings(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	// The timeline: from six hours before the first sighting to two after the last, at most two days.
	from := ew.FirstSeen.Add(-6 * time.Hour).Truncate(time.Hour)
	to := ew.LastSeen.Add(2 * time.Hour)
	if to.Sub(from) > 48*time.Hour {
		from = to.Add(-48 * time.Hour).Truncate(time.Hour)
	}
	hours, err := s.st.IndicatorTimeline(ctx, p.Org.ID, ew.Kind, ew.Value, from, to)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "ew.warning.title", nil)
	d := ewWarningData{W: ew, Label: ewLabel(ew), SID: ewSID(ew), Names: names, Settings: cs}
	d.Members = ewHourChart(pg, "members-per-hour", pg.L.T("ew.chart.members"), pg.L.T("ew.chart.members.desc"), hours, from, to,
		func(h store.HourCount) float64 { return float64(h.Members) })
	d.Alerts = ewHourChart(pg, "indicator-alerts", pg.L.T("ew.chart.indicator"), pg.L.T("ew.chart.indicator.desc"), hours, from, to,
		func(h store.HourCount) float64 { return float64(h.Alerts) })
	pg.Data = d
	return pg, nil
}

func (s *Server) ewWarning(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "correlate_warning", s.ewWarningPage)
}
