package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// incidentNotice tells a member's coordinators (and the case's handler) that someone reported an
// incident (or that the centre recorded one for them), and the centre's incident people that a
// member reported a case to the centre. The centre's notice names the case only once it is
// reported; before that the centre is told nothing.
func (n *Notifier) incidentNotice(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	id := objectID(c)
	inc, centre, err := tx.IncidentForNotice(ctx, id)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("/incidents/%d", id)
	// A case reported to the centre, or recorded by the centre for the member, is news to the
	// centre's other incident people.
	if c.Action == "incident.report_centre" || c.Action == "incident.centre_record" {
		if centre != 0 {
			all, err := tx.Recipients(ctx, centre)
			if err != nil {
				return err
			}
			k, _ := Lookup(IncidentCentre)
			if _, err := n.Send(ctx, tx, Event{Kind: IncidentCentre, OrgID: centre, Path: path, To: pick(k, all, a.UserID, func(vaern.Recipient) bool { return true }),
				Args: func(vaern.Recipient) []any { return []any{inc.Title, inc.OrgName} }, Data: map[string]any{"incident_id": id}}); err != nil {
				return err
			}
		}
		if c.Action == "incident.report_centre" {
			return nil
		}
	}
	all, err := tx.Recipients(ctx, inc.OrgID)
	if err != nil {
		return err
	}
	k, _ := Lookup(IncidentReported)
	to := pick(k, all, a.UserID, func(r vaern.Recipient) bool { return r.Role == vaern.RoleCoordinator || r.UserID == inc.HandlerID })
	first := "–"
	if !inc.NextDue.IsZero() {
		first = inc.NextDue.In(ZoneOf(inc.Country)).Format("2006-01-02 15:04")
	}
	_, err = n.Send(ctx, tx, Event{Kind: IncidentReported, OrgID: inc.OrgID, Path: path, To: to,
		Args: func(vaern.Recipient) []any { return []any{inc.Title, actorName(all, a), first} },
		Data: map[string]any{"incident_id": id}})
	return err
}

// ZoneOf is a member's time zone for the times in its notices.
func ZoneOf(country string) *time.Location {
	if country == "NO" {
		if l, err := time.LoadLocation("Europe/Oslo"); err == nil {
			return l
		}
	}
	return Zone
}
