package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

const frameworkUsage = `Usage:
  vaern framework validate FILE
  vaern framework import FILE [--draft]
  vaern framework list
  vaern framework export ID VERSION [--format yaml|json]
  vaern framework import-oscal FILE
All but validate also take --data DIR or --database DSN (or VAERN_DATABASE) and work on the
centre's frameworks; create the centre first with vaern centre create (or run vaern demo).

validate   checks a YAML or JSON framework file; exit status 0 when it is valid, otherwise 1 with
           one line per problem: FILE:LINE: FIELD: message
import     validates the file and stores it as a new framework version, finished unless --draft;
           a draft of the same id and version is replaced. Prints ID VERSION.
list       one line per framework: ID VERSION TITLE
export     writes a framework in canonical form to standard output (YAML unless --format json)
import-oscal  turns an OSCAL catalogue (JSON) into a draft framework and stores it; prints ID VERSION.
              Export the draft, edit it and import it again.`

func cmdFramework(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, frameworkUsage)
		if len(args) == 0 {
			return usageErr("framework: name a subcommand")
		}
		return nil
	}
	sub := args[0]
	fs := flag.NewFlagSet("vaern framework "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), frameworkUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	draft := fs.Bool("draft", false, "import: store the framework as a draft (not usable in rounds, replaceable)")
	format := fs.String("format", "yaml", "export: yaml or json")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string]int{"validate": 1, "import": 1, "list": 0, "export": 2, "import-oscal": 1}
	n, ok := want[sub]
	if !ok {
		return usageErr("framework: unknown subcommand %q\n%s", sub, frameworkUsage)
	}
	if len(pos) != n {
		return usageErr("framework %s: expected %d arguments, got %d\n%s", sub, n, len(pos), frameworkUsage)
	}
	if sub == "validate" {
		return frameworkValidate(e, pos[0])
	}
	if sub == "export" && *format != "yaml" && *format != "json" {
		return usageErr("framework export: --format must be yaml or json")
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	centre, err := st.Centre(ctx)
	if errors.Is(err, vaern.ErrNotFound) {
		return errors.New("there is no centre in this database yet: create it with `vaern centre create --name NAME --code CODE --country DK|NO` (or run `vaern demo` for a demo installation)")
	}
	if err != nil {
		return err
	}
	actor := vaern.System("cli")
	switch sub {
	case "import":
		fw, err := readFramework(pos[0], framework.MaxFileSize, framework.Parse)
		if err != nil {
			return problemsOrErr(e, pos[0], err)
		}
		info, err := st.SaveFramework(ctx, actor, centre.ID, fw, false, *draft)
		if ve := (*framework.ValidationError)(nil); errors.As(err, &ve) {
			return problemsOrErr(e, pos[0], err) // the mapping does not fit the previous version
		}
		if err != nil {
			return fmt.Errorf("import framework %s: %w", pos[0], err)
		}
		fmt.Fprintln(e.stdout, info.FID, info.Version)
	case "import-oscal":
		fw, err := readFramework(pos[0], maxOSCALSize, framework.ImportOSCAL)
		if err != nil {
			return problemsOrErr(e, pos[0], err)
		}
		info, err := st.SaveFramework(ctx, actor, centre.ID, fw, false, true)
		if err != nil {
			return fmt.Errorf("import OSCAL catalogue %s: %w", pos[0], err)
		}
		fmt.Fprintln(e.stdout, info.FID, info.Version)
	case "list":
		list, err := st.Frameworks(ctx, centre.ID)
		if err != nil {
			return err
		}
		for _, f := range list {
			fmt.Fprintln(e.stdout, f.FID, f.Version, f.Title)
		}
	case "export":
		info, err := st.FrameworkByVersion(ctx, centre.ID, pos[0], pos[1])
		if errors.Is(err, vaern.ErrNotFound) {
			return fmt.Errorf("framework %s version %s: not found (see vaern framework list)", pos[0], pos[1])
		}
		if err != nil {
			return err
		}
		_, fw, err := st.Framework(ctx, info.ID)
		if err != nil {
			return err
		}
		b, err := framework.Marshal(fw, *format)
		if err != nil {
			return fmt.Errorf("export framework %s %s: %w", info.FID, info.Version, err)
		}
		_, err = e.stdout.Write(b)
		return err
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after the positional arguments
// (vaern framework import FILE --draft), which the flag package alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// maxOSCALSize bounds an OSCAL catalogue read from a file: the full NIST SP 800-53 catalogue is
// about 10 MB.
const maxOSCALSize = 64 << 20

func readFramework(path string, limit int64, parse func(string, []byte) (*framework.Framework, error)) (*framework.Framework, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read one byte more than allowed so that a file that is too large is reported, not cut.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the file is larger than %d MB", limit>>20)
	}
	return parse(path, data)
}

// problemsOrErr prints every problem of a framework file, one line each, and fails with status 1.
func problemsOrErr(e env, path string, err error) error {
	var ve *framework.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, p := range ve.Problems {
		fmt.Fprintln(e.stdout, p.String())
	}
	return &exitError{code: 1, msg: fmt.Sprintf("%s: %d problems; nothing was imported", path, len(ve.Problems))}
}

func frameworkValidate(e env, path string) error {
	fw, err := readFramework(path, framework.MaxFileSize, framework.Parse)
	if err != nil {
		var ve *framework.ValidationError
		if !errors.As(err, &ve) {
			// An unreadable file still gets a FILE:LINE: line, so scripts can parse every failure.
			fmt.Fprintf(e.stdout, "%s:0: %v\n", path, err)
			return &exitError{code: 1}
		}
		for _, p := range ve.Problems {
			fmt.Fprintln(e.stdout, p.String())
		}
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %d problems", path, len(ve.Problems))}
	}
	fmt.Fprintf(e.stdout, "%s: valid (%s %s, %d questions)\n", path, fw.ID, fw.Version, len(fw.Questions()))
	return nil
}
