package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/store"
)

const userUsage = `Usage:
  vaern user create    --org CODE --email EMAIL --role ROLE [--name NAME] [--password PW]
  vaern user set-role  --org CODE --email EMAIL --role ROLE   (the centre only)
  vaern user reset-2fa --email EMAIL [--org CODE]
  vaern user list      --org CODE
Each also takes --data DIR or --database DSN. CODE is the organisation's code (CENTRE for the centre
in the demo, a municipality code such as 751 otherwise). ROLE is one of: ` + "centre-admin, centre-analyst, coordinator, respondent, viewer." + `
Without --password, create prints a generated password. In a member, create makes only its first
coordinator (while it has nobody); its own coordinators add everyone else and change roles, and a
member that lost every coordinator is recovered from the centre's member page.`

func cmdUser(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, userUsage)
		if len(args) == 0 {
			return usageErr("user: name a subcommand")
		}
		return nil
	}
	sub := args[0]
	fs := flag.NewFlagSet("vaern user "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), userUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	org := fs.String("org", "", "organisation code")
	email := fs.String("email", "", "the user's e-mail address")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "role")
	password := fs.String("password", "", "password (generated when empty)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	switch sub {
	case "create", "set-role", "reset-2fa", "list":
	default:
		return usageErr("user: unknown subcommand %q\n%s", sub, userUsage)
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	actor := vaern.System("cli")
	findOrg := func() (vaern.Org, error) {
		if *org == "" {
			return vaern.Org{}, usageErr("user %s: --org is required", sub)
		}
		o, err := st.OrgByCode(ctx, *org)
		if err != nil {
			return o, fmt.Errorf("organisation %q: %w", *org, err)
		}
		return o, nil
	}
	switch sub {
	case "create":
		o, err := findOrg()
		if err != nil {
			return err
		}
		r := vaern.Role(*role)
		if !r.FitsOrg(o.Kind) {
			return usageErr("user create: --role %q does not fit a %s organisation", *role, o.Kind)
		}
		pw := *password
		generated := pw == ""
		if generated {
			b := make([]byte, 15)
			rand.Read(b)
			pw = base64.RawURLEncoding.EncodeToString(b)
		}
		if err := auth.CheckPasswordPolicy(pw, *email); err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		// In a member, only its first coordinator: the member's own coordinators add the rest.
		u, err := st.CreateUser(ctx, actor, store.NewUser{Email: *email, Name: *name, PasswordHash: hash, OrgID: o.ID, Role: r,
			External: o.Kind == vaern.OrgMember})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created user %d %s as %s in %s\n", u.ID, u.Email, r, o.Name)
		if generated {
			fmt.Fprintf(e.stdout, "password: %s\n", pw)
		}
	case "set-role":
		o, err := findOrg()
		if err != nil {
			return err
		}
		if o.Kind == vaern.OrgMember {
			return usageErr("user set-role: roles in a member are changed by its own coordinators (a member without one is recovered from the centre's member page)")
		}
		u, err := st.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("user %q: %w", *email, err)
		}
		m, err := st.OrgUser(ctx, o.ID, u.ID)
		if err != nil {
			return fmt.Errorf("user %q in %s: %w", *email, o.Name, err)
		}
		if err := st.SetRole(ctx, actor, o.ID, u.ID, vaern.Role(*role), m.UnitID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is now %s in %s\n", u.Email, *role, o.Name)
	case "reset-2fa":
		u, err := st.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("user %q: %w", *email, err)
		}
		var orgID int64
		if *org != "" {
			o, err := findOrg()
			if err != nil {
				return err
			}
			orgID = o.ID
		} else {
			orgs, _, err := st.UserOrgs(ctx, u.ID)
			if err != nil || len(orgs) == 0 {
				return fmt.Errorf("user %q belongs to no organisation", *email)
			}
			orgID = orgs[0].ID
		}
		if err := st.ResetTOTP(ctx, actor, orgID, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "two-factor sign-in reset for %s; their sessions are ended\n", u.Email)
	case "list":
		o, err := findOrg()
		if err != nil {
			return err
		}
		people, err := st.OrgUsers(ctx, o.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tUNIT\t2FA")
		for _, p := range people {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%v\n", p.ID, p.Email, p.Name, p.Role, strings.TrimSpace(p.UnitName), p.HasSecondFactor())
		}
		tw.Flush()
	}
	return nil
}
