// Package demo seeds a realistic demo installation: a centre, all 98 Danish municipalities and a
// group of Norwegian ones with their unit trees, and users for every role.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	demodata "github.com/vaern/vaern/internal/demo/data"
	"github.com/vaern/vaern/internal/store"
)

// Password is every demo user's password. Demo users need no second factor.
const Password = "vaern-demo-2026"

// Login is a demo user's role and address.
type Login struct {
	Role  vaern.Role
	Email string
	Org   string
}

// featured are the members whose people get demo logins: two Danish municipalities and one
// Norwegian, so that every role and both languages can be tried.
var featured = []struct{ code, slug string }{{"751", "aarhus"}, {"101", "koebenhavn"}, {"4601", "bergen"}}

// Logins lists the demo users in the order they are printed.
func Logins() []Login {
	out := []Login{
		{vaern.RoleCentreAdmin, "admin@centre.vaern.demo", "centre"},
		{vaern.RoleCentreAnalyst, "analytiker@centre.vaern.demo", "centre"},
	}
	for _, f := range featured {
		out = append(out,
			Login{vaern.RoleCoordinator, "koordinator@" + f.slug + ".vaern.demo", f.code},
			Login{vaern.RoleRespondent, "respondent@" + f.slug + ".vaern.demo", f.code},
			Login{vaern.RoleViewer, "leder@" + f.slug + ".vaern.demo", f.code})
	}
	return out
}

// Seed fills an empty database with the demo. It reports false, and changes nothing, when the
// database already holds a centre.
func Seed(ctx context.Context, st *store.Store) (bool, error) { return SeedAt(ctx, st, "") }

// SeedAt is Seed for a demo served at baseURL: the few notifications the seed makes through the
// notifier (SeedServices) link their e-mails there.
func SeedAt(ctx context.Context, st *store.Store, baseURL string) (bool, error) {
	if _, err := st.Centre(ctx); err == nil {
		return false, nil
	}
	sys := vaern.System("demo")
	centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "CENTRE", Name: "Værn Sikkerhedscenter (demo)", Country: "DK"})
	if err != nil {
		return false, fmt.Errorf("demo: centre: %w", err)
	}
	if _, err := st.InstallBuiltinFrameworks(ctx, centre.ID); err != nil {
		return false, fmt.Errorf("demo: frameworks: %w", err)
	}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return false, err
	}
	members := map[string]vaern.Org{}
	firstUnit := map[string]int64{}
	all := append(append([]demodata.Municipality{}, demodata.Denmark...), demodata.Norway...)
	// The members have been members for years: their creation is dated before the seeded
	// history, so that the anonymity notices (new members, members in a round) show nothing
	// alarming in the demo.
	joined := time.Date(time.Now().Year()-6, 1, 2, 9, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return joined })
	defer st.SetClock(time.Now)
	// One transaction per municipality: fast on SQLite's single writer, and a failure leaves whole
	// municipalities, never half a tree.
	for _, m := range all {
		err := st.Write(ctx, func(tx *store.Tx) error {
			o, err := tx.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: m.Code, Name: m.Name, Country: m.Country,
				Region: m.Region, Population: m.Population, SizeClass: vaern.SizeClassOf(m.Population)})
			if err != nil {
				return err
			}
			members[m.Code] = o
			var add func(parent int64, specs []demodata.UnitSpec) error
			add = func(parent int64, specs []demodata.UnitSpec) error {
				for _, sp := range specs {
					u, err := tx.CreateUnit(ctx, sys, o.ID, parent, sp.Name)
					if err != nil {
						return err
					}
					if parent != 0 && firstUnit[m.Code] == 0 {
						firstUnit[m.Code] = u.ID
					}
					if err := add(u.ID, sp.Children); err != nil {
						return err
					}
				}
				return nil
			}
			return add(0, demodata.UnitTree(m))
		})
		if err != nil {
			return false, fmt.Errorf("demo: %s %s: %w", m.Code, m.Name, err)
		}
	}
	st.SetClock(time.Now)
	names := map[string][]string{"DK": demodata.PersonNames("DK"), "NO": demodata.PersonNames("NO")}
	for i, l := range Logins() {
		org, country := centre, "DK"
		var unit int64
		if l.Org != "centre" {
			org = members[l.Org]
			country = org.Country
			if l.Role == vaern.RoleRespondent {
				unit = firstUnit[l.Org]
			}
		}
		nm := names[country]
		name := nm[(i*7)%len(nm)]
		_, err := st.CreateUser(ctx, sys, store.NewUser{Email: l.Email, Name: name, Lang: langOf(country, l.Role),
			PasswordHash: hash, OrgID: org.ID, Role: l.Role, UnitID: unit})
		if err != nil {
			return false, fmt.Errorf("demo: user %s: %w", l.Email, err)
		}
	}
	if err := SeedBaseline(ctx, st, centre); err != nil {
		return false, err
	}
	if err := seedDelegations(ctx, st, members, firstUnit); err != nil {
		return false, err
	}
	if err := SeedRegister(ctx, st); err != nil {
		return false, err
	}
	if err := SeedWarnings(ctx, st); err != nil {
		return false, err
	}
	if err := SeedIncidents(ctx, st); err != nil {
		return false, err
	}
	if err := SeedServices(ctx, st, baseURL); err != nil {
		return false, err
	}
	if err := SeedIndicators(ctx, st); err != nil {
		return false, err
	}
	if err := SeedSensors(ctx, st); err != nil {
		return false, err
	}
	if err := SeedCorrelation(ctx, st); err != nil {
		return false, err
	}
	if err := SeedKnowledge(ctx, st, centre); err != nil {
		return false, err
	}
	return true, nil
}

// seedDelegations gives the featured members' respondents work in the open round: their unit's
// department questions, and one focus area to the respondent personally.
func seedDelegations(ctx context.Context, st *store.Store, members map[string]vaern.Org, firstUnit map[string]int64) error {
	sys := vaern.System("demo")
	for _, f := range featured {
		m := members[f.code]
		list, err := st.Assessments(ctx, m.ID)
		if err != nil || len(list) == 0 {
			return fmt.Errorf("demo: assessments of %s: %v", m.Name, err)
		}
		open := list[0]
		resp, err := st.UserByEmail(ctx, "respondent@"+f.slug+".vaern.demo")
		if err != nil {
			return err
		}
		unit := firstUnit[f.code]
		due := open.Round.ClosesAt.AddDate(0, 0, -10)
		for _, d := range []vaern.Delegation{
			{AssessmentID: open.ID, ScopeKind: vaern.DelegateDepartment, AssigneeUnitID: unit, UnitID: unit, Due: due,
				Note: delegationNote(m.Country)},
			{AssessmentID: open.ID, ScopeKind: vaern.DelegateArea, ScopeRef: "AWARE", AssigneeUserID: resp.ID, UnitID: unit, Due: due},
		} {
			if _, err := st.CreateDelegation(ctx, sys, m.ID, d, nil); err != nil {
				return fmt.Errorf("demo: delegation in %s: %w", m.Name, err)
			}
		}
	}
	return nil
}

// delegationNote is the coordinator's note on the demo's department delegation, written in the
// member's own language as a coordinator there would write it.
func delegationNote(country string) string {
	if strings.EqualFold(country, "NO") {
		return "Svar for egen enhet."
	}
	return "Svar for jeres egen afdeling."
}

// langOf gives Norwegian users bokmål; everyone else follows the browser.
func langOf(country string, _ vaern.Role) string {
	if strings.EqualFold(country, "NO") {
		return "nb"
	}
	return ""
}

// Norway is the number of Norwegian demo municipalities.
func Norway() int { return len(demodata.Norway) }
