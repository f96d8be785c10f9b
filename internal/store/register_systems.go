package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

const systemCols = `s.id, s.org_id, s.name, s.description,
	COALESCE(s.system_owner_id, 0), COALESCE(uo.name, co.name, ''), COALESCE(uo.email, co.email, ''),
	COALESCE(s.data_owner_id, 0), COALESCE(ud.name, cd.name, ''), COALESCE(ud.email, cd.email, ''),
	COALESCE(s.system_owner_contact_id, 0), COALESCE(s.data_owner_contact_id, 0),
	COALESCE(s.unit_id, 0), COALESCE(un.name, ''),
	s.vendor, s.product, s.version, s.cpe, s.purl, s.hosting, s.supplier, s.dpa_status, s.dpa_date, s.dpa_review,
	s.personal_data, s.confidentiality, s.integrity, s.availability, s.rto_minutes, s.rpo_minutes, s.internet_exposed,
	s.tags, s.notes, s.ai_use, s.ai_purpose, s.ai_supplier, s.ai_dpa_covered, s.ai_checked,
	s.components, s.created_at, s.updated_at`

const systemFrom = ` FROM systems s
	LEFT JOIN users uo ON uo.id = s.system_owner_id
	LEFT JOIN users ud ON ud.id = s.data_owner_id
	LEFT JOIN contacts co ON co.id = s.system_owner_contact_id
	LEFT JOIN contacts cd ON cd.id = s.data_owner_contact_id
	LEFT JOIN units un ON un.id = s.unit_id`

func scanSystem(r scanner) (vaern.ITSystem, error) {
	var s vaern.ITSystem
	var hosting, dpa, tags string
	var aiUse string
	var dpaDate, dpaReview, aiChecked, rto, rpo, c, m int64
	err := r.Scan(&s.ID, &s.OrgID, &s.Name, &s.Description,
		&s.SystemOwnerID, &s.SystemOwnerName, &s.SystemOwnerMail,
		&s.DataOwnerID, &s.DataOwnerName, &s.DataOwnerMail,
		&s.SystemOwnerContactID, &s.DataOwnerContactID,
		&s.UnitID, &s.UnitName,
		&s.Vendor, &s.Product, &s.Version, &s.CPE, &s.PURL, &hosting, &s.Supplier, &dpa, &dpaDate, &dpaReview,
		&s.PersonalData, &s.Confidentiality, &s.Integrity, &s.Availability, &rto, &rpo, &s.InternetExposed,
		&tags, &s.Notes, &aiUse, &s.AIPurpose, &s.AISupplier, &s.AIDPACovered, &aiChecked,
		&s.Components, &c, &m)
	s.AIUse, s.AIChecked = vaern.AIUse(aiUse), fromMS(aiChecked)
	s.Hosting, s.DPAStatus = vaern.Hosting(hosting), vaern.DPAStatus(dpa)
	s.DPADate, s.DPAReview = fromMS(dpaDate), fromMS(dpaReview)
	s.RTO, s.RPO = time.Duration(rto)*time.Minute, time.Duration(rpo)*time.Minute
	s.Tags = splitTags(tags)
	s.CreatedAt, s.UpdatedAt = fromMS(c), fromMS(m)
	return s, mapErr(err)
}

func splitTags(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "," + strings.Join(tags, ",") + ","
}

// checkSystemRefs makes sure the owners and the unit belong to the organisation.
func (t *Tx) checkSystemRefs(ctx context.Context, a vaern.Actor, orgID int64, s *vaern.ITSystem) error {
	if err := t.resolveOwners(ctx, a, orgID, s); err != nil {
		return err
	}
	if s.SystemOwnerID != 0 && t.memberOf(ctx, orgID, s.SystemOwnerID) != nil {
		return vaern.Invalid("system_owner", "is not a person in this organisation")
	}
	if s.DataOwnerID != 0 && t.memberOf(ctx, orgID, s.DataOwnerID) != nil {
		return vaern.Invalid("data_owner", "is not a person in this organisation")
	}
	if s.UnitID != 0 && t.unitExists(ctx, orgID, s.UnitID) != nil {
		return vaern.Invalid("unit", "is not a unit of this organisation")
	}
	return nil
}

// mayEditSystem enforces ownership: a coordinator (or Værn itself) may change every system of the
// organisation, a respondent only those they own as system owner or data owner.
func (t *Tx) mayEditSystem(ctx context.Context, a vaern.Actor, orgID, id int64) (vaern.ITSystem, error) {
	s, err := scanSystem(t.queryRow(ctx, "SELECT "+systemCols+systemFrom+" WHERE s.org_id = ? AND s.id = ?", orgID, id))
	if err != nil {
		return s, err
	}
	switch a.Role {
	case "", vaern.RoleCoordinator:
		return s, nil
	case vaern.RoleRespondent:
		if s.OwnedBy(a.UserID) {
			return s, nil
		}
	}
	return s, vaern.ErrForbidden
}

// MayEditSystem reports whether the actor may change system id (for showing or hiding controls).
func MayEditSystem(a vaern.Actor, s vaern.ITSystem) bool {
	return a.Role == vaern.RoleCoordinator || (a.Role == vaern.RoleRespondent && s.OwnedBy(a.UserID))
}

// CreateSystem adds a system to the organisation's register.
func (s *Store) CreateSystem(ctx context.Context, a vaern.Actor, orgID int64, sys vaern.ITSystem) (vaern.ITSystem, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		sys, err = tx.CreateSystem(ctx, a, orgID, sys)
		return err
	})
	return sys, err
}

// CreateSystem is CreateSystem inside a transaction (imports, seeding).
func (t *Tx) CreateSystem(ctx context.Context, a vaern.Actor, orgID int64, sys vaern.ITSystem) (vaern.ITSystem, error) {
	if err := t.s.rules.Register.CleanSystem(&sys); err != nil {
		return sys, err
	}
	if err := t.checkSystemRefs(ctx, a, orgID, &sys); err != nil {
		return sys, err
	}
	now := t.s.now()
	sys.OrgID, sys.CreatedAt, sys.UpdatedAt, sys.Components = orgID, now, now, 0
	id, err := t.insert(ctx, `INSERT INTO systems (org_id, name, name_key, description, system_owner_id, data_owner_id,
		system_owner_contact_id, data_owner_contact_id, unit_id, vendor, product, version, cpe, purl, hosting, supplier, dpa_status, dpa_date, dpa_review, personal_data,
		confidentiality, integrity, availability, rto_minutes, rpo_minutes, internet_exposed, tags, notes,
		ai_use, ai_purpose, ai_supplier, ai_dpa_covered, ai_checked, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		orgID, sys.Name, t.s.rules.Register.NameKey(sys.Name), sys.Description, nullID(sys.SystemOwnerID), nullID(sys.DataOwnerID),
		nullID(sys.SystemOwnerContactID), nullID(sys.DataOwnerContactID), nullID(sys.UnitID),
		sys.Vendor, sys.Product, sys.Version, sys.CPE, sys.PURL, string(sys.Hosting), sys.Supplier, string(sys.DPAStatus),
		ms(sys.DPADate), ms(sys.DPAReview), sys.PersonalData, sys.Confidentiality, sys.Integrity, sys.Availability,
		int64(sys.RTO/time.Minute), int64(sys.RPO/time.Minute), sys.InternetExposed, joinTags(sys.Tags), sys.Notes,
		string(sys.AIUse), sys.AIPurpose, sys.AISupplier, sys.AIDPACovered, ms(sys.AIChecked), ms(now), ms(now))
	if isConflict(err) {
		return sys, vaern.Invalid("name", "is already used by another system")
	}
	if err != nil {
		return sys, err
	}
	sys.ID = id
	if sys.Vendor != "" || sys.Product != "" || sys.CPE != "" || sys.PURL != "" {
		if err := t.warnSystemChanged(ctx, orgID, id); err != nil {
			return sys, err
		}
	}
	return sys, t.Audit(ctx, a, Change{OrgID: orgID, Action: "system.create", ObjectType: "system", ObjectID: id,
		Detail: map[string]any{"name": sys.Name}})
}

// UpdateSystem saves a system's fields. A respondent may only change systems they own.
func (s *Store) UpdateSystem(ctx context.Context, a vaern.Actor, orgID int64, sys vaern.ITSystem) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.UpdateSystem(ctx, a, orgID, sys) })
}

// PatchSystem changes the fields rec sets on system id and leaves every other field as it is, so
// that a form or API call that sends only some fields never blanks the rest (issue 9.4). The
// current row is read inside the transaction, so two patches of different fields both stick. It
// returns the system as saved.
func (s *Store) PatchSystem(ctx context.Context, a vaern.Actor, orgID, id int64, rec vaern.SystemRecord) (vaern.ITSystem, error) {
	var out vaern.ITSystem
	err := s.Write(ctx, func(tx *Tx) error {
		old, err := tx.mayEditSystem(ctx, a, orgID, id)
		if err != nil {
			return err
		}
		out = old
		tx.s.rules.Register.Apply(&out, rec)
		return tx.UpdateSystem(ctx, a, orgID, out)
	})
	if err != nil {
		return out, err
	}
	return s.System(ctx, orgID, id)
}

// UpdateSystem is UpdateSystem inside a transaction.
func (t *Tx) UpdateSystem(ctx context.Context, a vaern.Actor, orgID int64, sys vaern.ITSystem) error {
	old, err := t.mayEditSystem(ctx, a, orgID, sys.ID)
	if err != nil {
		return err
	}
	if err := t.s.rules.Register.CleanSystem(&sys); err != nil {
		return err
	}
	if err := t.checkSystemRefs(ctx, a, orgID, &sys); err != nil {
		return err
	}
	changes := t.s.rules.Register.Diff(old, sys)
	if len(changes) == 0 {
		return nil
	}
	_, err = t.exec(ctx, `UPDATE systems SET name = ?, name_key = ?, description = ?, system_owner_id = ?, data_owner_id = ?,
		system_owner_contact_id = ?, data_owner_contact_id = ?, unit_id = ?, vendor = ?, product = ?, version = ?, cpe = ?, purl = ?, hosting = ?, supplier = ?, dpa_status = ?,
		dpa_date = ?, dpa_review = ?, personal_data = ?, confidentiality = ?, integrity = ?, availability = ?,
		rto_minutes = ?, rpo_minutes = ?, internet_exposed = ?, tags = ?, notes = ?,
		ai_use = ?, ai_purpose = ?, ai_supplier = ?, ai_dpa_covered = ?, ai_checked = ?, updated_at = ?
		WHERE org_id = ? AND id = ?`,
		sys.Name, t.s.rules.Register.NameKey(sys.Name), sys.Description, nullID(sys.SystemOwnerID), nullID(sys.DataOwnerID),
		nullID(sys.SystemOwnerContactID), nullID(sys.DataOwnerContactID), nullID(sys.UnitID),
		sys.Vendor, sys.Product, sys.Version, sys.CPE, sys.PURL, string(sys.Hosting), sys.Supplier, string(sys.DPAStatus),
		ms(sys.DPADate), ms(sys.DPAReview), sys.PersonalData, sys.Confidentiality, sys.Integrity, sys.Availability,
		int64(sys.RTO/time.Minute), int64(sys.RPO/time.Minute), sys.InternetExposed, joinTags(sys.Tags), sys.Notes,
		string(sys.AIUse), sys.AIPurpose, sys.AISupplier, sys.AIDPACovered, ms(sys.AIChecked),
		ms(t.s.now()), orgID, sys.ID)
	if err := mapErr(err); isConflict(err) {
		return vaern.Invalid("name", "is already used by another system")
	} else if err != nil {
		return err
	}
	if identityChanged(old, sys) {
		if err := t.warnSystemChanged(ctx, orgID, sys.ID); err != nil {
			return err
		}
	}
	return t.Audit(ctx, a, Change{OrgID: orgID, Action: "system.update", ObjectType: "system", ObjectID: sys.ID, Detail: changes})
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// DeleteSystem removes a system with its components and risk assessments.
func (s *Store) DeleteSystem(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		old, err := tx.mayEditSystem(ctx, a, orgID, id)
		if err != nil {
			return err
		}
		// Children first: not every engine setting cascades.
		if _, err := tx.exec(ctx, `DELETE FROM treatments WHERE org_id = ? AND assessment_id IN
			(SELECT id FROM risk_assessments WHERE org_id = ? AND system_id = ?)`, orgID, orgID, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM risk_reminders WHERE assessment_id IN
			(SELECT id FROM risk_assessments WHERE org_id = ? AND system_id = ?)`, orgID, id); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM risk_assessments WHERE org_id = ? AND system_id = ?",
			"DELETE FROM components WHERE org_id = ? AND system_id = ?",
			"DELETE FROM exposure_events WHERE org_id = ? AND system_id = ?",
			"DELETE FROM exposures WHERE org_id = ? AND system_id = ?"} {
			if _, err := tx.exec(ctx, q, orgID, id); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "DELETE FROM systems WHERE org_id = ? AND id = ?", orgID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "system.delete", ObjectType: "system", ObjectID: id,
			Detail: map[string]any{"name": old.Name}})
	})
}

// System returns one of the organisation's systems.
func (s *Store) System(ctx context.Context, orgID, id int64) (vaern.ITSystem, error) {
	return scanSystem(s.queryRow(ctx, "SELECT "+systemCols+systemFrom+" WHERE s.org_id = ? AND s.id = ?", orgID, id))
}

// SystemByName finds one of the organisation's systems by name, ignoring case.
func (s *Store) SystemByName(ctx context.Context, orgID int64, name string) (vaern.ITSystem, error) {
	return scanSystem(s.queryRow(ctx, "SELECT "+systemCols+systemFrom+" WHERE s.org_id = ? AND s.name_key = ?", orgID, s.rules.Register.NameKey(name)))
}

// sortColumns are the orders a list may be sorted in; the id keeps equal keys in a stable order.
var sortColumns = map[string]string{
	"name":        "s.name_key",
	"vendor":      "LOWER(s.vendor)",
	"product":     "LOWER(s.product)",
	"unit":        "LOWER(COALESCE(un.name, ''))",
	"owner":       "LOWER(COALESCE(uo.name, co.name, ''))",
	"criticality": "CASE WHEN s.confidentiality >= s.integrity AND s.confidentiality >= s.availability THEN s.confidentiality WHEN s.integrity >= s.availability THEN s.integrity ELSE s.availability END",
	"updated":     "s.updated_at",
}

// systemRule is the access rule of a register's systems: the owning member's own people, and the
// centre when the member shares the details of its register with it.
var systemRule = access.Table{Owner: "s.org_id",
	Shared: "EXISTS (SELECT 1 FROM orgs so WHERE so.id = s.org_id AND so.register_sharing = 'details')"}

// ownerView is the register's owner looking at its own systems.
func ownerView(orgID int64) access.Principal {
	return access.ForOrg(vaern.Org{ID: orgID, Kind: vaern.OrgMember})
}

// systemWhere builds the WHERE clause of a filter over orgID's register as viewer sees it: the
// access rule and the organisation come first, always.
func systemWhere(viewer access.Principal, orgID int64, f vaern.SystemFilter, now time.Time) (string, []any) {
	rule := access.Where(viewer, systemRule)
	where := []string{rule.SQL, "s.org_id = ?"}
	args := append(rule.Args, orgID)
	if q := strings.ToLower(strings.TrimSpace(f.Search)); q != "" {
		like := "%" + escapeLike(q) + "%"
		where = append(where, `(s.name_key LIKE ? ESCAPE '\' OR LOWER(s.vendor) LIKE ? ESCAPE '\' OR LOWER(s.product) LIKE ? ESCAPE '\'
			OR LOWER(s.supplier) LIKE ? ESCAPE '\' OR s.tags LIKE ? ESCAPE '\' OR LOWER(s.description) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like, like, like)
	}
	if f.UnitID != 0 {
		where = append(where, "s.unit_id = ?")
		args = append(args, f.UnitID)
	}
	if f.OwnerID != 0 {
		where = append(where, "(s.system_owner_id = ? OR s.data_owner_id = ?)")
		args = append(args, f.OwnerID, f.OwnerID)
	}
	if f.Hosting != "" {
		where = append(where, "s.hosting = ?")
		args = append(args, string(f.Hosting))
	}
	if t := strings.ToLower(strings.TrimSpace(f.Tag)); t != "" {
		where = append(where, `s.tags LIKE ? ESCAPE '\'`)
		args = append(args, "%,"+escapeLike(t)+",%")
	}
	if f.PersonalData != 0 {
		where = append(where, "(s.personal_data & ?) <> 0")
		args = append(args, f.PersonalData)
	}
	if f.MinCrit > 0 {
		where = append(where, "(s.confidentiality >= ? OR s.integrity >= ? OR s.availability >= ?)")
		args = append(args, f.MinCrit, f.MinCrit, f.MinCrit)
	}
	if f.Exposed {
		where = append(where, "s.internet_exposed = ?")
		args = append(args, true)
	}
	if f.NoOwner {
		where = append(where, "((s.system_owner_id IS NULL AND s.system_owner_contact_id IS NULL) OR (s.data_owner_id IS NULL AND s.data_owner_contact_id IS NULL))")
	}
	if f.DPAInvalid {
		where = append(where, "NOT (s.dpa_status = 'not_needed' OR (s.dpa_status = 'signed' AND (s.dpa_review = 0 OR s.dpa_review >= ?)))")
		args = append(args, ms(now))
	}
	if f.AIUnchecked {
		where = append(where, "s.ai_use IN ('feature', 'purpose') AND (s.ai_dpa_covered = ? OR s.ai_checked = 0)")
		args = append(args, false)
	}
	if f.OverdueReview {
		where = append(where, "EXISTS (SELECT 1 FROM risk_assessments r WHERE r.org_id = s.org_id AND r.system_id = s.id AND r.next_review > 0 AND r.next_review < ?)")
		args = append(args, ms(now))
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Systems lists the organisation's systems that pass the filter, sorted and paged, with the number
// of systems that pass it in all.
func (s *Store) Systems(ctx context.Context, orgID int64, f vaern.SystemFilter) ([]vaern.ITSystem, int, error) {
	return s.SystemsSeen(ctx, ownerView(orgID), orgID, f)
}

// SystemsSeen is Systems of orgID's register as viewer may see it: the whole register for its own
// organisation, the shared details for the centre, nothing for anyone else.
func (s *Store) SystemsSeen(ctx context.Context, viewer access.Principal, orgID int64, f vaern.SystemFilter) ([]vaern.ITSystem, int, error) {
	where, args := systemWhere(viewer, orgID, f, s.now())
	var total int
	if err := s.queryRow(ctx, "SELECT COUNT(*)"+systemFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	key, desc := strings.CutPrefix(f.Sort, "-")
	col, ok := sortColumns[key]
	if !ok {
		col = sortColumns["name"]
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	q := "SELECT " + systemCols + systemFrom + where + " ORDER BY " + col + dir + ", s.id" + dir
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit) + " OFFSET " + strconv.Itoa(max(f.Offset, 0))
	}
	rows, err := s.query(ctx, q, args...)
	list, err := collect(rows, err, scanSystem)
	return list, total, err
}

// Tags lists the tags used in the organisation's register.
func (s *Store) RegisterTags(ctx context.Context, orgID int64) ([]string, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT tags FROM systems WHERE org_id = ? AND tags <> ''", orgID)
	all, err := collect(rows, err, func(r scanner) (string, error) {
		var t string
		return t, r.Scan(&t)
	})
	return vaern.NormalizeTags(all), err
}

// SystemHistory lists the audit rows about one system, newest first.
func (s *Store) SystemHistory(ctx context.Context, orgID, id int64, limit int) ([]vaern.AuditEntry, error) {
	rows, err := s.query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE org_id = ? AND object_type = 'system' AND object_id = ?
		ORDER BY id DESC LIMIT ?`, orgID, strconv.FormatInt(id, 10), limit)
	return collect(rows, err, scanAudit)
}

// ReplaceComponents swaps a system's components for comps in one transaction: a re-import
// replaces the set whole, and a failed one leaves the old set.
func (s *Store) ReplaceComponents(ctx context.Context, a vaern.Actor, orgID, systemID int64, comps []vaern.Component, source string) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.ReplaceComponents(ctx, a, orgID, systemID, comps, source) })
}

// ReplaceComponents is ReplaceComponents inside a transaction.
func (t *Tx) ReplaceComponents(ctx context.Context, a vaern.Actor, orgID, systemID int64, comps []vaern.Component, source string) error {
	if _, err := t.mayEditSystem(ctx, a, orgID, systemID); err != nil {
		return err
	}
	var before int
	if err := t.queryRow(ctx, "SELECT components FROM systems WHERE org_id = ? AND id = ?", orgID, systemID).Scan(&before); err != nil {
		return mapErr(err)
	}
	// An SBOM that lists nothing (an SPDX file that describes only its own package) would wipe
	// the components silently; removing them all takes ClearComponents, which the person confirms.
	if len(comps) == 0 && before > 0 {
		return &RemoveAllError{Components: before}
	}
	return t.writeComponents(ctx, a, orgID, systemID, before, comps, source)
}

// RemoveAllError refuses to replace a system's components with none.
type RemoveAllError struct{ Components int }

func (e *RemoveAllError) Error() string {
	return fmt.Sprintf("the SBOM lists no components; replacing would remove all %d components of the system", e.Components)
}

// ClearComponents removes all of a system's components, as the person confirmed after seeing that
// the SBOM they uploaded lists none. expect is the number of components they were told would go:
// when it no longer matches (someone imported meanwhile), nothing is removed and the answer is
// ErrConflict.
func (s *Store) ClearComponents(ctx context.Context, a vaern.Actor, orgID, systemID int64, expect int, source string) error {
	return s.Write(ctx, func(t *Tx) error {
		if _, err := t.mayEditSystem(ctx, a, orgID, systemID); err != nil {
			return err
		}
		var before int
		if err := t.queryRow(ctx, "SELECT components FROM systems WHERE org_id = ? AND id = ?", orgID, systemID).Scan(&before); err != nil {
			return mapErr(err)
		}
		if before != expect {
			return vaern.ErrConflict
		}
		return t.writeComponents(ctx, a, orgID, systemID, before, nil, source)
	})
}

func (t *Tx) writeComponents(ctx context.Context, a vaern.Actor, orgID, systemID int64, before int, comps []vaern.Component, source string) error {
	if _, err := t.exec(ctx, "DELETE FROM components WHERE org_id = ? AND system_id = ?", orgID, systemID); err != nil {
		return err
	}
	// Many rows per statement: an SBOM of thousands of components is one round trip per batch.
	const batch = 200
	for i := 0; i < len(comps); i += batch {
		part := comps[i:min(i+batch, len(comps))]
		var b strings.Builder
		b.WriteString("INSERT INTO components (org_id, system_id, name, version, purl, cpe, licence, kind) VALUES ")
		args := make([]any, 0, len(part)*8)
		for j, c := range part {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, orgID, systemID, c.Name, c.Version, c.PURL, c.CPE, c.Licence, c.Kind)
		}
		if _, err := t.tx.ExecContext(ctx, t.s.rebind(b.String()), args...); err != nil {
			return fmt.Errorf("insert components: %w", err)
		}
	}
	if _, err := t.exec(ctx, "UPDATE systems SET components = ?, updated_at = ? WHERE org_id = ? AND id = ?",
		len(comps), ms(t.s.now()), orgID, systemID); err != nil {
		return err
	}
	if err := t.warnSystemChanged(ctx, orgID, systemID); err != nil {
		return err
	}
	return t.Audit(ctx, a, Change{OrgID: orgID, Action: "system.components", ObjectType: "system", ObjectID: systemID,
		Detail: map[string]any{"before": before, "after": len(comps), "source": source}})
}

// Components lists a system's components by name.
func (s *Store) Components(ctx context.Context, orgID, systemID int64) ([]vaern.Component, error) {
	rows, err := s.query(ctx, `SELECT id, system_id, name, version, purl, cpe, licence, kind FROM components
		WHERE org_id = ? AND system_id = ? ORDER BY LOWER(name), version, id`, orgID, systemID)
	return collect(rows, err, func(r scanner) (vaern.Component, error) {
		var c vaern.Component
		return c, r.Scan(&c.ID, &c.SystemID, &c.Name, &c.Version, &c.PURL, &c.CPE, &c.Licence, &c.Kind)
	})
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created, Updated, Unchanged int
}

// PlanImport says what importing the checked records would do to the register as it is now:
// which systems would be created, which updated (and in which fields) and which left unchanged.
// It writes nothing; the import itself follows the same plan, so the two cannot disagree.
func (s *Store) PlanImport(ctx context.Context, orgID int64, recs []vaern.SystemRecord) (vaern.ImportPlan, error) {
	rows, err := s.query(ctx, "SELECT "+systemCols+systemFrom+" WHERE s.org_id = ?", orgID)
	list, err := collect(rows, err, scanSystem)
	if err != nil {
		return vaern.ImportPlan{}, err
	}
	return s.rules.Register.MakePlan(list, recs), nil
}

// ImportSystems writes checked spreadsheet records in one transaction: a record whose name the
// register already has updates that system (only the columns the file has), any other creates
// one. Either every row is written or none. progress, if set, is told how far it has come.
func (s *Store) ImportSystems(ctx context.Context, a vaern.Actor, orgID int64, recs []vaern.SystemRecord, source string, progress func(done, total int)) (ImportResult, error) {
	var res ImportResult
	err := s.Write(ctx, func(tx *Tx) error {
		res = ImportResult{}
		rows, err := tx.query(ctx, "SELECT "+systemCols+systemFrom+" WHERE s.org_id = ?", orgID)
		list, err := collect(rows, err, scanSystem)
		if err != nil {
			return err
		}
		plan := s.rules.Register.MakePlan(list, recs)
		for i, e := range plan.Entries {
			if progress != nil && i%200 == 0 {
				progress(i, len(recs))
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			switch e.Action {
			case vaern.PlanCreate:
				if _, err := tx.CreateSystem(ctx, a, orgID, e.Sys); err != nil {
					return fmt.Errorf("row %d: %w", e.Row, err)
				}
			case vaern.PlanUpdate:
				if err := tx.UpdateSystem(ctx, a, orgID, e.Sys); err != nil {
					return fmt.Errorf("row %d: %w", e.Row, err)
				}
			}
		}
		res = ImportResult{Created: plan.Created, Updated: plan.Updated, Unchanged: plan.Unchanged}
		if progress != nil {
			progress(len(recs), len(recs))
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "register.import", ObjectType: "org", ObjectID: orgID,
			Detail: map[string]any{"source": source, "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged}})
	})
	return res, err
}

// RegisterResolver finds an organisation's people and units for a spreadsheet import.
type RegisterResolver struct {
	byMail  map[string]int64
	byName  map[string][]int64
	units   map[string][]int64
	cMail   map[string]int64
	cName   map[string][]int64
	Members []vaern.Member
	Units   []vaern.Unit
}

// Resolver loads the organisation's people and units.
func (s *Store) Resolver(ctx context.Context, orgID int64) (*RegisterResolver, error) {
	people, err := s.OrgUsers(ctx, orgID)
	if err != nil {
		return nil, err
	}
	units, err := s.Units(ctx, orgID)
	if err != nil {
		return nil, err
	}
	contacts, err := s.Contacts(ctx, orgID)
	if err != nil {
		return nil, err
	}
	r := &RegisterResolver{byMail: map[string]int64{}, byName: map[string][]int64{}, units: map[string][]int64{},
		cMail: map[string]int64{}, cName: map[string][]int64{}, Members: people, Units: units}
	for _, c := range contacts {
		if c.UserID != 0 {
			continue // it became a user, whom User finds
		}
		if c.Email != "" {
			r.cMail[c.Email] = c.ID
		}
		k := strings.ToLower(c.Name)
		r.cName[k] = append(r.cName[k], c.ID)
	}
	for _, p := range people {
		r.byMail[strings.ToLower(p.Email)] = p.ID
		if p.Name != "" {
			k := strings.ToLower(strings.Join(strings.Fields(p.Name), " "))
			r.byName[k] = append(r.byName[k], p.ID)
		}
	}
	for _, u := range units {
		k := strings.ToLower(strings.TrimSpace(u.Name))
		r.units[k] = append(r.units[k], u.ID)
	}
	return r, nil
}

// User finds a person by e-mail or unique full name.
func (r *RegisterResolver) User(s string) (int64, bool, bool) {
	k := strings.ToLower(strings.Join(strings.Fields(s), " "))
	if id, ok := r.byMail[k]; ok {
		return id, false, true
	}
	switch ids := r.byName[k]; len(ids) {
	case 0:
		return 0, false, false
	case 1:
		return ids[0], false, true
	}
	return 0, true, false
}

// Contact finds a contact by e-mail or by a name only one contact has.
func (r *RegisterResolver) Contact(s string) (int64, bool) {
	k := strings.ToLower(strings.Join(strings.Fields(s), " "))
	if id, ok := r.cMail[k]; ok {
		return id, true
	}
	if ids := r.cName[k]; len(ids) == 1 {
		return ids[0], true
	}
	return 0, false
}

// Unit finds a unit by name; a name two units share is not found.
func (r *RegisterResolver) Unit(name string) (int64, bool) {
	ids := r.units[strings.ToLower(strings.TrimSpace(name))]
	if len(ids) == 1 {
		return ids[0], true
	}
	return 0, false
}
