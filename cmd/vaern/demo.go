package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/vaern/vaern/internal/demo"
)

func cmdDemo(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c serverConfig
	c.register(fs, e, "127.0.0.1:8080")
	scale := fs.String("scale", "", "instead of the demo, generate a benchmark dataset of MEMBERS,ROUNDS,QUESTIONS (e.g. 357,10,400) into the empty database; see docs/BENCHMARKS.md")
	generateOnly := fs.Bool("generate-only", false, "with --scale: stop after generating instead of starting the server")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: vaern demo [--addr 127.0.0.1:8080] [--data DIR] [--scale MEMBERS,ROUNDS,QUESTIONS [--generate-only]]\n\nCreates the demo database in DIR (default ./vaern-demo) if it is empty, reuses it otherwise, and runs the server.\nWith --scale it generates a benchmark dataset into an empty database instead (docs/BENCHMARKS.md).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.db.data == "" && c.db.database == "" {
		c.db.data = "vaern-demo"
	}
	if c.db.data != "" {
		if err := os.MkdirAll(c.db.data, 0o750); err != nil {
			return err
		}
	}
	if err := c.validate(); err != nil {
		return err
	}
	st, err := c.db.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if *scale != "" {
		spec, err := demo.ParseScale(*scale)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Generating %d members × %d rounds × %d questions ...\n", spec.Members, spec.Rounds, spec.Questions)
		res, err := demo.Scale(ctx, st, spec, c.benchmarkK, e.stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Generated %d answers in %.1f s (of which results and aggregates %.1f s).\n", res.Answers, res.Generate.Seconds(), res.Results.Seconds())
		fmt.Fprintf(e.stdout, "scale login: centre-admin %s %s\nscale login: coordinator %s %s\n", res.Admin, demo.Password, res.Coords[0], demo.Password)
		if *generateOnly {
			return nil
		}
		return serve(ctx, e, c, st, true, func(url string) { fmt.Fprintln(e.stdout, "Værn (generated dataset) is running at", url) })
	}
	fmt.Fprintln(e.stdout, "Preparing the demo database ...")
	// The demo's own identity provider, at /demo-idp/, as Aarhus's OIDC provider (docs/sso.md).
	c.demoIdP = true
	seeded, err := demo.SeedAt(ctx, st, c.baseURL)
	if err != nil {
		return err
	}
	if seeded {
		fmt.Fprintln(e.stdout, "Seeded a new demo: a centre, 98 Danish and", demo.Norway(), "Norwegian municipalities with their units, and the users below.")
	} else {
		fmt.Fprintln(e.stdout, "Reusing the existing demo database.")
	}
	return serve(ctx, e, c, st, true, func(url string) {
		fmt.Fprintln(e.stdout, "Værn demo is running at", url)
		fmt.Fprintln(e.stdout, "Demo identity provider (Aarhus, single sign-on and single logout):", url+"/demo-idp/")
		for _, l := range demo.Logins() {
			fmt.Fprintf(e.stdout, "demo login: %s %s %s\n", l.Role, l.Email, demo.Password)
		}
	})
}
