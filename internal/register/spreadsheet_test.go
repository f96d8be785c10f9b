package register

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vaern/vaern"
)

// fakeResolver knows two people and two units.
type fakeResolver struct{}

func (fakeResolver) User(s string) (int64, bool, bool) {
	switch strings.ToLower(s) {
	case "mette@aarhus.dk", "mette hansen":
		return 11, false, true
	case "ole@aarhus.dk":
		return 12, false, true
	case "jensen":
		return 0, true, false
	}
	return 0, false, false
}

// Contact knows one contact, a person without an account.
func (fakeResolver) Contact(s string) (int64, bool) {
	if strings.EqualFold(s, "kirsten@leverandor.dk") {
		return 31, true
	}
	return 0, false
}

func (fakeResolver) Unit(name string) (int64, bool) {
	switch strings.ToLower(name) {
	case "børn og unge":
		return 21, true
	case "it":
		return 22, true
	}
	return 0, false
}

const danishCSV = "Systemnavn;Systemejer;Dataejer;Afdeling;Producent;Produkt;Version;CPE;Drift;Leverandør;Databehandleraftale;Databehandleraftale dato;Personoplysninger;Fortrolighed;Integritet;Tilgængelighed;RTO (timer);RPO (timer);Eksponeret på internettet;Nøgleord\n" +
	"Aula;mette@aarhus.dk;Mette Hansen;Børn og Unge;Netcompany;Aula;2.1;cpe:2.3:a:netcompany:aula:2.1:*:*:*:*:*:*:*;SaaS;Netcompany;Underskrevet;31-12-2024;almindelige, CPR;Høj;3;middel;4;0,5;ja;skole, kommunikation\n" +
	"\n" +
	"SBSYS;ole@aarhus.dk;;IT;;SBSYS;;;Egen drift;;ikke relevant;;ingen;2;2;2;1,5 dage;30 min;nej;\n"

func TestCheckDanishCSV(t *testing.T) {
	tab, err := ReadCSV([]byte(danishCSV))
	if err != nil {
		t.Fatal(err)
	}
	m := GuessMapping(tab.Header)
	want := []string{"name", "system_owner", "data_owner", "unit", "vendor", "product", "version", "cpe", "hosting", "supplier",
		"dpa_status", "dpa_date", "personal_data", "confidentiality", "integrity", "availability", "rto_hours", "rpo_hours", "internet_exposed", "tags"}
	if strings.Join(m, ",") != strings.Join(want, ",") {
		t.Fatalf("mapping\n got %v\nwant %v", m, want)
	}
	recs, probs := Check(tab, m, fakeResolver{}, nil)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(recs) != 2 || recs[0].Row != 2 || recs[1].Row != 4 {
		t.Fatalf("records %+v", recs)
	}
	a := recs[0].Sys
	if a.Name != "Aula" || a.SystemOwnerID != 11 || a.DataOwnerID != 11 || a.UnitID != 21 || a.Hosting != vaern.HostingSaaS ||
		a.DPAStatus != vaern.DPASigned || !a.DPADate.Equal(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)) ||
		a.PersonalData != vaern.PDOrdinary|vaern.PDNationalID || a.Confidentiality != 3 || a.Availability != 2 ||
		a.RTO != 4*time.Hour || a.RPO != 30*time.Minute || !a.InternetExposed || strings.Join(a.Tags, "|") != "kommunikation|skole" {
		t.Errorf("Aula: %+v", a)
	}
	b := recs[1].Sys
	if b.RTO != 36*time.Hour || b.RPO != 30*time.Minute || b.DPAStatus != vaern.DPANotNeeded || b.PersonalData != 0 || b.Hosting != vaern.HostingOwn {
		t.Errorf("SBSYS: %+v", b)
	}
}

func TestCheckReportsEveryProblem(t *testing.T) {
	in := "Name,System owner,Unit,Hosting,DPA status,DPA date,Confidentiality,RTO (hours),CPE,purl,Personal data,Internet exposed\n" +
		"Aula,#4711,Nowhere,cloudy,maybe,31-02-2024,5,four,cpe:2.3:a:x,pkg:,secret,perhaps\n" +
		",,,,,,,,,,,\n" + // a blank row is skipped
		",mette@aarhus.dk,IT,,,,,,,,,\n" +
		"aula,jensen,,,,,,,,,,\n"
	tab, err := ReadCSV([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	_, probs := Check(tab, GuessMapping(tab.Header), fakeResolver{}, nil)
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		`row 2: System owner: "#4711" is not a person in this organisation (give their e-mail address)`,
		`row 2: Unit: "Nowhere" is not a unit of this organisation`,
		`row 2: Hosting: "cloudy" is not a hosting form (own, shared, supplier, saas)`,
		`row 2: DPA status: "maybe" is not a DPA status (not_needed, missing, in_progress, signed, expired)`,
		`row 2: DPA date: "31-02-2024" is not a date (use 2025-03-31 or 31-03-2025)`,
		`row 2: Confidentiality: "5" is not a level (1-4, or low, medium, high, very high)`,
		`row 2: RTO (hours): "four" is not a number of hours`,
		`row 2: CPE: CPE has 4 fields, a CPE 2.3 name has 13 (cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other)`,
		`row 2: purl: purl is not a valid package URL: purl is missing type or name`,
		`row 2: Personal data: "secret" is not a personal-data category (none, ordinary, sensitive, national ID)`,
		`row 2: Internet exposed: "perhaps" is not yes or no`,
		`row 4: Name: is required`,
		`row 5: System owner: "jensen" names several people; give the e-mail address`,
		`row 5: Name: the same system is already in row 2`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems\n got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckMapping(t *testing.T) {
	h := []string{"A", "B"}
	for _, c := range []struct {
		m    []string
		want string
	}{{[]string{"", "vendor"}, "no column is mapped to the system's name"},
		{[]string{"name", "name"}, "both mapped"},
		{[]string{"name", "colour"}, "unknown field"},
		{[]string{"name"}, "does not fit"}} {
		if err := CheckMapping(h, c.m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.m, err, c.want)
		}
	}
}

func TestParsers(t *testing.T) {
	nums := map[string]float64{"2,5": 2.5, "0.5": 0.5, "1.234,5": 1234.5, "1,234.5": 1234.5, "12": 12, " 3 ": 3}
	for in, want := range nums {
		if got, ok := ParseNumber(in); !ok || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "1,2,3", "abc", "NaN", "Inf"} {
		if _, ok := ParseNumber(in); ok {
			t.Errorf("ParseNumber(%q) accepted", in)
		}
	}
	dates := map[string]string{"2025-03-31": "2025-03-31", "31-03-2025": "2025-03-31", "31.03.2025": "2025-03-31",
		"1/4/2025": "2025-04-01", "45747": "2025-03-31", "2025-03-31T00:00:00Z": "2025-03-31", "": ""}
	for in, want := range dates {
		d, ok := ParseDate(in)
		if !ok || isoDate(d) != want {
			t.Errorf("ParseDate(%q) = %v, %v", in, d, ok)
		}
	}
	for _, in := range []string{"31-13-2025", "tomorrow", "12", "2025/03/31"} {
		if _, ok := ParseDate(in); ok {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
	hrs := map[string]time.Duration{"4": 4 * time.Hour, "0,25": 15 * time.Minute, "2 dage": 48 * time.Hour, "1 uke": 168 * time.Hour, "90 min": 90 * time.Minute, "8 timer": 8 * time.Hour}
	for in, want := range hrs {
		if got, ok := ParseHours(in); !ok || got != want {
			t.Errorf("ParseHours(%q) = %v, %v", in, got, ok)
		}
	}
	for in, want := range map[string]vaern.Hosting{"Egen drift": vaern.HostingOwn, "IKS": vaern.HostingShared, "interkommunalt samarbeid": vaern.HostingShared, "Leverandør": vaern.HostingSupplier, "SaaS": vaern.HostingSaaS} {
		if got, ok := ParseHosting(in); !ok || got != want {
			t.Errorf("ParseHosting(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]int{"Sensitive": 2, "følsomme; CPR": 6, "vanlige og fødselsnummer": 0, "ingen": 0, "ordinary, sensitive, national_id": 7} {
		got, ok := ParsePersonalData(in)
		if in == "vanlige og fødselsnummer" {
			if ok {
				t.Errorf("ParsePersonalData(%q) accepted a list joined by a word", in)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("ParsePersonalData(%q) = %v, %v", in, got, ok)
		}
	}
}

func TestReadCSVWindows1252AndTabs(t *testing.T) {
	// "Systemejer\tTilgængelighed" in Windows-1252: æ is 0xE6.
	in := []byte("Navn\tTilg\xe6ngelighed\nFasit\th\xf8j\n")
	tab, err := ReadCSV(in)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Header[1] != "Tilgængelighed" || tab.Rows[0][1] != "høj" {
		t.Fatalf("decoded %q %q", tab.Header, tab.Rows)
	}
	if _, err := ReadCSV([]byte("")); err == nil {
		t.Fatal("empty file accepted")
	}
}

func sampleSystems() []vaern.ITSystem {
	return []vaern.ITSystem{
		{Name: "Aula", Description: "Skole-hjem, \"kommunikation\"; og mere", SystemOwnerMail: "mette@aarhus.dk", UnitName: "Børn og Unge",
			Vendor: "Netcompany", Product: "Aula", Version: "2.1", CPE: "cpe:2.3:a:netcompany:aula:2.1:*:*:*:*:*:*:*",
			PURL: "pkg:generic/aula@2.1", Hosting: vaern.HostingSaaS, Supplier: "Netcompany", DPAStatus: vaern.DPASigned,
			DPADate: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), DPAReview: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
			PersonalData: 5, Confidentiality: 3, Integrity: 2, Availability: 4, RTO: 90 * time.Minute, RPO: 15 * time.Minute,
			InternetExposed: true, Tags: []string{"kommunikation", "skole"}, Notes: "=SUM(A1)"},
		{Name: "SBSYS", DataOwnerMail: "ole@aarhus.dk", Hosting: vaern.HostingOwn, DPAStatus: vaern.DPANotNeeded},
	}
}

type mailResolver struct{}

func (mailResolver) User(s string) (int64, bool, bool) {
	return map[string]int64{"mette@aarhus.dk": 11, "ole@aarhus.dk": 12}[s], false, s == "mette@aarhus.dk" || s == "ole@aarhus.dk"
}
func (mailResolver) Unit(n string) (int64, bool)  { return 21, n == "Børn og Unge" }
func (mailResolver) Contact(string) (int64, bool) { return 0, false }

// TestExportImportRoundTrip writes the register in every language and format and reads it back.
func TestExportImportRoundTrip(t *testing.T) {
	for _, lang := range []string{"da", "nb", "en"} {
		for _, format := range []string{"csv", "xlsx"} {
			var buf bytes.Buffer
			var err error
			if format == "csv" {
				err = WriteCSV(&buf, sampleSystems(), lang)
			} else {
				err = WriteXLSX(&buf, sampleSystems(), lang)
			}
			if err != nil {
				t.Fatal(err)
			}
			tab, err := ReadTable(buf.Bytes())
			if err != nil {
				t.Fatalf("%s %s: %v", lang, format, err)
			}
			m := GuessMapping(tab.Header)
			for i, k := range m {
				if k != Fields[i].Key {
					t.Fatalf("%s %s: column %q mapped to %q, want %q", lang, format, tab.Header[i], k, Fields[i].Key)
				}
			}
			recs, probs := Check(tab, m, mailResolver{}, nil)
			if len(probs) > 0 || len(recs) != 2 {
				t.Fatalf("%s %s: %d records, problems %v", lang, format, len(recs), probs)
			}
			got := recs[0].Sys
			want := sampleSystems()[0]
			want.SystemOwnerID, want.UnitID = 11, 21
			want.SystemOwnerMail, want.UnitName = "", ""
			want.Notes = "'=SUM(A1)"
			if format == "xlsx" {
				want.Notes = "=SUM(A1)" // a text cell is never a formula in XLSX
			}
			if got.Name != want.Name || got.Description != want.Description || got.CPE != want.CPE || got.PURL != want.PURL ||
				got.DPAReview != want.DPAReview || got.RTO != want.RTO || got.PersonalData != want.PersonalData ||
				got.Availability != 4 || !got.InternetExposed || got.Notes != want.Notes || got.SystemOwnerID != 11 || got.UnitID != 21 ||
				strings.Join(got.Tags, ",") != "kommunikation,skole" {
				t.Errorf("%s %s: got %+v\nwant %+v", lang, format, got, want)
			}
		}
	}
}

func TestJSONExport(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleSystems()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"personal_data": [`, `"ordinary"`, `"national_id"`, `"rto_hours": 1.5`, `"tags": []`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, buf.String())
		}
	}
}

func xlsxOf(t testing.TB, rows [][]any) []byte {
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSXDatesAndNumbers(t *testing.T) {
	b := xlsxOf(t, [][]any{{"Systemnavn", "RTO (timer)", "Databehandleraftale dato"}, {"KMD Nexus", 2.5, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)}})
	tab, err := ReadTable(b)
	if err != nil {
		t.Fatal(err)
	}
	recs, probs := Check(tab, GuessMapping(tab.Header), fakeResolver{}, nil)
	if len(probs) > 0 || recs[0].Sys.RTO != 150*time.Minute || isoDate(recs[0].Sys.DPADate) != "2025-03-31" {
		t.Fatalf("%+v %v", recs, probs)
	}
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte(danishCSV))
	f.Add([]byte("Name,RTO\n\"a\"\"b\",1,5\n"))
	f.Add([]byte("Navn;Drift\n\"unterminated;x\n"))
	f.Add([]byte("\xef\xbb\xbfName\r\nx\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ReadCSV(b)
		if err != nil {
			return
		}
		m := GuessMapping(tab.Header)
		recs, probs := Check(tab, m, fakeResolver{}, nil)
		for _, p := range probs {
			if p.Code != "mapping" && p.Row < 1 {
				t.Fatalf("problem without a row: %+v", p)
			}
		}
		if len(probs) == 0 {
			for _, r := range recs {
				if r.Sys.Name == "" {
					t.Fatalf("record without a name and no problem")
				}
			}
		}
	})
}

func FuzzXLSX(f *testing.F) {
	f.Add(xlsxOf(f, [][]any{{"Name", "Hosting"}, {"Aula", "SaaS"}}))
	f.Add(xlsxOf(f, [][]any{{"Navn"}, {1.5}, {nil}, {"x"}}))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ReadTable(b)
		if err != nil {
			return
		}
		recs, probs := Check(tab, GuessMapping(tab.Header), fakeResolver{}, nil)
		if len(recs) != len(tab.Rows) && len(probs) == 0 {
			t.Fatalf("%d records for %d rows", len(recs), len(tab.Rows))
		}
	})
}

// TestCheckOwnersOutsideVaern: an owner who is not a Værn user is a contact (an existing one, or a
// new one when the cell reads as a person), not a refused row (issue 11.9).
func TestCheckOwnersOutsideVaern(t *testing.T) {
	tab, err := ReadCSV([]byte("Name,System owner,Data owner\n" +
		"Aula,Kirsten Lund,kirsten@leverandor.dk\n" +
		"KMD Nexus,Mette Hansen,Per.Holm@Nexus.dk\n" +
		"Opus,IT-4711,\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := GuessMapping(tab.Header)
	recs, probs := Check(tab, m, fakeResolver{}, nil)
	if len(probs) != 1 || probs[0].Row != 4 || probs[0].Code != "unknown_user" {
		t.Fatalf("problems = %v, want only row 4's code refused", probs)
	}
	if len(recs) < 2 {
		t.Fatalf("records = %d, want the two good rows first", len(recs))
	}
	a, n := recs[0].Sys, recs[1].Sys
	if a.SystemOwnerID != 0 || a.NewSystemOwner == nil || a.NewSystemOwner.Name != "Kirsten Lund" || a.DataOwnerContactID != 31 {
		t.Errorf("Aula owners = %d %+v %d, want a new contact Kirsten Lund and contact 31", a.SystemOwnerID, a.NewSystemOwner, a.DataOwnerContactID)
	}
	if n.SystemOwnerID != 11 || n.NewDataOwner == nil || n.NewDataOwner.Email != "per.holm@nexus.dk" {
		t.Errorf("Nexus owners = %d %+v, want user 11 and a new contact by e-mail", n.SystemOwnerID, n.NewDataOwner)
	}
	plan := MakePlan(nil, recs[:2])
	if len(plan.NewContacts) != 2 || plan.NewContacts[0] != "Kirsten Lund" {
		t.Errorf("plan.NewContacts = %q", plan.NewContacts)
	}
}

func TestPersonContact(t *testing.T) {
	for v, want := range map[string]bool{"Kirsten Lund": true, "Søren O'Brien-Æbelø": true, "a@b.dk": true,
		"IT-4711": false, "42": false, "a@b": false, "x": false, "Jens <j@x.dk>": false, "": false} {
		if _, ok := PersonContact(v); ok != want {
			t.Errorf("PersonContact(%q) = %v, want %v", v, ok, want)
		}
	}
}
