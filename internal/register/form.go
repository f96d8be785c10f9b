package register

import (
	"net/url"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// ApplyForm reads a system's fields from form values into sys: the register's edit form, and the
// API's JSON bodies turned into the same values, so that both read and check a field alike. With
// partial set only the fields present in f change (an API update); without it a missing field is
// empty, as an unticked checkbox is. It names the field of the first value it cannot read; the
// store checks the rest (lengths, identifiers, owners) when it saves.
func ApplyForm(sys *vaern.ITSystem, f url.Values, partial bool) error {
	has := func(k string) bool { return !partial || f.Has(k) }
	for k, p := range map[string]*string{"name": &sys.Name, "description": &sys.Description, "vendor": &sys.Vendor,
		"product": &sys.Product, "version": &sys.Version, "cpe": &sys.CPE, "purl": &sys.PURL, "supplier": &sys.Supplier,
		"notes": &sys.Notes} {
		if has(k) {
			*p = f.Get(k)
		}
	}
	if has("hosting") {
		sys.Hosting = vaern.Hosting(f.Get("hosting"))
	}
	if has("dpa_status") {
		sys.DPAStatus = vaern.DPAStatus(f.Get("dpa_status"))
	}
	if has("tags") {
		sys.Tags = vaern.NormalizeTags(f["tags"])
	}
	if has("internet_exposed") {
		sys.InternetExposed = f.Get("internet_exposed") == "1"
	}
	if has("personal_data") {
		sys.PersonalData = 0
		for _, v := range f["personal_data"] {
			bit := 0
			for _, c := range vaern.PDCategories {
				if v == c.Key {
					bit = c.Bit
				}
			}
			if bit == 0 {
				return vaern.Invalid("personal_data", "%q is not a personal-data category (ordinary, sensitive, national_id)", v)
			}
			sys.PersonalData |= bit
		}
	}
	for _, n := range []struct {
		k string
		p *int64
	}{{"system_owner", &sys.SystemOwnerID}, {"data_owner", &sys.DataOwnerID}, {"unit", &sys.UnitID}} {
		if has(n.k) {
			v, err := formInt(f, n.k)
			if err != nil {
				return err
			}
			*n.p = v
		}
	}
	for _, n := range []struct {
		k string
		p *int
	}{{"confidentiality", &sys.Confidentiality}, {"integrity", &sys.Integrity}, {"availability", &sys.Availability}} {
		if has(n.k) {
			v, err := formInt(f, n.k)
			if err != nil {
				return err
			}
			*n.p = int(v)
		}
	}
	for _, d := range []struct {
		k string
		p *time.Time
	}{{"dpa_date", &sys.DPADate}, {"dpa_review", &sys.DPAReview}} {
		if !has(d.k) {
			continue
		}
		t, ok := ParseDate(f.Get(d.k))
		if !ok {
			return vaern.Invalid(d.k, "is not a date")
		}
		*d.p = t
	}
	for _, h := range []struct {
		k string
		p *time.Duration
	}{{"rto_hours", &sys.RTO}, {"rpo_hours", &sys.RPO}} {
		if !has(h.k) {
			continue
		}
		d, ok := ParseHours(f.Get(h.k))
		if !ok {
			return vaern.Invalid(h.k, "must be a number of hours")
		}
		*h.p = d
	}
	return nil
}

// formInt reads an id or a level; empty is 0.
func formInt(f url.Values, k string) (int64, error) {
	v := f.Get(k)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, vaern.Invalid(k, "is not a number")
	}
	return n, nil
}

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
		OverdueReview: q.Get("overdue") == "1", Sort: q.Get("sort"), UnitID: unit,
	}
	for _, c := range vaern.PDCategories {
		if pd == c.Key {
			f.PersonalData = c.Bit
		}
	}
	return f, nil
}
