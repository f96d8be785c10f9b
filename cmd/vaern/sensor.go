package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/sensor/ship"
	"github.com/vaern/vaern/internal/web"
)

const sensorUsage = `Usage:
  vaern sensor create [--data DIR | --database URL] --org CODE --name NAME [--site SITE]
  vaern sensor list   [--data DIR | --database URL] --org CODE
  vaern sensor revoke [--data DIR | --database URL] --org CODE --name NAME
  vaern sensor keygen > /etc/vaern/pseudo.key
  vaern sensor ship --url URL --token T [--key-file F] [--state F] [--batch N] [--payload] [--once] FILE

create registers a member's sensor and prints its ingest token once, as "token: T"; only its hash
is stored. keygen prints a new pseudonymisation key (64 hex digits) for the member to keep on its
sensors: ship replaces internal addresses by their CryptoPAn pseudonyms under that key before
anything leaves the sensor (docs/sensors.md). ship follows FILE (Suricata's eve.json) across log
rotation, sends batches with a progress line, keeps its offset in a state file (FILE.vaern-state
by default) and retries with backoff while the server is away. The token may also come from the
environment (VAERN_SENSOR_TOKEN).`

func cmdSensor(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, sensorUsage)
		if len(args) == 0 {
			return usageErr("sensor: name a subcommand")
		}
		return nil
	}
	sub := args[0]
	switch sub {
	case "create", "list", "revoke":
		return sensorAdmin(ctx, e, sub, args[1:])
	case "keygen":
		fmt.Fprintln(e.stdout, hex.EncodeToString(sensor.NewKey()))
		return nil
	case "ship":
		return sensorShip(ctx, e, args[1:])
	}
	return usageErr("sensor: unknown subcommand %q\n%s", sub, sensorUsage)
}

func sensorAdmin(ctx context.Context, e env, sub string, args []string) error {
	fs := flag.NewFlagSet("vaern sensor "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), sensorUsage); fs.PrintDefaults() }
	var d dbFlags
	d.register(fs, e)
	org := fs.String("org", "", "the member's code")
	name := fs.String("name", "", "the sensor's name")
	site := fs.String("site", "", "where it listens")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *org == "" || (sub != "list" && *name == "") {
		return usageErr("sensor %s: --org and --name are required\n%s", sub, sensorUsage)
	}
	st, err := d.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := st.OrgByCode(ctx, *org)
	if err != nil {
		return fmt.Errorf("organisation %q: %w", *org, err)
	}
	actor := vaern.System("cli")
	switch sub {
	case "create":
		token, hash := auth.NewToken(web.SensorTokenPrefix)
		sn, err := st.CreateSensor(ctx, actor, vaern.Sensor{OrgID: o.ID, Name: *name, Site: *site}, hash)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "sensor %d %q registered for %s; the token is shown only now\n", sn.ID, sn.Name, o.Name)
		fmt.Fprintf(e.stdout, "token: %s\n", token)
	case "list":
		list, err := st.Sensors(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, sn := range list {
			state := "active"
			if !sn.RevokedAt.IsZero() {
				state = "revoked"
			}
			seen := "never"
			if !sn.LastSeen.IsZero() {
				seen = sn.LastSeen.Format(time.RFC3339)
			}
			fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\tlast seen %s\t%d alerts in 24 h\n", sn.ID, sn.Name, sn.Site, state, seen, sn.Alerts24h)
		}
	case "revoke":
		list, err := st.Sensors(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, sn := range list {
			if sn.Name == *name {
				if err := st.RevokeSensor(ctx, actor, o.ID, sn.ID); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "sensor %q revoked\n", sn.Name)
				return nil
			}
		}
		return fmt.Errorf("sensor %q: %w", *name, vaern.ErrNotFound)
	}
	return nil
}

func sensorShip(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("vaern sensor ship", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), sensorUsage); fs.PrintDefaults() }
	url := fs.String("url", "", "Værn's base URL")
	token := fs.String("token", e.getenv("VAERN_SENSOR_TOKEN"), "the sensor's ingest token; env VAERN_SENSOR_TOKEN")
	keyFile := fs.String("key-file", "", "the member's pseudonymisation key (vaern sensor keygen); default: a key file beside the state file, made on the first start")
	ranges := fs.String("ranges", "", "the member's own internal ranges, CIDR, comma-separated (besides the private ones)")
	state := fs.String("state", "", "the state file (default FILE.vaern-state)")
	batch := fs.Int("batch", 5000, "events per batch")
	payload := fs.Bool("payload", false, "send payloads and HTTP bodies (only if the member opted in)")
	once := fs.Bool("once", false, "stop at the end of the file instead of following it")
	files, err := regParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 || *url == "" || *token == "" {
		return usageErr("sensor ship: --url, --token and one FILE are required\n%s", sensorUsage)
	}
	if *keyFile == "" {
		base := *state
		if base == "" {
			base = files[0] + ".vaern-state"
		}
		*keyFile = strings.TrimSuffix(base, ".vaern-state") + ".vaern-key"
	}
	key, err := readOrMakeKey(*keyFile, e)
	if err != nil {
		return err
	}
	rs, err := sensor.ParseRanges(*ranges)
	if err != nil {
		return usageErr("sensor ship: --ranges: %v", err)
	}
	p, err := sensor.NewPseudonymiser(key, rs)
	if err != nil {
		return err
	}
	sh, err := ship.New(ship.Config{URL: *url, Token: *token, File: files[0], StateFile: *state, Pseudo: p, KeepPayload: *payload,
		BatchLines: *batch, Once: *once, Progress: e.stderr})
	if err != nil {
		return err
	}
	return sh.Run(ctx)
}

// readOrMakeKey reads the member's key, or makes one (readable by its owner only) on the first start.
func readOrMakeKey(path string, e env) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		k := sensor.NewKey()
		if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("sensor ship: write a new key to %s: %w", path, err)
		}
		fmt.Fprintf(e.stderr, "ship: made a new pseudonymisation key in %s; use the same key on all of the member's sensors and keep a copy\n", path)
		return k, nil
	}
	if err != nil {
		return nil, err
	}
	return sensor.ParseKey(string(b))
}
