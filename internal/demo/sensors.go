package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/store"
)

// demoSignatures are shaped like the ET Open rules seen in real EVE files (ids, names,
// categories and severities), but the alerts themselves are generated.
var demoSignatures = []struct {
	id       int64
	name     string
	category string
	severity int
	port     int
	domain   string
}{
	{2001219, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2, 22, ""},
	{2002910, "ET SCAN Potential VNC Scan 5800-5820", "Attempted Information Leak", 2, 5810, ""},
	{2010935, "ET SCAN Suspicious inbound to MSSQL port 1433", "Potentially Bad Traffic", 2, 1433, ""},
	{2024897, "ET USER_AGENTS Go HTTP Client User-Agent", "Misc activity", 3, 80, ""},
	{2027865, "ET INFO Observed DNS Query to .cloud TLD", "Potentially Bad Traffic", 2, 53, "update-check.cloud"},
	{2033966, "ET MALWARE Cobalt Strike Beacon Observed", "A Network Trojan was detected", 1, 443, "cdn-assets-gw.com"},
	{2035595, "ET EXPLOIT Fortinet FortiOS SSL VPN Path Traversal", "Attempted Administrator Privilege Gain", 1, 443, ""},
	{2044253, "ET PHISHING Credential Phish Landing Page M365", "Possible Social Engineering Attempted", 1, 443, "login-microsoftonline.support"},
}

// demoAttackers are external addresses (documentation and well-known scanner ranges) that
// several members see, so that correlation has something to find.
var demoAttackers = []string{"185.220.101.47", "45.155.205.233", "193.32.162.157", "194.26.29.113", "89.248.165.52", "141.98.10.63"}

// SeedSensors registers sensors for several members and ingests the last hours of their alerts
// through the ingest itself (parse, check, pseudonymise, sightings, store), hour by hour, so that
// the health pages, the charts and the alert lists show data.
func SeedSensors(ctx context.Context, st *store.Store) error {
	now := time.Now().Truncate(time.Minute)
	defer st.SetClock(time.Now)
	rng := rand.New(rand.NewPCG(14, 2026))
	in := &sensor.Ingester{St: st, Sink: st, Limits: sensor.DefaultLimits, Rate: sensor.NewLimiter(sensor.RateLimit{}), Hash: auth.HashToken}
	members := []struct {
		code    string
		sensors []string
		volume  int // alerts an hour, about
	}{
		{"751", []string{"Rådhus DMZ", "Borgerservice net"}, 40},
		{"461", []string{"Odense perimeter"}, 25},
		{"4601", []string{"Bergen kjernenett", "Bergen skolenett"}, 35},
		{"101", []string{"København DMZ"}, 50},
		{"851", []string{"Aalborg perimeter"}, 15},
	}
	st.SetClock(func() time.Time { return now.Add(-30 * time.Hour) })
	type demoSensor struct {
		sn     vaern.Sensor
		volume int
		net    int
	}
	var all []demoSensor
	for i, m := range members {
		org, err := st.OrgByCode(ctx, m.code)
		if err != nil {
			return fmt.Errorf("demo sensors: %s: %w", m.code, err)
		}
		for j, name := range m.sensors {
			_, hash := auth.NewToken("vs_")
			sn, err := st.CreateSensor(ctx, vaern.System("demo"), vaern.Sensor{OrgID: org.ID, Name: name, Site: name}, hash)
			if err != nil {
				return fmt.Errorf("demo sensors: %s: %w", name, err)
			}
			all = append(all, demoSensor{sn: sn, volume: m.volume / len(m.sensors), net: 10 + i*10 + j})
		}
	}
	for h := 23; h >= 0; h-- {
		hour := now.Add(-time.Duration(h) * time.Hour)
		st.SetClock(func() time.Time { return hour })
		for k, d := range all {
			if k == len(all)-1 && h < 3 {
				continue // one sensor has gone quiet: the health page shows it
			}
			var body bytes.Buffer
			n := d.volume/2 + rng.IntN(d.volume+1)
			for range n {
				sig := demoSignatures[rng.IntN(len(demoSignatures))]
				src := demoAttackers[rng.IntN(len(demoAttackers))]
				if rng.IntN(3) == 0 {
					src = fmt.Sprintf("%d.%d.%d.%d", 20+rng.IntN(180), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
				}
				at := hour.Add(-time.Duration(rng.IntN(3600)) * time.Second).UTC()
				dst := fmt.Sprintf("10.%d.%d.%d", d.net, rng.IntN(8), 1+rng.IntN(250))
				tls := ""
				if sig.port == 443 {
					tls = `,"tls":{"sni":"` + sig.domain + `","ja3":{"hash":"72a589da586844d7f0818ce684948eea"},"ja4":"t13d1516h2_8daaf6152771_e5627efa2ab1"}`
				} else if sig.domain != "" {
					tls = `,"dns":{"rrname":"` + sig.domain + `"}`
				}
				fmt.Fprintf(&body, `{"timestamp":"%s","flow_id":%d,"in_iface":"eth0","event_type":"alert","src_ip":"%s","src_port":%d,"dest_ip":"%s","dest_port":%d,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":3,"signature":"%s","category":"%s","severity":%d}%s}`+"\n",
					at.Format("2006-01-02T15:04:05.000000+0000"), rng.Int64N(1<<50), src, 1024+rng.IntN(60000), dst, sig.port, sig.id, sig.name, sig.category, sig.severity, tls)
			}
			fmt.Fprintf(&body, `{"timestamp":"%s","event_type":"flow","src_ip":"10.0.0.1","dest_ip":"10.0.0.2"}`+"\n", hour.UTC().Format(time.RFC3339))
			if _, err := in.Ingest(ctx, d.sn, fmt.Sprintf("demo-%d-%d", d.sn.ID, h), body.Bytes()); err != nil {
				return fmt.Errorf("demo sensors: ingest: %w", err)
			}
		}
	}
	return nil
}
