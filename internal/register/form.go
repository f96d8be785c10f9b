package register

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// ParseFilter reads a register list's filter from a query string: the register page's filters,
// which the API's list takes too.
func ParseFilter(q url.Values) (vaern.SystemFilter, error) {
	crit, err := httpx.IntParam(q, "crit", 0)
	if err != nil {
		return vaern.SystemFilter{}, err
	}
	unit, err := httpx.IntParam(q, "unit", 0)
	if err != nil {
		return vaern.SystemFilter{}, err
	}
	hosting, err := httpx.ChoiceParam(q, "hosting", "", string(vaern.HostingOwn), string(vaern.HostingShared),
		string(vaern.HostingSupplier), string(vaern.HostingSaaS))
	if err != nil {
		return vaern.SystemFilter{}, err
	}
	keys := make([]string, len(vaern.PDCategories))
	for i, c := range vaern.PDCategories {
		keys[i] = c.Key
	}
	pd, err := httpx.ChoiceParam(q, "pd", "", keys...)
	if err != nil {
		return vaern.SystemFilter{}, err
	}
	f := vaern.SystemFilter{
		Search: q.Get("q"), Hosting: vaern.Hosting(hosting), Tag: q.Get("tag"), MinCrit: int(min(crit, 100)),
		Exposed: q.Get("exposed") == "1", NoOwner: q.Get("noowner") == "1", DPAInvalid: q.Get("dpa") == "1",
		OverdueReview: q.Get("overdue") == "1", AIUnchecked: q.Get("ai") == "1", Sort: q.Get("sort"), UnitID: unit,
	}
	for _, c := range vaern.PDCategories {
		if pd == c.Key {
			f.PersonalData = c.Bit
		}
	}
	return f, nil
}

// FormRecord reads a system's edit form, or any request that names register fields (the JSON API
// passes the keys of its body), into a record whose Set holds exactly the fields the request sent.
// An update applies only those (Apply), so a post that sends two fields never blanks the others
// (issue 9.4). People and units are given by id. A checkbox sends nothing when it is not ticked, so
// the form puts a hidden empty value of the same name before each checkbox: the field is then
// present either way. The error names the first unreadable field.
func FormRecord(f url.Values) (Record, error) {
	rec := Record{Set: map[string]bool{}}
	s := &rec.Sys
	for _, fd := range Fields {
		vals, ok := f[fd.Key]
		if !ok {
			continue
		}
		rec.Set[fd.Key] = true
		v := ""
		if len(vals) > 0 {
			v = strings.TrimSpace(vals[0])
		}
		num := func() (int64, error) {
			if v == "" {
				return 0, nil
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return 0, vaern.Invalid(fd.Key, "is not a valid choice")
			}
			return n, nil
		}
		var err error
		switch fd.Key {
		case "name":
			s.Name = v
		case "description":
			s.Description = v
		case "notes":
			s.Notes = v
		case "vendor":
			s.Vendor = v
		case "product":
			s.Product = v
		case "version":
			s.Version = v
		case "supplier":
			s.Supplier = v
		case "cpe":
			s.CPE = v
		case "purl":
			s.PURL = v
		case "system_owner":
			s.SystemOwnerID, s.SystemOwnerContactID, s.NewSystemOwner, err = formOwner(f, fd.Key, v, num)
		case "data_owner":
			s.DataOwnerID, s.DataOwnerContactID, s.NewDataOwner, err = formOwner(f, fd.Key, v, num)
		case "unit":
			s.UnitID, err = num()
		case "hosting":
			s.Hosting = vaern.Hosting(v)
		case "dpa_status":
			s.DPAStatus = vaern.DPAStatus(v)
		case "dpa_date", "dpa_review":
			d, ok := ParseDate(v)
			if !ok {
				return rec, vaern.Invalid(fd.Key, "is not a date")
			}
			if fd.Key == "dpa_date" {
				s.DPADate = d
			} else {
				s.DPAReview = d
			}
		case "rto_hours", "rpo_hours":
			d, ok := ParseHours(v)
			if !ok {
				return rec, vaern.Invalid(fd.Key, "must be a number of hours")
			}
			if fd.Key == "rto_hours" {
				s.RTO = d
			} else {
				s.RPO = d
			}
		case "confidentiality", "integrity", "availability":
			var n int64
			n, err = num()
			switch fd.Key {
			case "confidentiality":
				s.Confidentiality = int(n)
			case "integrity":
				s.Integrity = int(n)
			default:
				s.Availability = int(n)
			}
		case "personal_data":
			// Several values, one per ticked box; the hidden empty one marks the field as sent.
			for _, x := range vals {
				if x = strings.TrimSpace(x); x == "" {
					continue
				}
				bit := 0
				for _, c := range vaern.PDCategories {
					if x == c.Key {
						bit = c.Bit
					}
				}
				if bit == 0 {
					return rec, vaern.Invalid(fd.Key, "is not a personal-data category")
				}
				s.PersonalData |= bit
			}
		case "internet_exposed", "ai_dpa_covered":
			on := false
			for _, x := range vals {
				on = on || x == "1" || x == "on"
			}
			if fd.Key == "internet_exposed" {
				s.InternetExposed = on
			} else {
				s.AIDPACovered = on
			}
		case "tags":
			s.Tags = vaern.NormalizeTags(vals)
		default:
			err = formExtra(s, fd.Key, v)
		}
		if err != nil {
			return rec, err
		}
	}
	return rec, nil
}

// formOwner reads an owner select: a user's id, "c" and a contact's id, or "new" for a contact the
// form names in KEY_new_name and KEY_new_email (created with the save, so it works without
// JavaScript).
func formOwner(f url.Values, key, v string, num func() (int64, error)) (user, contact int64, nc *vaern.Contact, err error) {
	switch {
	case v == "new":
		c := vaern.Contact{Name: strings.TrimSpace(f.Get(key + "_new_name")), Email: strings.TrimSpace(f.Get(key + "_new_email"))}
		if c.Name == "" {
			return 0, 0, nil, vaern.Invalid(key+"_new_name", "is required for a new contact")
		}
		return 0, 0, &c, nil
	case strings.HasPrefix(v, "c"):
		contact, err = strconv.ParseInt(v[1:], 10, 64)
		if err != nil || contact <= 0 {
			return 0, 0, nil, vaern.Invalid(key, "is not a valid choice")
		}
		return 0, contact, nil, nil
	}
	user, err = num()
	return user, 0, nil, err
}
