package register

import (
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/vaern/vaern"
)

func TestMakePlan(t *testing.T) {
	existing := []vaern.ITSystem{
		{ID: 1, Name: "Aula", Vendor: "Netcompany", Availability: 3, Tags: []string{"skole"}},
		{ID: 2, Name: "Nexus", SystemOwnerID: 7, RTO: 4 * time.Hour},
	}
	recs := []Record{
		{Row: 2, Sys: vaern.ITSystem{Name: "aula", Vendor: "Netcompany", Availability: 3}, Set: map[string]bool{"vendor": true, "availability": true}},
		{Row: 3, Sys: vaern.ITSystem{Name: "Nexus", SystemOwnerID: 8, RTO: 2 * time.Hour, AIUse: vaern.AIFeature},
			Set: map[string]bool{"name": true, "system_owner": true, "rto_hours": true, "ai_use": true}},
		{Row: 4, Sys: vaern.ITSystem{Name: "Teams"}, Set: map[string]bool{"name": true}},
	}
	p := MakePlan(existing, recs)
	if p.Created != 1 || p.Updated != 1 || p.Unchanged != 1 {
		t.Fatalf("counts: %+v", p)
	}
	want := []struct {
		action string
		fields []string
	}{{PlanUnchanged, nil}, {PlanUpdate, []string{"system_owner", "rto_hours", "ai_use"}}, {PlanCreate, nil}}
	for i, w := range want {
		e := p.Entries[i]
		if e.Action != w.action || !reflect.DeepEqual(e.Fields, w.fields) {
			t.Errorf("entry %d: %s %v, want %s %v", i, e.Action, e.Fields, w.action, w.fields)
		}
	}
	// An update keeps the fields the record does not set and the system's id.
	if up := p.Entries[1].Sys; up.ID != 2 || up.SystemOwnerID != 8 || up.Name != "Nexus" {
		t.Errorf("update writes %+v", up)
	}
}

func TestFormRecord(t *testing.T) {
	for _, c := range []struct {
		form url.Values
		set  []string
		err  string
		want vaern.ITSystem
	}{
		{url.Values{"name": {"Aula"}, "description": {"x"}}, []string{"description", "name"}, "", vaern.ITSystem{Name: "Aula", Description: "x"}},
		{url.Values{"internet_exposed": {""}}, []string{"internet_exposed"}, "", vaern.ITSystem{}},
		{url.Values{"internet_exposed": {"", "1"}, "personal_data": {"", "ordinary", "national_id"}}, []string{"internet_exposed", "personal_data"}, "",
			vaern.ITSystem{InternetExposed: true, PersonalData: vaern.PDOrdinary | vaern.PDNationalID}},
		{url.Values{"ai_use": {"purpose"}, "ai_dpa_covered": {"", "1"}, "ai_checked": {"2026-10-01"}}, []string{"ai_checked", "ai_dpa_covered", "ai_use"}, "",
			vaern.ITSystem{AIUse: vaern.AIPurpose, AIDPACovered: true, AIChecked: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)}},
		{url.Values{"system_owner": {"abc"}}, nil, "system_owner", vaern.ITSystem{}},
		{url.Values{"personal_data": {"secret"}}, nil, "personal_data", vaern.ITSystem{}},
		{url.Values{"ai_use": {"maybe"}}, nil, "ai_use", vaern.ITSystem{}},
		{url.Values{"dpa_date": {"31.13.2025"}}, nil, "dpa_date", vaern.ITSystem{}},
	} {
		rec, err := FormRecord(c.form)
		if c.err != "" {
			if ve, ok := err.(*vaern.ValidationError); !ok || ve.Field != c.err {
				t.Errorf("%v: error %v, want one on %s", c.form, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c.form, err)
			continue
		}
		var set []string
		for _, f := range Fields {
			if rec.Set[f.Key] {
				set = append(set, f.Key)
			}
		}
		var got vaern.ITSystem
		Apply(&got, rec)
		if len(Diff(got, c.want)) > 0 || len(set) != len(c.set) {
			t.Errorf("%v: %+v set %v, want %+v set %v", c.form, got, set, c.want, c.set)
		}
	}
}

func TestParseAIUse(t *testing.T) {
	for in, want := range map[string]vaern.AIUse{"": "", "Ingen": vaern.AINone, "funktion": vaern.AIFeature, "Formål": vaern.AIPurpose, "purpose": vaern.AIPurpose} {
		if got, ok := ParseAIUse(in); !ok || got != want {
			t.Errorf("ParseAIUse(%q) = %q %v", in, got, ok)
		}
	}
	if _, ok := ParseAIUse("kanske"); ok {
		t.Error("an unknown word is accepted")
	}
}
