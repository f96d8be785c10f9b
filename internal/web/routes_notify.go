package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// notifyRoutes are the notifications: one's own list (every signed-in person), one's e-mail
// settings on the account page, and the member's webhooks (coordinators).
func (s *Server) notifyRoutes() []httpx.Route {
	const get, post = http.MethodGet, http.MethodPost
	in, hooks := vaern.PermSignedIn, vaern.PermManageWebhooks
	return []httpx.Route{
		{Method: get, Pattern: "/notifications", Perm: in, Handler: s.notifications},
		{Method: post, Pattern: "/notifications/read", Perm: in, Handler: s.notificationsReadAll},
		{Method: post, Pattern: "/notifications/{id}/read", Perm: in, Handler: s.notificationRead, IDKind: "notification"},
		{Method: post, Pattern: "/account/notifications", Perm: in, Handler: s.accountNotifications},
		{Method: get, Pattern: "/org/webhooks", Perm: hooks, Handler: s.webhooks},
		{Method: post, Pattern: "/org/webhooks", Perm: hooks, Handler: s.webhookCreate},
		{Method: get, Pattern: "/org/webhooks/{id}", Perm: hooks, Handler: s.webhook, IDKind: "webhook"},
		{Method: post, Pattern: "/org/webhooks/{id}/delete", Perm: hooks, Handler: s.webhookDelete, IDKind: "webhook"},
	}
}
