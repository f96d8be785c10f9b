package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestCentreRecordsIncidentForMember: an analyst records a case for member A through the form;
// A's coordinator finds it among A's cases and is notified; B's coordinator gets 404 on it; a
// missing member is refused naming the field, and nothing is recorded.
func TestCentreRecordsIncidentForMember(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	analyst := s.Login(t, "centre-analyst")
	if st, body := get(t, analyst, s.URL+"/centre/incidents/new"); st != http.StatusOK || !strings.Contains(body, `name="member"`) || !strings.Contains(body, s.Fix.A.Name) {
		t.Fatalf("the centre's form: %d", st)
	}
	form := url.Values{"title": {"C2 beacon seen by the sensor"}, "aware_at": {"2026-12-01T08:30"}, "observables": {"198.51.100.23"}}
	st, _, body := postForm(t, analyst, s.URL+"/centre/incidents", form)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="member-error"`) {
		t.Fatalf("without a member: %d", st)
	}
	form.Set("member", strconv.FormatInt(s.Fix.A.ID, 10))
	st, loc, _ := postForm(t, analyst, s.URL+"/centre/incidents", form)
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/incidents/") {
		t.Fatalf("recording: %d %q", st, loc)
	}
	coord := s.Login(t, "A:coordinator")
	if st, body := get(t, coord, s.URL+"/incidents"); st != http.StatusOK || !strings.Contains(body, "C2 beacon seen by the sensor") {
		t.Fatalf("A's case list: %d", st)
	}
	if st, _ := get(t, coord, s.URL+loc); st != http.StatusOK {
		t.Fatalf("A's coordinator opens the case: %d", st)
	}
	if st, _ := get(t, s.Login(t, "B:coordinator"), s.URL+loc); st != http.StatusNotFound {
		t.Fatalf("B's coordinator opens A's case: %d", st)
	}
	if st, _ := get(t, analyst, s.URL+loc); st != http.StatusOK {
		t.Fatalf("the centre opens the case it recorded: %d", st)
	}
	ns, err := s.Store.Notifications(context.Background(), s.Fix.A.ID, s.Fix.Users["A:coordinator"].ID, 10)
	if err != nil || len(ns) == 0 || ns[0].URL != loc {
		t.Errorf("A's coordinator was not told of the case: %+v %v", ns, err)
	}
	if st, body := get(t, analyst, s.URL+"/centre/incidents"); st != http.StatusOK || strings.Count(body, "C2 beacon seen by the sensor") != 1 {
		t.Errorf("the centre's queue holds the case once (the refused form recorded nothing): %d", st)
	}
}
