package web

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The centre's early warnings: the list (open first) with the sector's alerts per hour and its
// top signatures over the last day.

// ewKinds are the indicator kinds correlation works on.
var ewKinds = []string{vaern.IndicatorIP, vaern.IndicatorDomain, vaern.IndicatorJA3, vaern.IndicatorJA4, vaern.IndicatorSignature}

type ewListData struct {
	Warnings []vaern.EarlyWarning
	Total    int
	Statuses []string
	Kinds    []string
	Status   string
	Kind     string
	Settings vaern.CorrelationSettings
	Alerts   *wcChart
	Top      *wcChart
	TopRows  []store.TopSignature
}

func (s *Server) ewList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "correlate_list", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		q := r.URL.Query()
		status, err := httpx.ChoiceParam(q, "status", "", append([]string{""}, vaern.EarlyStatuses...)...)
		if err != nil {
			return nil, err
		}
		kind, err := httpx.ChoiceParam(q, "kind", "", append([]string{""}, ewKinds...)...)
		if err != nil {
			return nil, err
		}
		list, total, err := s.st.EarlyWarnings(ctx, p.Org.ID, store.EarlyFilter{Status: status, Kind: kind, Query: q.Get("q"), Limit: 200})
		if err != nil {
			return nil, err
		}
		cs, err := s.st.CorrelationSettings(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		now := s.st.Now()
		from := now.Add(-24 * time.Hour).Truncate(time.Hour)
		hours, err := s.st.AlertsPerHour(ctx, p.Org.ID, from)
		if err != nil {
			return nil, err
		}
		top, err := s.st.TopSignatures(ctx, p.Org.ID, from, 10)
		if err != nil {
			return nil, err
		}
		pg := s.page(w, r, "ew.list.title", nil)
		d := ewListData{Warnings: list, Total: total, Statuses: vaern.EarlyStatuses, Kinds: ewKinds, Status: status, Kind: kind, Settings: cs, TopRows: top}
		d.Alerts = ewHourChart(pg, "alerts-per-hour", pg.L.T("ew.chart.alerts"), pg.L.T("ew.chart.alerts.desc"), hours, from, now, func(h store.HourCount) float64 { return float64(h.Alerts) })
		if len(top) > 0 {
			c := charts.Chart{ID: "top-signatures", Kind: charts.Bars, Title: pg.L.T("ew.top.title"), Desc: pg.L.T("ew.top.desc"), LabelHead: pg.L.T("ew.col.signature"), Counts: true, Lang: pg.L.Lang}
			sr := charts.Series{Name: pg.L.T("ew.col.members")}
			for _, t := range top {
				c.Labels = append(c.Labels, t.Signature)
				v := float64(t.Members)
				sr.Values = append(sr.Values, &v)
				c.Max = max(c.Max, v)
			}
			c.Series = []charts.Series{sr}
			d.Top = ewChartOf(c)
		}
		pg.Data = d
		for k, v := range q {
			pg.Form[k] = v
		}
		return pg, nil
	})
}

// ewHourChart draws one value per hour from from to to, zero where nothing was seen.
func ewHourChart(pg *Page, id, title, desc string, hours []store.HourCount, from, to time.Time, val func(store.HourCount) float64) *wcChart {
	by := map[int64]float64{}
	for _, h := range hours {
		by[h.Hour.UnixMilli()] = val(h)
	}
	c := charts.Chart{ID: id, Kind: charts.Lines, Title: title, Desc: desc, LabelHead: pg.L.T("ew.col.hour"), Max: 1, Counts: true, Lang: pg.L.Lang}
	sr := charts.Series{Name: title}
	for t := from.Truncate(time.Hour); !t.After(to); t = t.Add(time.Hour) {
		c.Labels = append(c.Labels, t.Local().Format("15:04"))
		v := by[t.UnixMilli()]
		sr.Values = append(sr.Values, &v)
		c.Max = max(c.Max, v)
	}
	c.Series = []charts.Series{sr}
	return ewChartOf(c)
}

func ewChartOf(c charts.Chart) *wcChart {
	head, rows := c.Table()
	return &wcChart{Chart: c, SVG: template.HTML(c.SVG()), Head: head, Rows: rows}
}

// ewLabel is how a page names an early warning's indicator.
func ewLabel(w vaern.EarlyWarning) string { return correlate.Label(w) }

func ewSID(w vaern.EarlyWarning) string {
	if w.SignatureID == 0 {
		return ""
	}
	return strconv.FormatInt(w.SignatureID, 10)
}
