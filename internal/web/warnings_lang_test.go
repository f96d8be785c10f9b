package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
	"github.com/vaern/vaern/internal/warnings"
)

// TestWarningsListInReadersLanguage: the member's list of warnings shows the analyst's title in
// the reader's language (Bergen's coordinator reads Norwegian), not the one the analyst wrote first.
func TestWarningsListInReadersLanguage(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ctx := context.Background()
	sys := vaern.System("test")
	if _, err := s.Store.CreateSystem(ctx, sys, s.Fix.B.ID, vaern.ITSystem{Name: "Backup", Vendor: "Veeam", Product: "Backup & Replication", Version: "12.1"}); err != nil {
		t.Fatal(err)
	}
	adv := vaern.Advisory{Source: vaern.SourceCentre, SourceID: "VAERN-T-1", Title: "Veeam Backup & Replication: kritisk fejl", TLP: "GREEN", Audience: "members",
		Texts: map[string]vaern.AdvisoryText{
			"da": {Title: "Veeam Backup & Replication: kritisk fejl"},
			"nb": {Title: "Veeam Backup & Replication: kritisk feil"},
			"en": {Title: "Veeam Backup & Replication: critical flaw"}},
		Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Veeam", Product: "Backup & Replication",
			Versions: []vaern.VersionRange{{Scheme: "generic", Introduced: "12.0", Fixed: "12.2", Expr: ">= 12.0, < 12.2"}}}}}
	saved, err := s.Store.ImportAdvisories(ctx, sys, s.Fix.Centre.ID, []vaern.Advisory{adv}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := warnings.NewRunner(s.Store, false).MatchAdvisories(ctx, []int64{saved[0].ID}); err != nil {
		t.Fatal(err)
	}
	u := s.Fix.Users["B:coordinator"]
	if err := s.Store.UpdateProfile(ctx, sys, s.Fix.B.ID, u.ID, u.Name, "nb"); err != nil {
		t.Fatal(err)
	}
	st, body := get(t, s.Login(t, "B:coordinator"), s.URL+"/warnings")
	if st != http.StatusOK || !strings.Contains(body, "kritisk feil") || strings.Contains(body, "kritisk fejl") {
		t.Fatalf("Bergen's list (%d) does not show the Norwegian title:\n%s", st, body)
	}
}
