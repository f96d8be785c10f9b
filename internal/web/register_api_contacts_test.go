package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/vaern/vaern/internal/testserver"
)

// TestRegisterAPIContactOwners checks that the API shows and sets owners who are contacts (people
// without an account): a new contact as owner, the contact list, an existing contact by id, back
// to a user, refusing a user and a contact for one owner and another member's contact.
func TestRegisterAPIContactOwners(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		tok := createToken(t, signIn(t, s, "A:coordinator"), "script")
		api := newClient(t, s)
		call := func(method, path, body string) *result { t.Helper(); return api.api(method, path, tok, body) }
		type sys struct {
			ID               int64  `json:"id"`
			SystemOwner      string `json:"system_owner"`
			OwnerID          int64  `json:"system_owner_id"`
			OwnerContact     int64  `json:"system_owner_contact_id"`
			DataOwner        string `json:"data_owner"`
			DataOwnerID      int64  `json:"data_owner_id"`
			DataOwnerContact int64  `json:"data_owner_contact_id"`
		}
		type contact struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Email string `json:"email"`
		}
		r := call("POST", "/api/v1/systems", `{"name": "Lønsystem", "system_owner_new_contact": {"name": "Birthe Ejer", "email": "birthe@leverandor.example"}}`)
		wantStatus(t, "create with a new contact", r, http.StatusCreated)
		got := decodeJSON[sys](t, "create", r)
		if got.OwnerContact == 0 || got.OwnerID != 0 || got.SystemOwner != "birthe@leverandor.example" {
			t.Fatalf("created %+v", got)
		}
		r = call("GET", "/api/v1/contacts", "")
		wantStatus(t, "contacts", r, http.StatusOK)
		cs := decodeJSON[[]contact](t, "contacts", r)
		if len(cs) != 1 || cs[0].ID != got.OwnerContact || cs[0].Email != "birthe@leverandor.example" {
			t.Fatalf("contacts %+v", cs)
		}
		// The same contact as data owner, by id; "no user" next to it is fine.
		path := fmt.Sprintf("/api/v1/systems/%d", got.ID)
		r = call("PATCH", path, fmt.Sprintf(`{"data_owner_contact_id": %d, "data_owner_id": 0}`, cs[0].ID))
		wantStatus(t, "contact as data owner", r, http.StatusOK)
		if got = decodeJSON[sys](t, "patch", r); got.DataOwnerContact != cs[0].ID || got.DataOwner != "birthe@leverandor.example" || got.OwnerContact != cs[0].ID {
			t.Fatalf("after patch %+v", got)
		}
		// Both a user and a contact for one owner.
		user := s.Fix.Users["A:respondent"].ID
		wantAPIFieldError(t, "user and contact", call("PATCH", path, fmt.Sprintf(`{"system_owner_id": %d, "system_owner_contact_id": %d}`, user, cs[0].ID)), "system_owner_id")
		// Back to a user: the contact is no longer the owner.
		r = call("PATCH", path, fmt.Sprintf(`{"system_owner_id": %d}`, user))
		wantStatus(t, "user as owner", r, http.StatusOK)
		if got = decodeJSON[sys](t, "patch", r); got.OwnerID != user || got.OwnerContact != 0 {
			t.Fatalf("after setting a user %+v", got)
		}
		// No owner.
		r = call("PATCH", path, `{"data_owner_contact_id": 0}`)
		wantStatus(t, "no data owner", r, http.StatusOK)
		if got = decodeJSON[sys](t, "patch", r); got.DataOwnerContact != 0 || got.DataOwnerID != 0 {
			t.Fatalf("after clearing the data owner %+v", got)
		}
		// Another member's contact is not one of ours.
		tokB := createToken(t, signIn(t, s, "B:coordinator"), "script")
		r = api.api("POST", "/api/v1/systems", tokB, `{"name": "Bergen-system", "system_owner_new_contact": {"name": "Nils Bergen"}}`)
		wantStatus(t, "B's system", r, http.StatusCreated)
		theirs := decodeJSON[sys](t, "B's system", r).OwnerContact
		wantAPIFieldError(t, "another member's contact", call("PATCH", path, fmt.Sprintf(`{"system_owner_contact_id": %d}`, theirs)), "system_owner")
		wantAPIFieldError(t, "a new contact without a name", call("PATCH", path, `{"system_owner_new_contact": {"email": "x@example.org"}}`), "system_owner_new_contact")
	})
}
