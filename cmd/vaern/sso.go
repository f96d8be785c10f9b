package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sso"
)

const ssoUsage = `Usage:
  vaern sso add-oidc --org CODE --name NAME --issuer URL --client-id ID --client-secret S
                     [--scopes "openid email profile"] [--acr "idporten-loa-substantial"]
                     [--claim-email C] [--claim-name C] [--claim-groups C]
                     [--jit] [--default-role ROLE] [--role-map "group=role,group=role"]
  vaern sso add-saml --org CODE --name NAME --metadata FILE [--profile oiosaml3] [--acr LEVEL]
                     [--claim-email A] [--claim-name A] [--claim-groups A]
                     [--jit] [--default-role ROLE] [--role-map "group=role,..."]
  vaern sso list     --org CODE
  vaern sso remove   --org CODE --id ID
Each also takes --data DIR or --database DSN, and --base-url URL (env VAERN_BASE_URL) to print the
addresses to register at the identity provider. A provider signs people into its own organisation
only; --jit creates people it does not know with --default-role (viewer, or centre-analyst in the
centre) or the first --role-map match. See docs/sso.md.`

func cmdSSO(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, ssoUsage)
		if len(args) == 0 {
			return usageErr("sso: name a subcommand")
		}
		return nil
	}
	sub := args[0]
	switch sub {
	case "add-oidc", "add-saml", "list", "remove":
	default:
		return usageErr("sso: unknown subcommand %q\n%s", sub, ssoUsage)
	}
	fs := flag.NewFlagSet("vaern sso "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), ssoUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	base := fs.String("base-url", e.getenv("VAERN_BASE_URL"), "the server's public URL")
	org := fs.String("org", "", "organisation code")
	name := fs.String("name", "", "the provider's name, shown as \"Sign in with NAME\"")
	issuer := fs.String("issuer", "", "OIDC issuer URL (the tenant's own, for Entra ID)")
	clientID := fs.String("client-id", "", "OIDC client id")
	secret := fs.String("client-secret", "", "OIDC client secret")
	scopes := fs.String("scopes", "", "OIDC scopes, separated by spaces")
	acr := fs.String("acr", "", "required acr values (OIDC), or the assurance level asked for (SAML)")
	metadata := fs.String("metadata", "", "SAML: the IdP's metadata file")
	profile := fs.String("profile", "", "SAML profile: empty or oiosaml3")
	claimEmail := fs.String("claim-email", "", "claim or attribute holding the e-mail")
	claimName := fs.String("claim-name", "", "claim or attribute holding the name")
	claimGroups := fs.String("claim-groups", "", "claim or attribute holding groups or roles")
	jit := fs.Bool("jit", false, "create people the provider knows but Værn does not")
	defRole := fs.String("default-role", "", "role for new people")
	roleMap := fs.String("role-map", "", "group=role pairs, separated by commas")
	id := fs.Int64("id", 0, "the provider's id (remove)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *org == "" {
		return usageErr("sso %s: --org is required", sub)
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := st.OrgByCode(ctx, *org)
	if err != nil {
		return fmt.Errorf("organisation %q: %w", *org, err)
	}
	actor := vaern.System("cli")
	common := func(kind vaern.IdPKind) (vaern.IdentityProvider, error) {
		rm, err := sso.ParseRoleMap(strings.ReplaceAll(*roleMap, ",", "\n"))
		if err != nil {
			return vaern.IdentityProvider{}, err
		}
		return vaern.IdentityProvider{Kind: kind, Name: *name, ACRValues: strings.Fields(*acr), ClaimEmail: *claimEmail,
			ClaimName: *claimName, ClaimGroups: *claimGroups, JIT: *jit, DefaultRole: vaern.Role(*defRole), RoleMap: rm}, nil
	}
	switch sub {
	case "add-oidc":
		p, err := common(vaern.IdPOIDC)
		if err != nil {
			return err
		}
		p.Issuer, p.ClientID, p.ClientSecret, p.Scopes = *issuer, *clientID, *secret, strings.Fields(*scopes)
		p, err = st.CreateIdentityProvider(ctx, actor, o.ID, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added OIDC provider %d %q to %s\n", p.ID, p.Name, o.Name)
		if *base != "" {
			b := strings.TrimRight(*base, "/")
			fmt.Fprintf(e.stdout, "redirect URI to register: %s/sso/%d/callback\n", b, p.ID)
			fmt.Fprintf(e.stdout, "post-logout redirect URI: %s/sso/%d/logged-out\nback-channel logout URI: %s/sso/%d/backchannel-logout\n", b, p.ID, b, p.ID)
		}
	case "add-saml":
		if *metadata == "" {
			return usageErr("sso add-saml: --metadata FILE is required")
		}
		data, err := os.ReadFile(*metadata)
		if err != nil {
			return err
		}
		p, err := common(vaern.IdPSAML)
		if err != nil {
			return err
		}
		if p.Issuer, err = sso.CheckMetadata(ctx, data); err != nil {
			return err
		}
		p.Metadata, p.Profile = string(data), *profile
		if p.SPKey, p.SPCert, err = sso.NewKeyPair("Værn "+p.Name, st.Now()); err != nil {
			return err
		}
		p, err = st.CreateIdentityProvider(ctx, actor, o.ID, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added SAML provider %d %q (%s) to %s\n", p.ID, p.Name, p.Issuer, o.Name)
		if *base != "" {
			meta, acs := sso.SPURLs(*base, p.ID)
			slo := sso.SLOURL(*base, p.ID)
			fmt.Fprintf(e.stdout, "service provider metadata: %s\nassertion consumer service: %s\nsingle logout service: %s\n", meta.String(), acs.String(), slo.String())
		}
	case "list":
		list, err := st.IdentityProviders(ctx, o.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tNAME\tISSUER\tJIT")
		for _, p := range list {
			jit := "-"
			if p.JIT {
				jit = string(p.DefaultRole)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", p.ID, p.Kind, p.Name, p.Issuer, jit)
		}
		tw.Flush()
	case "remove":
		if *id == 0 {
			return usageErr("sso remove: --id is required")
		}
		if err := st.DeleteIdentityProvider(ctx, actor, o.ID, *id); err != nil {
			return fmt.Errorf("provider %s in %s: %w", strconv.FormatInt(*id, 10), o.Name, err)
		}
		fmt.Fprintf(e.stdout, "removed provider %d from %s\n", *id, o.Name)
	}
	return nil
}
