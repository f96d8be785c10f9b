package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/testserver"
)

// inDanish sets the fixture user's language to Danish.
func inDanish(t *testing.T, s *testserver.Server, key string, org vaern.Org) {
	t.Helper()
	u := s.Fix.Users[key]
	if err := s.Store.UpdateProfile(context.Background(), actorOf(s, key, org), org.ID, u.ID, u.Name, "da"); err != nil {
		t.Fatal(err)
	}
}

// TestWordsInOneLanguage checks texts that mixed languages or doubled words: an importer error in
// Danish throughout, framework names in the reader's language with the version once.
func TestWordsInOneLanguage(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		f := baselineFor(t, s)
		inDanish(t, s, "A:coordinator", s.Fix.A)
		hc := s.Login(t, "A:coordinator")

		status, body, _ := bcUpload(t, hc, s.URL+"/register/import", "tom.csv", []byte("\r\n,,\r\n"), nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Filen kan ikke læses: filen er tom") || strings.Contains(body, "the file is empty") {
			t.Errorf("empty file: status %d, the message is not Danish throughout:\n%.3000s", status, body)
		}

		nis2, err := s.Store.FrameworkByVersion(ctx, s.Fix.Centre.ID, "nis2-art21", "2024")
		if err != nil {
			t.Fatal(err)
		}
		now := s.Store.Now()
		if _, err := s.Store.CreateRound(ctx, vaern.System("test"), s.Fix.Centre.ID, vaern.Round{Year: now.Year(), FrameworkID: nis2.ID,
			Title: "NIS2-selvevaluering", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour)}, []int64{s.Fix.A.ID}); err != nil {
			t.Fatal(err)
		}
		c := signIn(t, s, "A:coordinator")
		list := c.get("/baseline")
		wantStatus(t, "baseline list", list, http.StatusOK)
		wantContains(t, "baseline list", list.Body, "NIS2 artikel 21 – selvevaluering 2024", "Værn Baseline 2026")
		for _, bad := range []string{"NIS2 Article 21 self-assessment", "Værn Baseline 2026 2026"} {
			if strings.Contains(list.Body, bad) {
				t.Errorf("the Danish list shows %q", bad)
			}
		}
		ov := c.get(fmt.Sprintf("/baseline/%d", f.byOrg[s.Fix.A.ID]))
		if strings.Contains(ov.Body, "Værn Baseline 2026 2026") {
			t.Error("the overview doubles the version")
		}
	})
}

// TestSharedSystemLinksStayInTheCentre checks that a centre user reading a member's shared
// system is offered no link into the member's own register (which would answer "ask your
// coordinator").
func TestSharedSystemLinksStayInTheCentre(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		sys := vaern.System("test")
		if err := s.Store.SetRegisterSharing(ctx, sys, s.Fix.A.ID, vaern.ShareDetails); err != nil {
			t.Fatal(err)
		}
		got, err := s.Store.CreateSystem(ctx, sys, s.Fix.A.ID, vaern.ITSystem{Name: "Borgerportal", Tags: []string{"selvbetjening"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"centre-admin", "centre-analyst"} {
			page := signIn(t, s, role).get(fmt.Sprintf("/centre/register/systems/%d", got.ID))
			wantStatus(t, role, page, http.StatusOK)
			wantContains(t, role, page.Body, "selvbetjening")
			main := page.Body[strings.Index(page.Body, "<main"):]
			if strings.Contains(main, `href="/register/`) {
				t.Errorf("%s: the shared system links into the member's register", role)
			}
		}
	})
}
