package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/incident"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

// The centre's side: its regime settings (lengths, its own SLAs, reminder points), the
// anonymised lessons it publishes, and the figures of item 7 (members see their own against the
// sector's, k-anonymous).

type incSettingsData struct {
	Regimes   []incident.Regime
	Settings  incident.Settings
	JSON      string
	Reminders string
}

func (s *Server) incSettingsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	b, err := s.st.IncidentSettings(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	st, err := incident.ParseSettings(b)
	if err != nil {
		return nil, err
	}
	d := incSettingsData{Regimes: st.All(), Settings: st}
	own, _ := json.MarshalIndent(st.Regimes, "", "  ")
	if len(st.Regimes) == 0 {
		own = []byte("[]")
	}
	d.JSON = string(own)
	var pts []string
	for _, h := range st.ReminderPoints() {
		pts = append(pts, strconv.Itoa(int(h.Hours())))
	}
	d.Reminders = strings.Join(pts, ", ")
	return s.page(w, r, "inc.settings.title", d), nil
}

func (s *Server) incSettings(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "incidents_settings", s.incSettingsPage)
}

// incSettingsSave reads the form: a length per built-in step (hours, or months for calendar
// steps), the centre's own regimes as JSON, the reminder points, and which built-in regimes are
// off; the store validates the whole set with the module's rules, then every open case's
// deadlines are recomputed.
func (s *Server) incSettingsSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	st := incident.Settings{Lengths: map[string]incident.Length{}}
	err := func() error {
		for _, reg := range incident.Builtin() {
			if r.PostForm.Get("off-"+reg.Key) != "" {
				st.Off = append(st.Off, reg.Key)
			}
			for _, step := range reg.Steps {
				k := reg.Key + "/" + step.Key
				v := strings.TrimSpace(r.PostForm.Get("len-" + k))
				if v == "" {
					continue
				}
				n, err := strconv.Atoi(v)
				if err != nil {
					return vaern.Invalid("len-"+k, "must be a whole number")
				}
				l := incident.Length{Hours: n}
				if step.Months > 0 {
					l = incident.Length{Months: n}
				}
				if l.Hours != step.Hours || l.Months != step.Months {
					st.Lengths[k] = l
				}
			}
		}
		if v := strings.TrimSpace(r.PostForm.Get("regimes")); v != "" && v != "[]" {
			if err := json.Unmarshal([]byte(v), &st.Regimes); err != nil {
				return vaern.Invalid("regimes", "is not valid JSON: %v", err)
			}
		}
		for _, part := range strings.Split(r.PostForm.Get("reminders"), ",") {
			if part = strings.TrimSpace(part); part != "" {
				n, err := strconv.Atoi(part)
				if err != nil {
					return vaern.Invalid("reminders", "must be whole hours separated by commas")
				}
				st.Reminders = append(st.Reminders, n)
			}
		}
		b, err := json.Marshal(st)
		if err != nil {
			return err
		}
		return s.st.SaveIncidentSettings(ctx, p.Actor(s.clientIP(r)), p.Org.ID, b)
	}()
	if err != nil {
		s.refill(w, r, err, "incidents_settings", true, func() (*Page, error) { return s.incSettingsPage(w, r) })
		return
	}
	if _, err := s.st.RecomputeIncidentDeadlines(ctx, p.Org.ID); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/incidents/settings", "flash.inc_settings")
}

func (s *Server) incPublish(w http.ResponseWriter, r *http.Request) {
	s.incAction(w, r, "flash.inc_published", func(p *vaern.Principal, a vaern.Actor, v access.Principal, id int64) error {
		return s.st.PublishLesson(r.Context(), a, v, id, r.PostForm.Get("public_title"), r.PostForm.Get("public_text"))
	})
}

func (s *Server) incLessons(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "incidents_lessons", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		p := httpx.PrincipalFrom(r.Context())
		list, err := s.st.PublishedLessons(r.Context(), p.Org.ID, 200)
		if err != nil {
			return nil, err
		}
		return s.page(w, r, "inc.lessons.title", list), nil
	})
}

type incFiguresData struct {
	Figures []incident.Figure
	Centre  bool
	K       int
	Names   map[string]string
}

func (s *Server) incFigures(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "incidents_figures", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		ctx := r.Context()
		p := httpx.PrincipalFrom(ctx)
		centreID := p.Org.ParentID
		if p.Org.IsCentre() {
			centreID = p.Org.ID
		}
		now := s.st.Now()
		rows, err := s.st.IncidentTimings(ctx, centreID, now.AddDate(-1, 0, 0))
		if err != nil {
			return nil, err
		}
		k := s.cfg.BenchmarkK
		if k <= 0 {
			k = 5
		}
		d := incFiguresData{Figures: incident.Figures(timings(rows, now), ownOrg(p), p.Org.Country, k), Centre: p.Org.IsCentre(), K: k,
			Names: map[string]string{}}
		if p.Org.IsCentre() {
			d.Figures = incident.Figures(timings(rows, now), 0, "", k)
		}
		settings, err := s.incSettingsOf(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		for _, reg := range settings.All() {
			d.Names[reg.Key] = reg.Name
		}
		return s.page(w, r, "inc.figures.title", d), nil
	})
}

func ownOrg(p *vaern.Principal) int64 {
	if p.Org.IsCentre() {
		return 0
	}
	return p.Org.ID
}

// timings turns the store's rows into the module's, judging each member's independence now.
func timings(rows []store.IncidentTiming, now time.Time) []incident.Timing {
	out := make([]incident.Timing, 0, len(rows))
	since := func(from, to time.Time) time.Duration {
		if to.IsZero() || from.IsZero() {
			return -1
		}
		return to.Sub(from)
	}
	for _, r := range rows {
		t := incident.Timing{OrgID: r.OrgID, Country: r.Country, Independent: results.Independent(r.CentreJoinedAt, now, results.DefaultIndependenceDays),
			Ack: since(r.AwareAt, r.AckAt), Contain: since(r.AwareAt, r.ContainedAt), Steps: map[string]time.Duration{}}
		for k, at := range r.Steps {
			t.Steps[k] = since(r.AwareAt, at)
		}
		out = append(out, t)
	}
	return out
}
