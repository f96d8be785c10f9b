package api

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The services API: the centre's service catalogue, and subscriptions (a member's own; the
// centre's people see every subscription to the centre's services).
func (a *API) servicesRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/api/v1/services", Perm: vaern.PermServicesView, Handler: a.serviceList, API: true,
			Doc: &httpx.Doc{Summary: "The centre's service catalogue (offered services)", Tag: "services", Response: "Service", Array: true}},
		{Method: http.MethodGet, Pattern: "/api/v1/services/subscriptions", Perm: vaern.PermServicesView, Handler: a.subscriptionList, API: true,
			Doc: &httpx.Doc{Summary: "A member's subscriptions, live ones first (the centre: every subscription to its services)", Tag: "services",
				Response: "Subscription", Array: true}},
	}
}

// servicesSchemas are the services API's schemas.
func servicesSchemas() map[string]any {
	text := str("")
	nullTime := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	texts := obj(map[string]any{"da": text, "nb": text, "en": text}, "da", "nb", "en")
	return map[string]any{
		"Texts3": texts,
		"Service": obj(map[string]any{"id": integer(), "name": ref("Texts3"), "description": ref("Texts3"),
			"service_level": text, "price_model": text, "contact": text,
			"status": enum(vaern.ServiceOffered, vaern.ServiceRetired), "subscribers": integer()},
			"id", "name", "description", "status", "subscribers"),
		"Subscription": obj(map[string]any{"id": integer(), "service_id": integer(), "service": ref("Texts3"),
			"org_id": integer(), "org": text,
			"status":       enum(vaern.SubRequested, vaern.SubActive, vaern.SubEnding, vaern.SubEnded, vaern.SubDeclined),
			"requested_at": str("date-time"), "since": nullTime, "ended_at": nullTime, "decided_at": nullTime,
			"decision_note": text}, "id", "service_id", "org_id", "status", "requested_at", "since"),
	}
}

type texts3JSON struct {
	Da string `json:"da"`
	Nb string `json:"nb"`
	En string `json:"en"`
}

func toTexts3(t vaern.Texts3) texts3JSON { return texts3JSON{Da: t.Da, Nb: t.Nb, En: t.En} }

type serviceJSON struct {
	ID           int64      `json:"id"`
	Name         texts3JSON `json:"name"`
	Description  texts3JSON `json:"description"`
	ServiceLevel string     `json:"service_level"`
	PriceModel   string     `json:"price_model"`
	Contact      string     `json:"contact"`
	Status       string     `json:"status"`
	Subscribers  int        `json:"subscribers"`
}

type subscriptionJSON struct {
	ID           int64      `json:"id"`
	ServiceID    int64      `json:"service_id"`
	Service      texts3JSON `json:"service"`
	OrgID        int64      `json:"org_id"`
	Org          string     `json:"org"`
	Status       string     `json:"status"`
	RequestedAt  string     `json:"requested_at"`
	Since        *string    `json:"since"`
	EndedAt      *string    `json:"ended_at"`
	DecidedAt    *string    `json:"decided_at"`
	DecisionNote string     `json:"decision_note"`
}

func centreOfPrincipal(p *vaern.Principal) int64 {
	if p.Org.IsCentre() {
		return p.Org.ID
	}
	return p.Org.ParentID
}

func (a *API) serviceList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := a.st.Services(r.Context(), centreOfPrincipal(p), true)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]serviceJSON, 0, len(list))
	for _, v := range list {
		out = append(out, serviceJSON{ID: v.ID, Name: toTexts3(v.Name), Description: toTexts3(v.Description), ServiceLevel: v.ServiceLevel,
			PriceModel: v.PriceModel, Contact: v.Contact, Status: v.Status, Subscribers: v.Active})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) subscriptionList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	var list []vaern.Subscription
	var err error
	if p.Org.IsCentre() {
		list, err = a.st.CentreSubscriptions(r.Context(), p.Org.ID, store.SubscriptionFilter{})
	} else {
		list, err = a.st.Subscriptions(r.Context(), p.Org.ID)
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]subscriptionJSON, 0, len(list))
	for _, x := range list {
		out = append(out, subscriptionJSON{ID: x.ID, ServiceID: x.ServiceID, Service: toTexts3(x.Service), OrgID: x.OrgID, Org: x.OrgName,
			Status: x.Status, RequestedAt: *rfc(x.RequestedAt), Since: rfc(x.Since), EndedAt: rfc(x.EndedAt), DecidedAt: rfc(x.DecidedAt),
			DecisionNote: x.DecisionNote})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
