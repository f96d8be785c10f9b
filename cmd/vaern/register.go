package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
)

const registerUsage = `Usage:
  vaern register import      --org CODE FILE [--dry-run] [--map "Header=field,..."]
  vaern register import-sbom --org CODE --system NAME FILE [--remove-all]
  vaern register export      --org CODE [--format csv|xlsx|json] [--lang da|nb|en] [--out FILE]
Each also takes --data DIR or --database DSN (default VAERN_DATABASE). CODE is the member's official
code (e.g. 751 for Aarhus, 4601 for Bergen).

import reads a CSV or XLSX spreadsheet. Columns are recognised by their headers (Danish, Norwegian or
English); --map sets or overrides a column's field, e.g. --map "Ansvarlig=system_owner,Drift=hosting"
(a field of "-" ignores the column). Every row is checked first and each problem printed on a line of
its own, starting "row N:"; with problems, or with --dry-run, nothing is written. The exit status is 1
when there are problems. A system whose name the register has is updated, any other is created; an
import is all or nothing.

import-sbom replaces a system's components with those of a CycloneDX (1.4–1.6), SPDX 2.3 or SPDX 3.0
JSON SBOM, creating the system when the member has none of that name. An SBOM that lists no
components does not replace existing ones unless --remove-all confirms that they should all go.

Fields: ` + "name, description, system_owner, data_owner, unit, vendor, product, version, cpe, purl, hosting, supplier, dpa_status, dpa_date, dpa_review, personal_data, confidentiality, integrity, availability, rto_hours, rpo_hours, internet_exposed, tags, notes"

func cmdRegister(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, registerUsage)
		if len(args) == 0 {
			return usageErr("register: name a subcommand")
		}
		return nil
	}
	sub := args[0]
	fs := flag.NewFlagSet("vaern register "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), registerUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	org := fs.String("org", "", "the member's official code")
	dry := fs.Bool("dry-run", false, "import: check every row and print the problems, write nothing")
	mapping := fs.String("map", "", `import: column mapping overrides, "Header=field,..."`)
	system := fs.String("system", "", "import-sbom: the system's name")
	removeAll := fs.Bool("remove-all", false, "import-sbom: let an SBOM that lists no components remove all the system's components")
	format := fs.String("format", "csv", "export: csv, xlsx or json")
	lang := fs.String("lang", "en", "export: language of the headers (da, nb or en)")
	out := fs.String("out", "", "export: file to write (default standard output)")
	files, err := regParseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	switch sub {
	case "import", "import-sbom":
		if len(files) != 1 {
			return usageErr("register %s: name one FILE\n%s", sub, registerUsage)
		}
	case "export":
		if len(files) != 0 {
			return usageErr("register export: unexpected argument %q", files[0])
		}
	default:
		return usageErr("register: unknown subcommand %q\n%s", sub, registerUsage)
	}
	if *org == "" {
		return usageErr("register %s: --org CODE is required", sub)
	}
	st, err := d.open(ctx, false)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := st.OrgByCode(ctx, *org)
	if err != nil || o.IsCentre() {
		return fmt.Errorf("register: no member with code %q", *org)
	}
	actor := vaern.System("cli")
	switch sub {
	case "import":
		return registerImport(ctx, e, st, o, actor, files[0], *mapping, *dry)
	case "import-sbom":
		return registerImportSBOM(ctx, e, st, o, actor, *system, files[0], *removeAll)
	}
	return registerExport(ctx, e, st, o, *format, *lang, *out)
}

// regParseArgs parses flags that may stand before or after the positional arguments
// ("import --org 751 FILE --dry-run").
func regParseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func registerImport(ctx context.Context, e env, st *store.Store, o vaern.Org, actor vaern.Actor, file, overrides string, dry bool) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	tab, err := register.ReadTable(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	m := register.GuessMapping(tab.Header)
	if overrides != "" {
		for _, pair := range strings.Split(overrides, ",") {
			h, f, ok := strings.Cut(pair, "=")
			if !ok {
				return usageErr("--map: %q is not Header=field", pair)
			}
			found := false
			for i, hd := range tab.Header {
				if strings.EqualFold(strings.TrimSpace(hd), strings.TrimSpace(h)) {
					found = true
					m[i] = strings.TrimSpace(f)
					if m[i] == "-" {
						m[i] = ""
					}
				}
			}
			if !found {
				return usageErr("--map: the file has no column %q", h)
			}
		}
	}
	for i, h := range tab.Header {
		what := m[i]
		if what == "" {
			what = "(ignored)"
		}
		fmt.Fprintf(e.stderr, "column %-30q → %s\n", h, what)
	}
	res, err := st.Resolver(ctx, o.ID)
	if err != nil {
		return err
	}
	bar := newProgressBar(e.stdout, "checking")
	recs, probs := register.Check(tab, m, res, bar.update)
	bar.finish()
	for _, p := range probs {
		fmt.Fprintln(e.stdout, p.String())
	}
	if len(probs) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %d problems in %d rows; nothing was imported", file, len(probs), len(tab.Rows))}
	}
	if dry {
		fmt.Fprintf(e.stdout, "%s: %d rows, no problems (dry run: nothing was written)\n", file, len(recs))
		return nil
	}
	bar = newProgressBar(e.stdout, "importing")
	start := time.Now()
	r, err := st.ImportSystems(ctx, actor, o.ID, recs, filepath.Base(file), bar.update)
	bar.finish()
	if err != nil {
		return fmt.Errorf("%s: nothing was imported: %w", file, err)
	}
	fmt.Fprintf(e.stdout, "%s: %d created, %d updated, %d unchanged in %s\n", file, r.Created, r.Updated, r.Unchanged, time.Since(start).Round(time.Millisecond))
	return nil
}

func registerImportSBOM(ctx context.Context, e env, st *store.Store, o vaern.Org, actor vaern.Actor, name, file string, removeAll bool) error {
	if strings.TrimSpace(name) == "" {
		return usageErr("register import-sbom: --system NAME is required")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	doc, err := register.ParseSBOM(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	sys, err := st.SystemByName(ctx, o.ID, name)
	created := false
	if errors.Is(err, vaern.ErrNotFound) {
		// The SBOM's own subject says what the system is, where it says it.
		sub := doc.Subject
		newSys := vaern.ITSystem{Name: name, Product: sub.Name, Version: sub.Version, PURL: sub.PURL, CPE: sub.CPE}
		if c, err := register.ParseCPE(sub.CPE); err == nil {
			newSys.Vendor = c.Vendor
		}
		sys, err = st.CreateSystem(ctx, actor, o.ID, newSys)
		if err != nil {
			return err
		}
		created = true
	} else if err != nil {
		return err
	}
	start := time.Now()
	source := doc.Format + " " + filepath.Base(file)
	if len(doc.Components) == 0 && removeAll {
		err = st.ClearComponents(ctx, actor, o.ID, sys.ID, sys.Components, source+" (confirmed: no components)")
	} else {
		err = st.ReplaceComponents(ctx, actor, o.ID, sys.ID, doc.Components, source)
	}
	var rae *store.RemoveAllError
	if errors.As(err, &rae) {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: %s lists no components; nothing was changed (the system keeps its %d components; --remove-all removes them)", file, doc.Format, rae.Components)}
	}
	if err != nil {
		return err
	}
	verb := "updated"
	if created {
		verb = "created"
	}
	fmt.Fprintf(e.stdout, "%s: %s, %d components (system %q %s) in %s\n", file, doc.Format, len(doc.Components), sys.Name, verb, time.Since(start).Round(time.Millisecond))
	return nil
}

func registerExport(ctx context.Context, e env, st *store.Store, o vaern.Org, format, lang, out string) error {
	list, _, err := st.Systems(ctx, o.ID, vaern.SystemFilter{})
	if err != nil {
		return err
	}
	var w io.Writer = e.stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch format {
	case "csv":
		err = register.WriteCSV(w, list, lang)
	case "xlsx":
		err = register.WriteXLSX(w, list, lang)
	case "json":
		err = register.WriteJSON(w, list)
	default:
		return usageErr("register export: --format must be csv, xlsx or json")
	}
	if err == nil && out != "" {
		fmt.Fprintf(e.stderr, "%s: %d systems\n", out, len(list))
	}
	return err
}

// progressBar draws progress on a terminal; elsewhere (a pipe, a log) it stays quiet, so that the
// output is only the problems and the result.
type progressBar struct {
	w     io.Writer
	label string
	on    bool
	last  time.Time
}

func newProgressBar(w io.Writer, label string) *progressBar {
	f, ok := w.(*os.File)
	return &progressBar{w: w, label: label, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progressBar) update(done, total int) {
	if !p.on || total == 0 || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	n := done * width / total
	fmt.Fprintf(p.w, "\r%-10s [%s%s] %d/%d", p.label, strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
}

func (p *progressBar) finish() {
	if p.on && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
