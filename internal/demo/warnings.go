package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/warnings"
)

// The demo's warnings: advisories the demo writes itself (no feed is fetched, so it works on a
// machine without internet), KEV-like and CSAF-like with CPEs, purls and version ranges, and one of
// the centre's own per TLP level. They are published a month ago and matched against the demo
// registers; the featured members then answer some of their warnings over the following weeks, so
// that the pages show exposures in several states, a triage queue and a burn-down with history.

// demoRange is shorthand for one version range.
func demoRange(scheme, introduced, fixed string) []vaern.VersionRange {
	expr := "< " + fixed
	if introduced != "" {
		expr = ">= " + introduced + ", " + expr
	}
	return []vaern.VersionRange{{Scheme: scheme, Introduced: introduced, Fixed: fixed, Expr: expr}}
}

func demoAdvisories(now time.Time) []vaern.Advisory {
	due := func(days int) time.Time { return now.AddDate(0, 0, days).Truncate(24 * time.Hour) }
	return []vaern.Advisory{
		{Source: vaern.SourceKEV, SourceID: "CVE-2024-21410", Title: "Microsoft Exchange Server Privilege Escalation",
			Summary: "An attacker can relay NTLM credentials to Exchange Server and act as the victim.", Severity: vaern.SeverityCritical, CVSS: 9.8,
			CVEs: []string{"CVE-2024-21410"}, KnownExploited: true, Ransomware: true, Due: due(-3), TLP: "CLEAR", Audience: "members",
			Actions:  []vaern.AdvisoryAction{{Category: "vendor_fix", Text: "Install the cumulative update with Extended Protection enabled."}},
			Products: []vaern.AdvisoryProduct{{Key: "kev-1", Vendor: "Microsoft", Product: "Exchange Server"}}},
		{Source: vaern.SourceCSAF, SourceID: "DEMO-FORTINET-2024-001", SourceVersion: "1", Title: "FortiOS SSL-VPN out-of-bounds write",
			Summary: "A remote attacker can run code through crafted requests to the SSL-VPN.", Severity: vaern.SeverityCritical, CVSS: 9.6,
			CVEs: []string{"CVE-2024-21762"}, KnownExploited: true, Due: due(10), TLP: "CLEAR", Audience: "members",
			Actions: []vaern.AdvisoryAction{{Category: "vendor_fix", Text: "Upgrade FortiOS to 7.2.9 or later, or disable the SSL-VPN."}},
			Products: []vaern.AdvisoryProduct{
				{Key: "fortios-72", Vendor: "Fortinet", Product: "FortiOS", CPE: "cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*", Versions: demoRange("generic", "7.2.0", "7.2.9")},
				{Key: "fortios-729", Vendor: "Fortinet", Product: "FortiOS", CPE: "cpe:2.3:o:fortinet:fortios:7.2.9:*:*:*:*:*:*:*", Status: vaern.StatusFixed}}},
		{Source: vaern.SourceCSAF, SourceID: "DEMO-CITRIX-2024-002", SourceVersion: "2", Title: "NetScaler ADC and Gateway memory overflow",
			Summary: "Unauthenticated remote code execution on appliances configured as a gateway.", Severity: vaern.SeverityHigh, CVSS: 8.8,
			CVEs: []string{"CVE-2023-4966"}, Due: due(20), TLP: "CLEAR", Audience: "members",
			Actions: []vaern.AdvisoryAction{{Category: "vendor_fix", Text: "Upgrade to 14.1-12.35 or 13.1-51.15 and end every active session."}},
			Products: []vaern.AdvisoryProduct{
				{Key: "adc-141", Vendor: "Citrix", Product: "NetScaler ADC", CPE: "cpe:2.3:a:citrix:netscaler_application_delivery_controller:*:*:*:*:*:*:*:*", Versions: demoRange("generic", "14.1", "14.2")},
				{Key: "adc-131", Vendor: "Citrix", Product: "NetScaler ADC", CPE: "cpe:2.3:a:citrix:netscaler_application_delivery_controller:*:*:*:*:*:*:*:*", Versions: demoRange("generic", "13.1", "13.2")}}},
		{Source: vaern.SourceCSAF, SourceID: "DEMO-SPRING-2024-003", SourceVersion: "1", Title: "Spring Framework URL parsing with host validation",
			Summary: "Applications that parse URLs with UriComponentsBuilder may be open to redirects and server-side request forgery.", Severity: vaern.SeverityHigh, CVSS: 8.1,
			CVEs: []string{"CVE-2024-22243"}, Due: due(30), TLP: "CLEAR", Audience: "members",
			Products: []vaern.AdvisoryProduct{
				{Key: "spring-web", Product: "spring-web", PURL: "pkg:maven/org.springframework/spring-web", Versions: demoRange("maven", "5.3.0", "5.3.32")},
				{Key: "log4j", Product: "log4j-core", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core", Versions: demoRange("maven", "2.0", "2.17.1")}}},
		{Source: vaern.SourceKEV, SourceID: "CVE-2024-99001", Title: "Nexus remote access flaw",
			Summary: "A flaw in a product called Nexus lets an attacker read records. The catalogue names no vendor.", Severity: vaern.SeverityHigh,
			CVEs: []string{"CVE-2024-99001"}, KnownExploited: true, Due: due(14), TLP: "CLEAR", Audience: "members",
			Products: []vaern.AdvisoryProduct{{Key: "kev-2", Product: "Nexus"}}},
	}
}

// demoCentreAdvisories are the centre's own, one per TLP level.
func demoCentreAdvisories(now time.Time, danes string, analyst int64) []vaern.Advisory {
	text := func(da, nb, en string) map[string]vaern.AdvisoryText {
		return map[string]vaern.AdvisoryText{"da": {Title: da}, "nb": {Title: nb}, "en": {Title: en}}
	}
	return []vaern.Advisory{
		{SourceID: "VAERN-2026-0001", Title: "Umbraco CMS: opdatér til 13.4", TLP: "CLEAR", Audience: "members", Severity: vaern.SeverityMedium,
			Texts:    text("Umbraco CMS: opdatér til 13.4", "Umbraco CMS: oppdater til 13.4", "Umbraco CMS: update to 13.4"),
			Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Umbraco", Product: "Umbraco CMS", CPE: "cpe:2.3:a:umbraco:umbraco_cms:*:*:*:*:*:*:*:*", Versions: demoRange("semver", "13.0.0", "13.4.0")}}},
		{SourceID: "VAERN-2026-0002", Title: "Veeam Backup & Replication: kritisk fejl", TLP: "GREEN", Audience: "members", Severity: vaern.SeverityCritical,
			Due:      now.AddDate(0, 0, 7),
			Texts:    text("Veeam Backup & Replication: kritisk fejl", "Veeam Backup & Replication: kritisk feil", "Veeam Backup & Replication: critical flaw"),
			Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Veeam", Product: "Backup & Replication", Versions: demoRange("generic", "12.0", "12.2")}}},
		{SourceID: "VAERN-2026-0003", Title: "vCenter Server: angreb set hos en kommune", TLP: "AMBER", Audience: "members", Severity: vaern.SeverityHigh,
			Texts:    text("vCenter Server: angreb set hos en kommune", "vCenter Server: angrep sett hos en kommune", "vCenter Server: attack seen at a municipality"),
			Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "VMware", Product: "vCenter Server", CPE: "cpe:2.3:a:vmware:vcenter_server:*:*:*:*:*:*:*:*", Versions: demoRange("generic", "8.0", "8.0.3")}}},
		{SourceID: "VAERN-2026-0004", Title: "OS2faktor: ændret opsætning hos danske kommuner", TLP: "AMBER+STRICT", Audience: danes, Severity: vaern.SeverityMedium,
			Texts:    text("OS2faktor: ændret opsætning hos danske kommuner", "OS2faktor: endret oppsett hos danske kommuner", "OS2faktor: changed set-up at Danish municipalities"),
			Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "OS2", Product: "OS2faktor"}}},
		{SourceID: "VAERN-2026-0005", Title: "Indikatorer fra igangværende hændelse", TLP: "RED", Audience: fmt.Sprintf("people:%d", analyst), Severity: vaern.SeverityHigh,
			Texts:    text("Indikatorer fra igangværende hændelse", "Indikatorer fra pågående hendelse", "Indicators from an incident in progress"),
			Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Microsoft", Product: "Windows Server"}}},
	}
}

// SeedWarnings publishes the demo's advisories a month back, matches them, and lets the featured
// members answer some of their warnings since.
func SeedWarnings(ctx context.Context, st *store.Store) error {
	sys := vaern.System("demo")
	centre, err := st.Centre(ctx)
	if err != nil {
		return err
	}
	real := time.Now()
	start := real.AddDate(0, 0, -30)
	at := start
	st.SetClock(func() time.Time { return at })
	defer st.SetClock(time.Now)
	if _, err := st.ImportAdvisories(ctx, sys, centre.ID, demoAdvisories(real), false); err != nil {
		return fmt.Errorf("demo warnings: import: %w", err)
	}
	analyst, err := st.UserByEmail(ctx, "analytiker@centre.vaern.demo")
	if err != nil {
		return err
	}
	ana := vaern.Actor{UserID: analyst.ID, Email: analyst.Email, OrgID: centre.ID, Role: vaern.RoleCentreAnalyst}
	for i, a := range demoCentreAdvisories(real, "group:DK//", analyst.ID) {
		at = start.Add(time.Duration(i+1) * time.Hour)
		id, err := st.CreateAdvisory(ctx, ana, centre.ID, a)
		if err != nil {
			return fmt.Errorf("demo warnings: %s: %w", a.SourceID, err)
		}
		if i == 4 {
			continue // the RED one stays a draft for the analyst's eyes
		}
		if err := st.PublishAdvisory(ctx, ana, centre.ID, id); err != nil {
			return err
		}
	}
	at = start.Add(6 * time.Hour)
	if _, err := warnings.NewRunner(st, false).MatchAdvisories(ctx, nil); err != nil {
		return fmt.Errorf("demo warnings: match: %w", err)
	}
	// The members answer over the following weeks: Aarhus briskly, København partly, Bergen not yet.
	for _, f := range featured {
		org, err := st.OrgByCode(ctx, f.code)
		if err != nil {
			return err
		}
		people, err := st.OrgUsers(ctx, org.ID)
		if err != nil {
			return err
		}
		var coord vaern.Actor
		for _, p := range people {
			if p.Role == vaern.RoleCoordinator {
				coord = vaern.Actor{UserID: p.ID, Email: p.Email, OrgID: org.ID, Role: vaern.RoleCoordinator}
			}
		}
		list, _, err := st.Exposures(ctx, org.ID, store.ExposureFilter{Status: "open", Limit: 500})
		if err != nil {
			return err
		}
		for i, x := range list {
			if x.Tier == vaern.TierTriage {
				continue
			}
			var steps []store.ExposureUpdate
			switch f.code {
			case "751":
				switch i % 5 {
				case 0:
					steps = []store.ExposureUpdate{{Status: vaern.ExposureAcknowledged}, {Status: vaern.ExposurePatched, Reason: "Opdateret i servicevinduet."}}
				case 1:
					steps = []store.ExposureUpdate{{Status: vaern.ExposureAcknowledged}, {Status: vaern.ExposureMitigated, Reason: "Funktionen er slået fra indtil opdateringen."}}
				case 2:
					steps = []store.ExposureUpdate{{Status: vaern.ExposureAcknowledged}}
				case 3:
					steps = []store.ExposureUpdate{{Status: vaern.ExposureRiskAccepted, Reason: "Systemet udfases i februar; kun internt netværk.", AcceptedUntil: real.AddDate(0, 3, 0)}}
				}
			case "101":
				if i%2 == 0 {
					steps = []store.ExposureUpdate{{Status: vaern.ExposureAcknowledged}}
				}
				if i%4 == 0 {
					steps = append(steps, store.ExposureUpdate{Status: vaern.ExposureNotAffected, Reason: "Modulet er ikke installeret hos os."})
				}
			}
			for j, u := range steps {
				at = start.Add(time.Duration(2+i+j*6) * 24 * time.Hour)
				if at.After(real) {
					at = real.Add(-time.Hour)
				}
				if err := st.SetExposureStatus(ctx, coord, org.ID, x.ID, u); err != nil {
					return fmt.Errorf("demo warnings: %s: answer %d: %w", org.Name, x.ID, err)
				}
			}
		}
	}
	at = real.Add(-30 * time.Minute)
	// The demo seed tells nobody: the events it wrote count as told.
	if _, err := st.NotifyExposureEvents(ctx, 1_000_000, func(*store.Tx, store.PendingExposureEvent) error { return nil }); err != nil {
		return err
	}
	// A product name confirmed once, so that the members' systems of that name get the suggestion.
	if err := st.ConfirmMapping(ctx, ana, centre.ID, "Cicero", "cpe:2.3:a:systematic:cicero:*:*:*:*:*:*:*:*", ""); err != nil {
		return err
	}
	return nil
}
