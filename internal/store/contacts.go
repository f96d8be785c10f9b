package store

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/vaern/vaern"
)

// Contacts are the people a member names as system or data owners without giving them an account
// (issue 11.9). A contact with an e-mail can be invited; when the invitation is accepted, the
// contact becomes that user and the systems it owned are the user's (claimContacts).

const contactCols = `c.id, c.org_id, c.name, c.email, COALESCE(c.unit_id, 0), COALESCE(un.name, ''), COALESCE(c.user_id, 0), c.created_at`

const contactFrom = ` FROM contacts c LEFT JOIN units un ON un.id = c.unit_id`

func scanContact(r scanner) (vaern.Contact, error) {
	var c vaern.Contact
	var at int64
	err := r.Scan(&c.ID, &c.OrgID, &c.Name, &c.Email, &c.UnitID, &c.UnitName, &c.UserID, &at)
	c.CreatedAt = fromMS(at)
	return c, mapErr(err)
}

// cleanContact trims a contact's fields and checks them: a name is required, an e-mail optional.
func cleanContact(c *vaern.Contact) error {
	c.Name = strings.Join(strings.Fields(c.Name), " ")
	if c.Name == "" {
		return vaern.Invalid("contact_name", "is required")
	}
	if utf8.RuneCountInString(c.Name) > 200 {
		return vaern.Invalid("contact_name", "is too long")
	}
	if strings.TrimSpace(c.Email) != "" {
		e, err := NormalizeEmail(c.Email)
		if err != nil {
			return vaern.Invalid("contact_email", "is not a valid e-mail address")
		}
		c.Email = e
	} else {
		c.Email = ""
	}
	return nil
}

// Contacts lists the organisation's contacts by name.
func (s *Store) Contacts(ctx context.Context, orgID int64) ([]vaern.Contact, error) {
	rows, err := s.query(ctx, "SELECT "+contactCols+contactFrom+" WHERE c.org_id = ? ORDER BY LOWER(c.name), c.id", orgID)
	return collect(rows, err, scanContact)
}

// Contact returns one of the organisation's contacts; another organisation's is ErrNotFound.
func (s *Store) Contact(ctx context.Context, orgID, id int64) (vaern.Contact, error) {
	return scanContact(s.queryRow(ctx, "SELECT "+contactCols+contactFrom+" WHERE c.org_id = ? AND c.id = ?", orgID, id))
}

// CreateContact adds a contact to the organisation.
func (s *Store) CreateContact(ctx context.Context, a vaern.Actor, orgID int64, c vaern.Contact) (vaern.Contact, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		c, err = tx.createContact(ctx, a, orgID, c)
		return err
	})
	return c, err
}

func (t *Tx) createContact(ctx context.Context, a vaern.Actor, orgID int64, c vaern.Contact) (vaern.Contact, error) {
	if err := cleanContact(&c); err != nil {
		return c, err
	}
	if c.UnitID != 0 && t.unitExists(ctx, orgID, c.UnitID) != nil {
		return c, vaern.Invalid("contact_unit", "is not a unit of this organisation")
	}
	now := t.s.now()
	id, err := t.insert(ctx, "INSERT INTO contacts (org_id, name, email, unit_id, created_at) VALUES (?, ?, ?, ?, ?)",
		orgID, c.Name, c.Email, nullID(c.UnitID), ms(now))
	if isConflict(err) {
		return c, vaern.Invalid("contact_email", "is already another contact's")
	}
	if err != nil {
		return c, err
	}
	c.ID, c.OrgID, c.CreatedAt = id, orgID, now
	return c, t.Audit(ctx, a, Change{OrgID: orgID, Action: "contact.create", ObjectType: "contact", ObjectID: id,
		Detail: map[string]any{"name": c.Name, "email": c.Email}})
}

// ownerContact finds the contact c names (by e-mail, else by a name only one contact has) or
// creates it: the import's unknown owner and the system form's new contact.
func (t *Tx) ownerContact(ctx context.Context, a vaern.Actor, orgID int64, c vaern.Contact) (int64, error) {
	if err := cleanContact(&c); err != nil {
		return 0, err
	}
	var ids []int64
	q, arg := "SELECT id FROM contacts WHERE org_id = ? AND LOWER(name) = ?", strings.ToLower(c.Name)
	if c.Email != "" {
		q, arg = "SELECT id FROM contacts WHERE org_id = ? AND email = ?", c.Email
	}
	rows, err := t.query(ctx, q, orgID, arg)
	ids, err = collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
	if err != nil {
		return 0, err
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	if len(ids) > 1 {
		return 0, vaern.Invalid("contact_name", "is shared by several contacts: give the e-mail")
	}
	nc, err := t.createContact(ctx, a, orgID, c)
	return nc.ID, err
}

// claimContacts makes user the owner of every system the organisation's contacts with that
// e-mail owned, and marks the contacts as that user: an invited contact who accepts becomes the
// user, inside the acceptance's transaction.
func (t *Tx) claimContacts(ctx context.Context, a vaern.Actor, orgID, userID int64, email string) error {
	rows, err := t.query(ctx, "SELECT id FROM contacts WHERE org_id = ? AND email = ? AND user_id IS NULL", orgID, strings.ToLower(email))
	ids, err := collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
	if err != nil {
		return err
	}
	for _, id := range ids {
		moved := 0
		for _, col := range [][2]string{{"system_owner_id", "system_owner_contact_id"}, {"data_owner_id", "data_owner_contact_id"}} {
			res, err := t.exec(ctx, "UPDATE systems SET "+col[0]+" = ?, "+col[1]+" = NULL, updated_at = ? WHERE org_id = ? AND "+col[1]+" = ?",
				userID, ms(t.s.now()), orgID, id)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			moved += int(n)
		}
		if _, err := t.exec(ctx, "UPDATE contacts SET user_id = ? WHERE org_id = ? AND id = ?", userID, orgID, id); err != nil {
			return err
		}
		if err := t.Audit(ctx, a, Change{OrgID: orgID, Action: "contact.claimed", ObjectType: "contact", ObjectID: id,
			Detail: map[string]any{"user_id": userID, "systems": moved}}); err != nil {
			return err
		}
	}
	return nil
}

// resolveOwners turns the new contacts a system names into contact ids and checks that an owner
// is a user or a contact, never both.
func (t *Tx) resolveOwners(ctx context.Context, a vaern.Actor, orgID int64, s *vaern.ITSystem) error {
	for _, o := range []struct {
		field   string
		user    *int64
		contact *int64
		nc      **vaern.Contact
	}{{"system_owner", &s.SystemOwnerID, &s.SystemOwnerContactID, &s.NewSystemOwner},
		{"data_owner", &s.DataOwnerID, &s.DataOwnerContactID, &s.NewDataOwner}} {
		if *o.nc != nil {
			c := **o.nc
			if c.UnitID == 0 {
				c.UnitID = s.UnitID // a new contact belongs to the unit of the system it owns, as the import's row says
			}
			id, err := t.ownerContact(ctx, a, orgID, c)
			if err != nil {
				return err
			}
			*o.contact, *o.user, *o.nc = id, 0, nil
		}
		if *o.user != 0 && *o.contact != 0 {
			return vaern.Invalid(o.field, "is either a user or a contact, not both")
		}
		if *o.contact != 0 {
			var x int64
			if mapErr(t.queryRow(ctx, "SELECT id FROM contacts WHERE org_id = ? AND id = ?", orgID, *o.contact).Scan(&x)) != nil {
				return vaern.Invalid(o.field, "is not a contact of this organisation")
			}
		}
	}
	return nil
}
