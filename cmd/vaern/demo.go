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
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: vaern demo [--addr 127.0.0.1:8080] [--data DIR]\n\nCreates the demo database in DIR (default ./vaern-demo) if it is empty, reuses it otherwise, and runs the server.")
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
	fmt.Fprintln(e.stdout, "Preparing the demo database ...")
	seeded, err := demo.Seed(ctx, st)
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
		for _, l := range demo.Logins() {
			fmt.Fprintf(e.stdout, "demo login: %s %s %s\n", l.Role, l.Email, demo.Password)
		}
	})
}
