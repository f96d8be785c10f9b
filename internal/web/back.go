package web

import (
	"net/http"
	"net/url"
)

// backTo is the page on this site a form was posted from (its Referer), or fallback: actions that do
// not know their page (removing evidence or a delegation) send the user back where they were.
func backTo(r *http.Request, fallback string) string {
	u, err := url.Parse(r.Referer())
	if err != nil || r.Referer() == "" || u.Host != r.Host {
		return fallback
	}
	return u.RequestURI()
}

// ---- coordinator actions ----
