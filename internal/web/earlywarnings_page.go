package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// One early warning for the centre: the indicator, its signature, first and last seen, how many
// members (by name: the centre runs the monitoring; never their alerts), the timeline of the
// indicator per hour, and the decisions: share the indicator with the members' sensors, draft an
// advisory to all members (offering to share the indicator too), or dismiss.

type ewWarningData struct {
	W        vaern.EarlyWarning
	Label    string
	SID      string
	Names    []string
	Members  *wcChart
	Alerts   *wcChart
	Settings vaern.CorrelationSettings
	// Shareable: the indicator can be shared with the members' sensors (not yet shared, a kind
	// the indicator store has, not judged harmless). TLPs are the labels the share form offers.
	Shareable bool
	TLPs      []string
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
	d := ewWarningData{W: ew, Label: ewLabel(ew), SID: ewSID(ew), Names: names, Settings: cs,
		Shareable: ew.IndicatorID == 0 && ewShareable(ew), TLPs: []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT"}}
	// The share form's defaults (a refused form puts back what the analyst sent).
	pg.Form.Set("tlp", string(access.Amber))
	pg.Form.Set("audience", "members")
	pg.Form.Set("confidence", strconv.Itoa(store.EarlyShareConfidence))
	pg.Form.Set("expires_days", strconv.Itoa(store.EarlyShareDays))
	pg.Form.Set("share_indicator", "1")
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
