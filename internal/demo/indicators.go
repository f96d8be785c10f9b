package demo

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
)

// SeedIndicators fills the indicator store: some three hundred indicators of every type under
// every TLP label with various audiences (all members, the featured members by name, Norwegian or
// large Danish members, the centre only, the analyst alone for RED), added by the analyst over the
// last months, one imported feed batch, the observables of Aarhus's phishing case shared by the
// member, and a share of them expired. Values are in the documentation ranges and example
// domains, so nothing real is ever blocked by a demo export.
func SeedIndicators(ctx context.Context, st *store.Store) error {
	now := time.Now().Truncate(time.Minute)
	defer st.SetClock(time.Now)
	centre, err := st.Centre(ctx)
	if err != nil {
		return err
	}
	analyst, err := st.UserByEmail(ctx, "analytiker@centre.vaern.demo")
	if err != nil {
		return fmt.Errorf("demo indicators: %w", err)
	}
	a := vaern.Actor{UserID: analyst.ID, Email: analyst.Email, OrgID: centre.ID, Role: vaern.RoleCentreAnalyst}
	v := access.Of(&vaern.Principal{User: vaern.User{ID: analyst.ID}, Org: centre, Role: vaern.RoleCentreAnalyst})
	var named []int64
	for _, f := range featured[:2] {
		o, err := st.OrgByCode(ctx, f.code)
		if err != nil {
			return err
		}
		named = append(named, o.ID)
	}
	audiences := []access.Audience{
		{Kind: access.AllMembers}, {Kind: access.NamedMembers, Orgs: named}, {Kind: access.Group, Country: "NO"},
		{Kind: access.Group, Country: "DK", SizeClass: vaern.SizeLarge}, {Kind: access.CentreOnly},
	}
	tlps := []access.TLP{access.Green, access.Amber, access.Clear, access.AmberStrict, access.Amber, access.Green, access.Red}
	words := []string{"login", "secure", "update", "invoice", "portal", "mitid", "office", "drive", "post", "skat", "nav", "bank"}
	tlds := []string{"example.com", "example.net", "example.org"}
	hash := func(alg string, i int) string {
		b := []byte(fmt.Sprintf("vaern-demo-%s-%d", alg, i))
		switch alg {
		case "md5", "ja3":
			s := md5.Sum(b)
			return hex.EncodeToString(s[:])
		case "sha1":
			s := sha1.Sum(b)
			return hex.EncodeToString(s[:])
		}
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	}
	value := func(typ string, i int) string {
		w, tld := words[i%len(words)], tlds[i%len(tlds)]
		switch typ {
		case "ip":
			return fmt.Sprintf("%s.%d", []string{"192.0.2", "198.51.100", "203.0.113"}[i%3], 1+i%254)
		case "cidr":
			return fmt.Sprintf("198.18.%d.0/24", i%256)
		case "domain":
			return fmt.Sprintf("%s-%d.%s", w, i, tld)
		case "url":
			return fmt.Sprintf("https://%s-%d.%s/%s/index.php", w, i, tld, w)
		case "email":
			return fmt.Sprintf("%s%d@%s", w, i, tld)
		}
		return hash(typ, i)
	}
	types := []string{"domain", "ip", "url", "sha256", "md5", "email", "cidr", "sha1", "ja3", "domain", "ip"}
	cats := append([]string{""}, vaern.IndicatorCategories...)
	descs := []string{"Phishing landing page seen in a campaign against municipal staff", "Command-and-control server of a commodity loader",
		"Scanning for exposed VPN gateways", "Attachment of an invoice-themed phishing mail", "Sender of a CEO-fraud attempt", ""}
	for i := 0; i < 260; i++ {
		typ := types[i%len(types)]
		at := now.Add(-time.Duration(260-i) * 9 * time.Hour)
		st.SetClock(func() time.Time { return at })
		tlp := tlps[i%len(tlps)]
		aud := audiences[(i/len(tlps))%len(audiences)]
		if tlp == access.Red {
			aud = access.Audience{Kind: access.NamedPeople, People: []int64{analyst.ID}}
		}
		in := store.IndicatorInput{Value: typ + ":" + value(typ, i), Confidence: 40 + (i*7)%61, Category: cats[i%len(cats)],
			Description: descs[i%len(descs)], Object: access.Object{TLP: tlp, Audience: aud}}
		switch i % 5 {
		case 0:
			in.ExpiresAt = at.AddDate(0, 0, 30) // the older of these have expired by now
		case 1:
			in.ExpiresAt = at.AddDate(0, 6, 0)
		}
		if _, err := st.AddIndicator(ctx, a, v, in); err != nil {
			return fmt.Errorf("demo indicator %d: %w", i, err)
		}
	}
	// A partner's feed imported a week ago, AMBER to all members.
	at := now.AddDate(0, 0, -7)
	st.SetClock(func() time.Time { return at })
	var items []store.ImportItem
	for i := 0; i < 40; i++ {
		typ := []string{"domain", "ip", "sha256", "url"}[i%4]
		items = append(items, store.ImportItem{Type: typ, Value: value(typ, 1000+i), Description: "Partner CERT: ransomware affiliate infrastructure",
			Category: "c2", ExternalID: fmt.Sprintf("indicator--%08x-1d2e-4f3a-8b4c-%012x", 0x5eed0000+i, i), ValidFrom: at.AddDate(0, 0, -3),
			Confidence: -1, Object: fmt.Sprintf("indicator--%d", i)})
	}
	b, err := st.PreviewImport(ctx, a, v, store.ImportInput{Format: "stix", FileName: "partner-cert-ransomware.json", Items: items, Confidence: 75,
		Refused: []store.ImportRefusal{{Object: "indicator--c0ffee00-0000-4000-8000-000000000001", Reason: "only equality comparisons (=) are read"}},
		Object:  access.Object{TLP: access.Amber, Audience: access.Audience{Kind: access.AllMembers}}})
	if err != nil {
		return fmt.Errorf("demo indicator import: %w", err)
	}
	if _, err := st.ConfirmImport(ctx, a, v, b.ID); err != nil {
		return fmt.Errorf("demo indicator import: %w", err)
	}
	// Aarhus shares its phishing case's observables GREEN with the community.
	st.SetClock(func() time.Time { return now.Add(-10 * time.Hour) })
	aarhus, err := st.OrgByCode(ctx, "751")
	if err != nil {
		return err
	}
	coord, err := st.UserByEmail(ctx, "koordinator@aarhus.vaern.demo")
	if err != nil {
		return err
	}
	av := access.Of(&vaern.Principal{User: vaern.User{ID: coord.ID}, Org: aarhus, Role: vaern.RoleCoordinator})
	cases, err := st.Incidents(ctx, av, vaern.IncidentFilter{Search: "Phishing", Limit: 1})
	if err != nil {
		return err
	}
	if len(cases.Cases) > 0 {
		ca := vaern.Actor{UserID: coord.ID, Email: coord.Email, OrgID: aarhus.ID, Role: vaern.RoleCoordinator}
		if _, err := st.ShareObservables(ctx, ca, av, cases.Cases[0].ID, access.Object{TLP: access.Green, Audience: access.Audience{Kind: access.AllMembers}},
			80, 90*24*time.Hour); err != nil {
			return fmt.Errorf("demo indicators: share: %w", err)
		}
	}
	return nil
}
