package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/wire"
)

func cmdMigrate(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	dsn, err := d.dsn()
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	for _, a := range applied {
		fmt.Fprintln(e.stdout, "applied", a)
	}
	if err != nil {
		return err
	}
	v, _ := st.SchemaVersion(ctx)
	fmt.Fprintf(e.stdout, "schema at version %d (%s)\n", v, st.Engine())
	return nil
}

func cmdVersion(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern version", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "vaern", vaern.Version)
	return nil
}

func cmdAudit(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.stderr, "Usage: vaern audit verify [--data DIR | --database DSN]\n\nWalks every organisation's hash chain and reports each changed, inserted or removed row. Exit status 1 when a problem is found.")
			return nil
		}
		return usageErr("usage: vaern audit verify [--data DIR | --database DSN]")
	}
	fs := flag.NewFlagSet("vaern audit verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var d dbFlags
	d.register(fs, e)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n, problems, err := st.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p.String())
	}
	if len(problems) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("audit log: %d problems in %d rows", len(problems), n)}
	}
	fmt.Fprintf(e.stdout, "audit log intact: %d rows verified\n", n)
	return nil
}
