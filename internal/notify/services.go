package notify

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// subscriptionNotice tells the other side of a subscription what happened: the centre's admins
// that a member asked for a service or to end one, the member's coordinators that the centre
// approved or declined. Each text names the service in the recipient's language.
func (n *Notifier) subscriptionNotice(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	x, centre, err := tx.SubscriptionForNotice(ctx, objectID(c))
	if err != nil {
		return err
	}
	switch c.Action {
	case "subscription.request", "subscription.end":
		all, err := tx.Recipients(ctx, centre)
		if err != nil {
			return err
		}
		k, _ := Lookup(ServiceRequest)
		what := "nt.services.asked_start"
		if c.Action == "subscription.end" {
			what = "nt.services.asked_end"
		}
		_, err = n.Send(ctx, tx, Event{Kind: ServiceRequest, OrgID: centre, Path: "/centre/services/requests",
			To: pick(k, all, a.UserID, func(vaern.Recipient) bool { return true }),
			Args: func(r vaern.Recipient) []any {
				return []any{x.OrgName, x.Service.In(r.Lang), n.cat.For(r.Lang).T(what), x.RequestNote}
			},
			Data: map[string]any{"subscription_id": x.ID, "service_id": x.ServiceID, "member": x.OrgID, "status": x.Status}})
		return err
	}
	all, err := tx.Recipients(ctx, x.OrgID)
	if err != nil {
		return err
	}
	k, _ := Lookup(ServiceDecision)
	_, err = n.Send(ctx, tx, Event{Kind: ServiceDecision, OrgID: x.OrgID, Path: "/services", To: Coordinators(k, all, a.UserID),
		Args: func(r vaern.Recipient) []any {
			return []any{x.Service.In(r.Lang), n.cat.For(r.Lang).T("svc.status." + x.Status), x.DecisionNote}
		},
		Data: map[string]any{"subscription_id": x.ID, "service_id": x.ServiceID, "status": x.Status}})
	return err
}
