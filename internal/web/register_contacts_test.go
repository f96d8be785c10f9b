package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/testserver"
)

func init() {
	idKinds["contact"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			counter++
			return fmt.Sprint(regContactOf(t, s, memberOf(s, role), fmt.Sprintf("kontakt%d@ekstern.test.dk", counter)).ID)
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			counter++
			return fmt.Sprint(regContactOf(t, s, s.Fix.B, fmt.Sprintf("kontakt%d@ekstern.test.dk", counter)).ID), true
		},
	}
}

func regContactOf(t *testing.T, s *testserver.Server, org vaern.Org, email string) vaern.Contact {
	t.Helper()
	c, err := s.Store.CreateContact(context.Background(), vaern.System("authz-test"), org.ID, vaern.Contact{Name: "Ekstern Ejer", Email: email})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFlowContactOwner: a coordinator names an owner without an account in the system form (no
// JavaScript: a "new contact" choice and two fields), sees them marked as having no account,
// invites them from the contacts page, and once they accept, the system is the new user's.
func TestFlowContactOwner(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		coord := signIn(t, s, "A:coordinator")
		const addr = "kirsten.lund@leverandor.test.dk"

		wantFieldError(t, "new contact without a name", coord.post("/register/systems",
			form("name", "Aula", "system_owner", "new", "system_owner_new_email", addr)), "system_owner_new_name")
		res := coord.post("/register/systems", form("name", "Aula", "system_owner", "new",
			"system_owner_new_name", "Kirsten Lund", "system_owner_new_email", addr, "data_owner", "new", "data_owner_new_name", "Kirsten Lund",
			"data_owner_new_email", strings.ToUpper(addr)))
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.location(), "/register/systems/") {
			t.Fatalf("create: %d %s\n%s", res.StatusCode, res.location(), res.Body)
		}
		sys, err := s.Store.SystemByName(ctx, s.Fix.A.ID, "Aula")
		if err != nil || sys.SystemOwnerContactID == 0 || sys.DataOwnerContactID != sys.SystemOwnerContactID {
			t.Fatalf("system %+v, %v: want one new contact as both owners", sys, err)
		}
		page := coord.get(res.location())
		wantContains(t, "system page", page.Body, "Kirsten Lund", text(s, "contact.no_account"))
		wantContains(t, "system list", coord.get("/register/systems").Body, "Kirsten Lund", text(s, "contact.no_account"))
		edit := coord.get(fmt.Sprintf("/register/systems/%d/edit", sys.ID))
		wantContains(t, "edit form", edit.Body, fmt.Sprintf(`value="c%d" selected`, sys.SystemOwnerContactID), `name="system_owner_new_name"`)

		// The contacts page invites them with the ordinary invitation.
		list := coord.get("/register/contacts")
		wantStatus(t, "contacts page", list, http.StatusOK)
		wantContains(t, "contacts page", list.Body, "Kirsten Lund", addr, fmt.Sprintf(`action="/register/contacts/%d/invite"`, sys.SystemOwnerContactID))
		wantFieldError(t, "add a contact without a name", coord.post("/register/contacts", form("contact_name", " ")), "contact_name")
		wantRedirect(t, "add a contact", coord.post("/register/contacts", form("contact_name", "Bo Berg")), "/register/contacts")
		wantRedirect(t, "invite", coord.post(fmt.Sprintf("/register/contacts/%d/invite", sys.SystemOwnerContactID), form("role", "respondent")), "/register/contacts")
		mails := mailsTo(t, s, addr)
		if len(mails) != 1 {
			t.Fatalf("%d invitation mails, want 1", len(mails))
		}
		link := linkIn(t, s, mails[0].Body, "/invite/")
		wantRedirect(t, "accept", newClient(t, s).post(link, form("name", "Kirsten Lund", "password", "mit-nye-kodeord", "password2", "mit-nye-kodeord")), "/login")

		u, err := s.Store.UserByEmail(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		sys, err = s.Store.System(ctx, s.Fix.A.ID, sys.ID)
		if err != nil || sys.SystemOwnerID != u.ID || sys.DataOwnerID != u.ID || sys.SystemOwnerContactID != 0 {
			t.Fatalf("after acceptance %+v, %v: want the new user %d as both owners", sys, err, u.ID)
		}
		if strings.Contains(coord.get(fmt.Sprintf("/register/systems/%d", sys.ID)).Body, text(s, "contact.no_account")) {
			t.Fatal("the system page still marks the owner as without an account")
		}
		// The new user may now edit the system they own.
		wantStatus(t, "owner edits", signInAs(t, s, addr, "mit-nye-kodeord").get(fmt.Sprintf("/register/systems/%d/edit", sys.ID)), http.StatusOK)
	})
}

// TestImportDryRunNamesContacts: a file whose owner is not a Værn user is not refused; the dry
// run says the contact it will create, and the import creates it once.
func TestImportDryRunNamesContacts(t *testing.T) {
	t.Parallel()
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		c := s.Login(t, "A:coordinator")
		csv := "Systemnavn;Systemejer;Dataejer\nAula;Ole Ekstern;ole.ekstern@leverandor.test.dk\nOpus;Ole Ekstern;\n"
		st, loc, body := upload(t, c, s.URL+"/register/import", "ejere.csv", []byte(csv))
		if st != http.StatusSeeOther {
			t.Fatalf("upload: %d %.300s", st, body)
		}
		form := url.Values{"col0": {"name"}, "col1": {"system_owner"}, "col2": {"data_owner"}}
		if st, _, _ := postForm(t, c, s.URL+loc+"/check", form); st != http.StatusSeeOther {
			t.Fatalf("check: %d", st)
		}
		_, body = get(t, c, s.URL+loc)
		wantContains(t, "dry run", body, html.EscapeString(text(s, "contact.will_create", "Ole Ekstern")),
			html.EscapeString(text(s, "contact.will_create", "ole.ekstern@leverandor.test.dk")))
		if strings.Contains(body, "is not a person in this organisation") {
			t.Fatalf("the dry run refused an owner outside Værn")
		}
		if n, _ := s.Store.Contacts(context.Background(), s.Fix.A.ID); len(n) != 0 {
			t.Fatalf("the dry run wrote contacts: %+v", n)
		}
	})
}
