package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/vaern/vaern"
)

const centreUsage = `Usage:
  vaern centre create --name NAME --code CODE --country DK|NO [--data DIR | --database DSN]
Creates the installation's one security centre and installs the built-in question frameworks.
Run vaern migrate first. The demo (vaern demo) creates its own centre.`

func cmdCentre(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, centreUsage)
		if len(args) == 0 {
			return usageErr("centre: name a subcommand")
		}
		return nil
	}
	if args[0] != "create" {
		return usageErr("centre: unknown subcommand %q\n%s", args[0], centreUsage)
	}
	fs := flag.NewFlagSet("vaern centre create", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), centreUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	name := fs.String("name", "", "the centre's name, e.g. KL Sikkerhedscenter")
	code := fs.String("code", "", "the centre's short code, used with vaern user --org, e.g. CENTRE")
	country := fs.String("country", "", "DK or NO")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("centre create: unexpected argument %q\n%s", fs.Arg(0), centreUsage)
	}
	var missing []string
	for _, f := range []struct{ flag, v string }{{"--name", *name}, {"--code", *code}, {"--country", *country}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		return usageErr("centre create: %s required\n%s", strings.Join(missing, ", "), centreUsage)
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := st.CreateCentre(ctx, vaern.System("cli"), vaern.Org{Name: *name, Code: *code, Country: strings.ToUpper(*country)})
	if errors.Is(err, vaern.ErrConflict) {
		existing, _ := st.Centre(ctx)
		return fmt.Errorf("this installation already has a centre: %s (code %s)", existing.Name, existing.Code)
	}
	if err != nil {
		return fmt.Errorf("create centre: %w", err)
	}
	added, err := st.InstallBuiltinFrameworks(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("centre %s created, but installing the built-in frameworks failed (run vaern centre create again after fixing it): %w", c.Name, err)
	}
	fmt.Fprintf(e.stdout, "created centre %d %s (code %s, %s)\n", c.ID, c.Name, c.Code, c.Country)
	for _, f := range added {
		fmt.Fprintf(e.stdout, "installed framework %s %s (%d questions)\n", f.FID, f.Version, f.Questions)
	}
	fmt.Fprintf(e.stdout, "next: vaern user create --org %s --email EMAIL --role centre-admin\n", c.Code)
	return nil
}
