package web

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/httpx"
)

// The member's sensors with their health: last seen, alerts in the last 24 hours and per hour,
// and a chart of the alerts per hour; the form to register one.

type snChart struct {
	Chart charts.Chart
	SVG   template.HTML
	Head  []string
	Rows  [][]string
}

type snListData struct {
	Sensors []snRow
	Chart   *snChart
	Manage  bool
	Token   string // the new sensor's token, shown once right after it was registered
	NewName string
	BaseURL string
}

type snRow struct {
	vaern.Sensor
	PerHour string
	Health  string // "ok", "quiet" (nothing for an hour), "never", "revoked"
}

func (s *Server) snListPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	list, err := s.st.Sensors(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	now := s.st.Now()
	d := snListData{Manage: vaern.Can(p.Role, vaern.PermSensorsManage), BaseURL: s.cfg.BaseURL}
	for _, sn := range list {
		row := snRow{Sensor: sn, PerHour: fmt.Sprintf("%.1f", float64(sn.Alerts24h)/24)}
		switch {
		case !sn.RevokedAt.IsZero():
			row.Health = "revoked"
		case sn.LastSeen.IsZero():
			row.Health = "never"
		case now.Sub(sn.LastSeen) > time.Hour:
			row.Health = "quiet"
		default:
			row.Health = "ok"
		}
		d.Sensors = append(d.Sensors, row)
	}
	pg := s.page(w, r, "sn.list.title", nil)
	if len(list) > 0 {
		hourly, err := s.st.SensorHourly(ctx, p.Org.ID, 0, 24)
		if err != nil {
			return nil, err
		}
		d.Chart = snHourlyChart(pg, hourly, now)
	}
	pg.Data = d
	return pg, nil
}

// snHourlyChart draws the alerts received per hour over the last 24 hours.
func snHourlyChart(pg *Page, hourly []int64, now time.Time) *snChart {
	l := pg.L
	c := charts.Chart{ID: "sn-hourly", Kind: charts.Bars, Title: l.T("sn.chart.title"), Desc: l.T("sn.chart.desc"), LabelHead: l.T("sn.chart.hour"), Counts: true, Lang: l.Lang}
	series := charts.Series{Name: l.T("sn.chart.alerts")}
	top := 1.0
	start := now.UTC().Truncate(time.Hour).Add(-time.Duration(len(hourly)-1) * time.Hour)
	for i, n := range hourly {
		c.Labels = append(c.Labels, start.Add(time.Duration(i)*time.Hour).Format("15"))
		v := float64(n)
		series.Values = append(series.Values, &v)
		top = max(top, v)
	}
	c.Series, c.Max = []charts.Series{series}, top
	head, rows := c.Table()
	return &snChart{Chart: c, SVG: template.HTML(c.SVG()), Head: head, Rows: rows}
}

func (s *Server) snList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "sensors_list", s.snListPage)
}
