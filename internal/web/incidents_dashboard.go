package web

import (
	"context"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// incDash is the dashboard's incident card: how many cases are open and the nearest deadline.
type incDash struct {
	Open    int
	Next    *vaern.Deadline
	Title   string // the case of the next deadline
	Country string
	Href    string
}

func (s *Server) incDashboard(ctx context.Context, p *vaern.Principal, now time.Time) (*incDash, error) {
	if !vaern.Can(p.Role, vaern.PermIncidentView) || (p.Org.IsCentre() && !vaern.Can(p.Role, vaern.PermIncidentCentre)) {
		return nil, nil
	}
	v := access.Of(p)
	l, err := s.st.Incidents(ctx, v, vaern.IncidentFilter{Status: "open", Limit: 1})
	if err != nil {
		return nil, err
	}
	d := &incDash{Open: l.Total, Country: p.Org.Country, Href: "/incidents"}
	if p.Org.IsCentre() {
		d.Href = "/centre/incidents"
	}
	next, err := s.st.OpenDeadlines(ctx, v, now, 1)
	if err != nil {
		return nil, err
	}
	if len(next) > 0 {
		d.Next = &next[0]
		c, err := s.st.Incident(ctx, v, next[0].IncidentID)
		if err != nil {
			return nil, err
		}
		d.Title, d.Country = c.Title, c.Country
	}
	return d, nil
}
