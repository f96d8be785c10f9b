package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// sensorRoutes are the member's sensor pages (issue 14, the ingest half): the sensors and their
// health, registering and revoking one (its token shown once), the member's own alerts, and the
// pseudonymisation settings; and for the centre, each member's sensors in counts only.
func (s *Server) sensorRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, manage, centre := vaern.PermSensorsView, vaern.PermSensorsManage, vaern.PermSensorsCentre
	return []httpx.Route{
		{Method: get, Pattern: "/sensors", Perm: view, Handler: s.snList},
		{Method: post, Pattern: "/sensors", Perm: manage, Handler: s.snCreate},
		{Method: post, Pattern: "/sensors/{id}/revoke", Perm: manage, Handler: s.snRevoke, IDKind: "sensor"},
		{Method: get, Pattern: "/sensors/alerts", Perm: view, Handler: s.snAlerts},
		{Method: get, Pattern: "/sensors/settings", Perm: manage, Handler: s.snSettings},
		{Method: post, Pattern: "/sensors/settings", Perm: manage, Handler: s.snSettingsSave},
		{Method: get, Pattern: "/centre/sensors/health", Perm: centre, Handler: s.snCentreHealth},
	}
}

// sensorNav is the module's menu entry.
func sensorNav(p *vaern.Principal) []NavItem {
	if p.Org.IsCentre() {
		if vaern.Can(p.Role, vaern.PermSensorsCentre) {
			return []NavItem{{Href: "/centre/sensors/health", Key: "sn.nav.centre"}}
		}
		return nil
	}
	if vaern.Can(p.Role, vaern.PermSensorsView) {
		return []NavItem{{Href: "/sensors", Key: "sn.nav.sensors"}}
	}
	return nil
}
