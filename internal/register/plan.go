package register

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Diff lists the fields in which two versions of a system differ, as audit key → [old, new], for
// the audit log, the system's history and the import plan.
func Diff(a, b vaern.ITSystem) map[string][2]any {
	out := map[string][2]any{}
	cmp := func(k string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			out[k] = [2]any{x, y}
		}
	}
	cmp("name", a.Name, b.Name)
	cmp("description", a.Description, b.Description)
	cmp("system_owner_id", a.SystemOwnerID, b.SystemOwnerID)
	cmp("data_owner_id", a.DataOwnerID, b.DataOwnerID)
	cmp("system_owner_contact_id", a.SystemOwnerContactID, b.SystemOwnerContactID)
	cmp("data_owner_contact_id", a.DataOwnerContactID, b.DataOwnerContactID)
	cmp("system_owner_new", contactName(a.NewSystemOwner), contactName(b.NewSystemOwner))
	cmp("data_owner_new", contactName(a.NewDataOwner), contactName(b.NewDataOwner))
	cmp("unit_id", a.UnitID, b.UnitID)
	cmp("vendor", a.Vendor, b.Vendor)
	cmp("product", a.Product, b.Product)
	cmp("version", a.Version, b.Version)
	cmp("cpe", a.CPE, b.CPE)
	cmp("purl", a.PURL, b.PURL)
	cmp("hosting", a.Hosting, b.Hosting)
	cmp("supplier", a.Supplier, b.Supplier)
	cmp("dpa_status", a.DPAStatus, b.DPAStatus)
	cmp("dpa_date", isoDate(a.DPADate), isoDate(b.DPADate))
	cmp("dpa_review", isoDate(a.DPAReview), isoDate(b.DPAReview))
	cmp("personal_data", a.PersonalData, b.PersonalData)
	cmp("confidentiality", a.Confidentiality, b.Confidentiality)
	cmp("integrity", a.Integrity, b.Integrity)
	cmp("availability", a.Availability, b.Availability)
	cmp("rto_minutes", int64(a.RTO/time.Minute), int64(b.RTO/time.Minute))
	cmp("rpo_minutes", int64(a.RPO/time.Minute), int64(b.RPO/time.Minute))
	cmp("internet_exposed", a.InternetExposed, b.InternetExposed)
	cmp("tags", strings.Join(a.Tags, ","), strings.Join(b.Tags, ","))
	cmp("notes", a.Notes, b.Notes)
	cmp("ai_use", a.AIUse, b.AIUse)
	cmp("ai_purpose", a.AIPurpose, b.AIPurpose)
	cmp("ai_supplier", a.AISupplier, b.AISupplier)
	cmp("ai_dpa_covered", a.AIDPACovered, b.AIDPACovered)
	cmp("ai_checked", isoDate(a.AIChecked), isoDate(b.AIChecked))
	return out
}

// contactName is how a new contact is named in a diff and the dry run: by its name, and its
// e-mail when it has one.
func contactName(c *vaern.Contact) string {
	switch {
	case c == nil:
		return ""
	case c.Email != "" && c.Email != c.Name:
		return c.Name + " <" + c.Email + ">"
	}
	return c.Name
}

// diffField maps an audit key of Diff to the register field (the import column) it belongs to.
func diffField(k string) string {
	switch k {
	case "system_owner_id", "system_owner_contact_id", "system_owner_new":
		return "system_owner"
	case "data_owner_id", "data_owner_contact_id", "data_owner_new":
		return "data_owner"
	case "unit_id":
		return "unit"
	case "rto_minutes":
		return "rto_hours"
	case "rpo_minutes":
		return "rpo_hours"
	}
	return k
}

// What an import does with one record, and the plan of a whole import: the domain's types
// (vaern.ImportPlan), so that the store can run the plan inside its transaction.
const (
	PlanCreate    = vaern.PlanCreate
	PlanUpdate    = vaern.PlanUpdate
	PlanUnchanged = vaern.PlanUnchanged
)

type (
	PlanEntry = vaern.ImportPlanEntry
	Plan      = vaern.ImportPlan
)

// MakePlan compares records with the register's existing systems, matched by NameKey:
// a record without a match creates a system, one whose fields change nothing leaves it unchanged.
func MakePlan(existing []vaern.ITSystem, recs []Record) Plan {
	byName := make(map[string]vaern.ITSystem, len(existing))
	for _, s := range existing {
		byName[NameKey(s.Name)] = s
	}
	order := map[string]int{}
	for i, f := range Fields {
		order[f.Key] = i
	}
	var p Plan
	seen := map[string]bool{}
	for _, rec := range recs {
		for _, c := range []*vaern.Contact{rec.Sys.NewSystemOwner, rec.Sys.NewDataOwner} {
			if c != nil && !seen[NameKey(contactName(c))] {
				seen[NameKey(contactName(c))] = true
				p.NewContacts = append(p.NewContacts, contactName(c))
			}
		}
		key := NameKey(rec.Sys.Name)
		old, ok := byName[key]
		e := PlanEntry{Row: rec.Row, Name: rec.Sys.Name}
		if !ok {
			Apply(&e.Sys, rec)
			e.Action = PlanCreate
			p.Created++
			// A later record of the same name (refused by Check) would update this one.
			byName[key] = e.Sys
			p.Entries = append(p.Entries, e)
			continue
		}
		e.Sys = old
		Apply(&e.Sys, rec)
		for k := range Diff(old, e.Sys) {
			e.Fields = append(e.Fields, diffField(k))
		}
		sort.Slice(e.Fields, func(i, j int) bool { return order[e.Fields[i]] < order[e.Fields[j]] })
		if len(e.Fields) == 0 {
			e.Action = PlanUnchanged
			p.Unchanged++
		} else {
			e.Action = PlanUpdate
			p.Updated++
		}
		p.Entries = append(p.Entries, e)
	}
	return p
}
