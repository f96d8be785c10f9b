package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/warnings"
)

const advisoryUsage = `Usage:
  vaern advisory import [--data DIR | --database URL] [--override] FILE...

import reads CISA KEV catalogues, CVE JSON 5 records and CSAF 2.0 documents (told apart by their
content), publishes what it reads and matches it against every member's register before it
returns. It prints one line per file: "FILE: N advisories" or "FILE: error: ..." with the JSON path
of the problem. A file is imported whole or not at all; a re-import updates, never duplicates. The
exit status is 1 if any file failed.

--override imports a CSAF document that fails mandatory tests of CSAF 2.0 section 6.1 anyway; the
advisory then shows the tests it failed. Schema errors are never overridden.`

func cmdAdvisory(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, advisoryUsage)
		if len(args) == 0 {
			return usageErr("advisory: name a subcommand")
		}
		return nil
	}
	sub := args[0]
	if sub != "import" {
		return usageErr("advisory: unknown subcommand %q\n%s", sub, advisoryUsage)
	}
	fs := flag.NewFlagSet("vaern advisory import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), advisoryUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	override := fs.Bool("override", false, "import CSAF documents that fail mandatory tests anyway")
	files, err := regParseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("advisory import: name at least one FILE\n%s", advisoryUsage)
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	centre, err := st.Centre(ctx)
	if err != nil {
		return fmt.Errorf("advisory import: no security centre in this database (vaern centre create): %w", err)
	}
	actor := vaern.System("cli")
	failed := 0
	var ids []int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: error: %v\n", f, unwrapPathErr(err))
			failed++
			continue
		}
		im, err := warnings.ImportFile(ctx, st, actor, centre.ID, f, data, *override, false)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: error: %s\n", f, warnings.ErrorText(err))
			failed++
			continue
		}
		fmt.Fprintf(e.stdout, "%s: %d advisories\n", f, len(im.Saved))
		for _, t := range im.Failed {
			fmt.Fprintf(e.stdout, "%s: imported despite CSAF test %s at %s: %s\n", f, t.Test, t.Path, t.Message)
		}
		ids = append(ids, im.Changed()...)
	}
	if len(ids) > 0 {
		if _, err := warnings.NewRunner(st, false).MatchAdvisories(ctx, ids); err != nil {
			return fmt.Errorf("advisory import: matching: %w", err)
		}
	}
	if failed > 0 {
		return &exitError{code: 1}
	}
	return nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
