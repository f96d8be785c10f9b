package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// notificationsRoutes: the signed-in person's notifications in the caller's organisation.
func (a *API) notificationsRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/api/v1/notifications", Perm: vaern.PermSignedIn, Handler: a.notifications, API: true,
			Doc: &httpx.Doc{Summary: "The signed-in user's notifications in the caller's organisation, newest first", Tag: "notifications",
				Response: "Notification", Array: true, Params: []httpx.Param{
					{Name: "unread", Description: "true: only the unread ones", Type: "boolean"},
					{Name: "limit", Description: "at most this many (1–500, default 100)", Type: "integer"},
				}}},
	}
}

type notificationJSON struct {
	ID        int64  `json:"id"`
	Kind      string `json:"kind"`
	CreatedAt string `json:"created_at"`
	Read      bool   `json:"read"`
	ReadAt    string `json:"read_at,omitempty"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	URL       string `json:"url"`
}

func (a *API) notifications(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			httpx.WriteError(w, r, vaern.Invalid("limit", "must be a whole number from 1 to 500"))
			return
		}
		limit = n
	}
	unread := false
	if v := q.Get("unread"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			httpx.WriteError(w, r, vaern.Invalid("unread", "must be true or false"))
			return
		}
		unread = b
	}
	ns, err := a.st.Notifications(r.Context(), p.Org.ID, p.User.ID, limit)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := []notificationJSON{}
	for _, n := range ns {
		if unread && n.Read() {
			continue
		}
		x := notificationJSON{ID: n.ID, Kind: n.Kind, CreatedAt: n.CreatedAt.UTC().Format(time.RFC3339), Read: n.Read(),
			Title: n.Title, Body: n.Body, URL: a.link(n.URL)}
		if n.Read() {
			x.ReadAt = n.ReadAt.UTC().Format(time.RFC3339)
		}
		out = append(out, x)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// link makes a path absolute with the public address, so that a script can follow it.
func (a *API) link(path string) string {
	if path == "" {
		return ""
	}
	b := a.cfg.BaseURL
	for len(b) > 0 && b[len(b)-1] == '/' {
		b = b[:len(b)-1]
	}
	return b + path
}
