-- Owners outside Værn (issue 11.9): a contact is a person a member names as a system or data owner
-- without giving them an account. An e-mail, when given, is one contact's per member (lower-cased);
-- user_id is set when the contact accepted an invitation and became that user.
CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL DEFAULT '',
    unit_id    INTEGER REFERENCES units(id) ON DELETE SET NULL,
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX contacts_org ON contacts(org_id, name);
CREATE UNIQUE INDEX contacts_email ON contacts(org_id, email) WHERE email <> '';

-- An owner is a user or a contact, never both (the store checks it in the write's transaction).
ALTER TABLE systems ADD COLUMN system_owner_contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL;
ALTER TABLE systems ADD COLUMN data_owner_contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL;
