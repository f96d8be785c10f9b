package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/correlate"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// SeedCorrelation gives the demo a day of the members' sensor sightings and runs the correlation
// over it once: background noise (scans from many addresses, each seen by one member; everyday
// signatures), one burst where four members (Aarhus and København among them) see the same
// external address with the same exploit signature within 40 minutes (an open early warning),
// a public resolver that six members see (suppressed by Værn's warninglist), a phishing domain
// that three members saw in the night and for which the centre has drafted an advisory, and a
// signature that twelve members see within the hour (correlation per signature id). Addresses are
// from the documentation ranges (RFC 5737) and domains under example.*; times are relative to now.
func SeedCorrelation(ctx context.Context, st *store.Store) error {
	centre, err := st.Centre(ctx)
	if err != nil {
		return err
	}
	members, err := st.Members(ctx, centre.ID)
	if err != nil {
		return err
	}
	if len(members) < 20 {
		return fmt.Errorf("demo correlation: only %d members", len(members))
	}
	byCode := map[string]vaern.Org{}
	for _, m := range members {
		byCode[m.Code] = m
	}
	now := time.Now().Truncate(time.Minute)
	rng := rand.New(rand.NewPCG(14, 2026))
	var list []vaern.Sighting
	see := func(org vaern.Org, kind, value string, at time.Time, count int64, sid int64, sig string) {
		list = append(list, vaern.Sighting{Kind: kind, Value: value, OrgID: org.ID, Hour: at, FirstSeen: at,
			LastSeen: at.Add(time.Duration(rng.IntN(8)) * time.Minute), Count: count, SignatureID: sid, Signature: sig})
		list = append(list, vaern.Sighting{Kind: vaern.IndicatorSignature, Value: strconv.FormatInt(sid, 10), OrgID: org.ID, Hour: at,
			FirstSeen: at, LastSeen: at, Count: count, SignatureID: sid, Signature: sig})
	}
	noise := []struct {
		sid int64
		sig string
	}{
		{2010935, "ET SCAN Suspicious inbound to MSSQL port 1433"}, {2010937, "ET SCAN Suspicious inbound to mySQL port 3306"},
		{2001219, "ET SCAN Potential SSH Scan"}, {2023753, "ET SCAN MS Terminal Server Traffic on Non-standard Port"},
		{2024364, "ET SCAN Possible Nmap User-Agent Observed"}, {2013028, "ET POLICY curl User-Agent Outbound"},
		{2027390, "ET USER_AGENTS Microsoft Device Metadata Retrieval Client User-Agent"}, {2018959, "ET POLICY PE EXE or DLL Windows file download HTTP"},
		{2402000, "ET DROP Dshield Block Listed Source"}, {2016149, "ET INFO Session Traversal Utilities for NAT (STUN Binding Request)"},
	}
	// Noise: in each of the last 24 hours, some members see scans from addresses nobody else sees.
	for h := 24; h >= 1; h-- {
		hour := now.Add(-time.Duration(h) * time.Hour)
		for i := 0; i < 14; i++ {
			m := members[rng.IntN(len(members))]
			n := noise[rng.IntN(len(noise))]
			ip := fmt.Sprintf("198.51.100.%d", 1+(h*14+i)%254)
			if (h*14+i)%3 == 0 {
				ip = fmt.Sprintf("203.0.113.%d", 1+(h*31+i)%254)
			}
			see(m, vaern.IndicatorIP, ip, hour.Add(time.Duration(rng.IntN(55))*time.Minute), int64(1+rng.IntN(40)), n.sid, n.sig)
		}
	}
	pick := func(codes ...string) []vaern.Org {
		var out []vaern.Org
		for _, c := range codes {
			if m, ok := byCode[c]; ok {
				out = append(out, m)
			}
		}
		for _, m := range members { // fill up if a code is missing
			if len(out) >= len(codes) {
				break
			}
			if !slices.ContainsFunc(out, func(o vaern.Org) bool { return o.ID == m.ID }) {
				out = append(out, m)
			}
		}
		return out
	}
	// The burst: four members, the same address and exploit within 40 minutes, ending 25 minutes ago.
	burst := now.Add(-65 * time.Minute)
	for i, m := range pick("751", "101", "461", "851") {
		see(m, vaern.IndicatorIP, "192.0.2.77", burst.Add(time.Duration(i*13)*time.Minute), int64(3+i*2), 2049999,
			"ET EXPLOIT Fortinet FortiOS SSL-VPN Path Traversal Attempt (CVE-2018-13379)")
	}
	// A public resolver that six members' sensors flag: warninglisted, so suppressed.
	for i, m := range pick("147", "157", "159", "161", "163", "165") {
		see(m, vaern.IndicatorIP, "9.9.9.9", now.Add(-time.Duration(90-i*6)*time.Minute), 12, 2027758, "ET INFO DNS Query for Suspicious .cloud Domain")
	}
	// The night's phishing domain: three members, advised by the centre.
	night := now.Add(-19 * time.Hour)
	for i, m := range pick("4601", "0301", "751") {
		see(m, vaern.IndicatorDomain, "login-microsoftonline.example.net", night.Add(time.Duration(i*11)*time.Minute), 5, 2046276,
			"ET PHISHING Microsoft 365 credential phishing landing page")
	}
	// One signature at twelve members within the hour, each from its own address.
	wave := now.Add(-5 * time.Hour)
	for i := 0; i < 12; i++ {
		m := members[(i*7+3)%len(members)]
		see(m, vaern.IndicatorIP, fmt.Sprintf("203.0.113.%d", 200+i), wave.Add(time.Duration(i*4)*time.Minute), 2, 2051372,
			"ET EXPLOIT Ivanti Connect Secure Authentication Bypass (CVE-2023-46805)")
	}
	if err := st.Write(ctx, func(tx *store.Tx) error { return tx.AddSightings(ctx, list) }); err != nil {
		return fmt.Errorf("demo correlation: sightings: %w", err)
	}
	if _, err := (&jobs.Correlator{St: st, Horizon: 25 * time.Hour}).RunOnce(ctx); err != nil {
		return fmt.Errorf("demo correlation: %w", err)
	}
	// The centre drafted an advisory from the night's phishing domain.
	found, _, err := st.EarlyWarnings(ctx, centre.ID, store.EarlyFilter{Query: "login-microsoftonline"})
	if err != nil || len(found) == 0 {
		return fmt.Errorf("demo correlation: no early warning for the phishing domain (%v)", err)
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	analyst := vaern.System("demo")
	people, err := st.OrgUsers(ctx, centre.ID)
	if err != nil {
		return err
	}
	for _, p := range people {
		if p.Role == vaern.RoleCentreAnalyst {
			analyst = vaern.Actor{UserID: p.ID, Email: p.Email, OrgID: centre.ID, Role: p.Role}
		}
	}
	if _, err := st.AdviseEarlyWarning(ctx, analyst, centre.ID, found[0].ID, correlate.DraftAdvisory(cat, found[0], notify.Zone)); err != nil {
		return fmt.Errorf("demo correlation: advisory: %w", err)
	}
	return nil
}
