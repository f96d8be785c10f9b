// Command vaern is Værn: the server, the demo and the operator's tools in one binary.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is how the program reads its environment (a function, so tests can pass their own).
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":        {"run the server (configuration from flags and VAERN_* variables)", cmdServe},
		"demo":         {"create or reuse a demo database, seed it and run the server", cmdDemo},
		"migrate":      {"bring the database schema up to date", cmdMigrate},
		"user":         {"manage users: create, set-role, reset-2fa, list", cmdUser},
		"sso":          {"single sign-on providers: add-oidc, add-saml, list, remove", cmdSSO},
		"audit":        {"check the audit log: audit verify", cmdAudit},
		"register":     {"the system register: import, import-sbom, export", cmdRegister},
		"advisory":     {"warnings: import KEV, CVE JSON 5 and CSAF 2.0 advisories: advisory import FILE...", cmdAdvisory},
		"version":      {"print the version", cmdVersion},
		"openapi":      {"print the JSON API's OpenAPI document", cmdOpenAPI},
		"framework":    {"question frameworks: validate, import, list, export, import-oscal", cmdFramework},
		"jobs":         {"background jobs: jobs list", cmdJobs},
		"centre":       {"create the installation's security centre: centre create", cmdCentre},
		"backup":       {"write a consistent, verified backup while the server runs: backup --to FILE", cmdBackup},
		"restore":      {"load a backup into the database and verify it: restore --from FILE", cmdRestore},
		"sensor":       {"network sensors: sensor create (prints the token), list, revoke, keygen, ship FILE", cmdSensor},
		"migrate-data": {"move everything to another database, e.g. SQLite to PostgreSQL: migrate-data --from SRC --to DST", cmdMigrateData},
	}
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands()[args[1]]; ok {
				return exitCode(c.run(ctx, e, []string{"-h"}), stderr)
			}
		}
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "vaern: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return exitCode(c.run(ctx, e, args[1:]), stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Værn — the shared security platform for municipalities and their security centre.")
	fmt.Fprintln(w, "\nUsage: vaern COMMAND [flags]   (vaern COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	var names []string
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands()[n].summary)
	}
	fmt.Fprintln(w, "  help         show this text")
}
