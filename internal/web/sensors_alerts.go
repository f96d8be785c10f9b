package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The member's own alerts, newest first, filtered by sensor, signature and time, a page at a time.

type snAlertsData struct {
	Alerts  []vaern.SensorAlert
	Sensors []vaern.Sensor
	Names   map[int64]string
	Next    string // the next page's query string, "" at the end
	Sensor  int64
}

func (s *Server) snAlerts(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "sensors_alerts", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		q := r.URL.Query()
		f := store.AlertFilter{Before: q.Get("before"), Limit: 50}
		var err error
		if q.Get("sensor") != "" {
			if f.SensorID, err = httpx.IntParam(q, "sensor", 1); err != nil {
				return nil, err
			}
		}
		if q.Get("signature") != "" {
			if f.SignatureID, err = httpx.IntParam(q, "signature", 1); err != nil {
				return nil, err
			}
		}
		for _, x := range []struct {
			name string
			dst  *time.Time
			add  time.Duration
		}{{"from", &f.From, 0}, {"to", &f.To, 24 * time.Hour}} {
			if v := q.Get(x.name); v != "" {
				t, err := time.Parse("2006-01-02", v)
				if err != nil {
					return nil, &httpx.ParamError{Name: x.name, Value: v, Want: "a date such as 2026-12-02"}
				}
				*x.dst = t.Add(x.add)
			}
		}
		page, err := s.st.SensorAlerts(ctx, p.Org.ID, f)
		if err != nil {
			return nil, err
		}
		sensors, err := s.st.Sensors(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		d := snAlertsData{Alerts: page.Alerts, Sensors: sensors, Names: map[int64]string{}, Sensor: f.SensorID}
		for _, sn := range sensors {
			d.Names[sn.ID] = sn.Name
		}
		if page.Next != "" {
			next := url.Values{}
			for k, v := range q {
				next[k] = v
			}
			next.Set("before", page.Next)
			d.Next = next.Encode()
		}
		pg := s.page(w, r, "sn.alerts.title", d)
		for _, k := range []string{"signature", "from", "to"} {
			pg.Form.Set(k, q.Get(k))
		}
		pg.Form.Set("sensor", strconv.FormatInt(f.SensorID, 10))
		return pg, nil
	})
}
