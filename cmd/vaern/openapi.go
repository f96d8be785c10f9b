package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/vaern/vaern/internal/api"
)

// cmdOpenAPI prints the API's OpenAPI document, the same one the server publishes at
// /api/v1/openapi.json, without a database or a server: for client generators and for the lint in CI.
func cmdOpenAPI(_ context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern openapi", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: vaern openapi

Prints the JSON API's OpenAPI 3.1 document to standard output, as the server publishes it at
/api/v1/openapi.json.`)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("openapi: unexpected arguments %q", fs.Args())
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(api.OpenAPI(api.New(nil, api.Config{}).Routes()))
}
