package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/store"
)

// The member's pseudonymisation settings: its own internal ranges (besides RFC 1918 and the
// others that are always internal), the opt-in to keep payloads, and the retention periods.

type snSettingsData struct {
	Settings store.SensorSettings
}

func (s *Server) snSettingsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	st, err := s.st.SensorSettingsOf(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	st.Key = nil // never on a page
	pg := s.page(w, r, "sn.settings.title", snSettingsData{Settings: st})
	pg.Form.Set("ranges", st.Ranges)
	pg.Form.Set("alert_days", strconv.Itoa(st.AlertDays))
	pg.Form.Set("sighting_days", strconv.Itoa(st.SightingDays))
	return pg, nil
}

func (s *Server) snSettings(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "sensors_settings", s.snSettingsPage)
}

func (s *Server) snSettingsSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := func() error {
		ranges, err := sensor.ParseRanges(r.PostForm.Get("ranges"))
		if err != nil {
			return vaern.Invalid("ranges", "is not a list of address ranges (CIDR such as 203.0.113.0/24)")
		}
		st, err := s.st.SensorSettingsOf(r.Context(), p.Org.ID)
		if err != nil {
			return err
		}
		st.Ranges = sensor.FormatRanges(ranges)
		st.KeepPayload = r.PostForm.Get("keep_payload") == "on"
		if st.AlertDays, err = strconv.Atoi(strings.TrimSpace(r.PostForm.Get("alert_days"))); err != nil {
			return vaern.Invalid("alert_days", "must be between 1 and 3650 days")
		}
		if st.SightingDays, err = strconv.Atoi(strings.TrimSpace(r.PostForm.Get("sighting_days"))); err != nil {
			return vaern.Invalid("sighting_days", "must be between 1 and 3650 days")
		}
		return s.st.SaveSensorSettings(r.Context(), p.Actor(s.clientIP(r)), st)
	}()
	if err != nil {
		s.refill(w, r, err, "sensors_settings", true, func() (*Page, error) { return s.snSettingsPage(w, r) })
		return
	}
	s.redirect(w, r, "/sensors/settings", "flash.sn_settings")
}
