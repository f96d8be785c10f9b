package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// demoServices is the centre's catalogue in the demo, in the network's own words: one row per
// service, with its name and description in Danish, Norwegian and English.
var demoServices = func() []vaern.Service {
	rows := []struct {
		name, desc            [3]string // da, nb, en
		level, price, contact string
		retired               bool
	}{
		{[3]string{"Netværksovervågning (SOC)", "Nettverksovervåking (SOC)", "Network monitoring (SOC)"},
			[3]string{"Centrets sensorer og analytikere overvåger kommunens internetforbindelse døgnet rundt og ringer ved alvorlige fund.",
				"Senterets sensorer og analytikere overvåker kommunens internettforbindelse hele døgnet og ringer ved alvorlige funn.",
				"The centre's sensors and analysts watch the municipality's internet connection around the clock and call on serious findings."},
			"24/7, kritiske fund ringes op inden for 1 time", "Pr. indbygger, årligt", "soc@centre.vaern.demo", false},
		{[3]string{"Sårbarhedsadvarsler", "Sårbarhetsvarsler", "Vulnerability warnings"},
			[3]string{"Advarsler matchet mod jeres systemoversigt, så den rigtige systemejer får besked.",
				"Varsler matchet mot systemoversikten deres, slik at riktig systemeier får beskjed.",
				"Warnings matched against your register, so that the right system owner is told."},
			"Hverdage 8-16", "Indeholdt i medlemskabet", "advarsler@centre.vaern.demo", false},
		{[3]string{"Hændelsesberedskab", "Hendelsesberedskap", "Incident response support"},
			[3]string{"Hjælp under en alvorlig hændelse: analyse, inddæmning og kontakt til myndigheder.",
				"Hjelp under en alvorlig hendelse: analyse, begrensning og kontakt med myndigheter.",
				"Help during a serious incident: analysis, containment and contact with the authorities."},
			"24/7 vagttelefon", "Fast abonnement + timepris ved indsats", "+45 70 00 00 00", false},
		{[3]string{"Awareness-kampagner", "Bevissthetskampanjer", "Awareness training"},
			[3]string{"Færdige kampagner, e-læring og phishing-øvelser til medarbejderne.",
				"Ferdige kampanjer, e-læring og phishing-øvelser for de ansatte.",
				"Ready-made campaigns, e-learning and phishing exercises for the staff."},
			"4 kampagner om året", "Pr. medarbejder", "awareness@centre.vaern.demo", false},
		{[3]string{"Rådgivning om informationssikkerhed", "Rådgivning om informasjonssikkerhet", "Security advice"},
			[3]string{"Sparring om politikker, risikovurderinger og krav i NIS2.",
				"Sparring om policyer, risikovurderinger og krav i NIS2.",
				"Sparring on policies, risk assessments and the requirements of NIS2."},
			"Svar inden for 3 hverdage", "10 timer indeholdt, derefter timepris", "raad@centre.vaern.demo", false},
		{[3]string{"Sårbarhedsscanning udefra", "Sårbarhetsskanning utenfra", "External vulnerability scanning"},
			[3]string{"Månedlig scanning af kommunens adresser på internettet med rapport.",
				"Månedlig skanning av kommunens adresser på internett med rapport.",
				"Monthly scan of the municipality's internet-facing addresses, with a report."},
			"Månedligt", "Pr. offentlig IP-adresse", "scan@centre.vaern.demo", false},
		{[3]string{"Beredskabsøvelser", "Beredskapsøvelser", "Crisis exercises"},
			[3]string{"En årlig øvelse for ledelse og IT i et ransomware-scenarie.",
				"En årlig øvelse for ledelse og IT i et løsepengevirus-scenario.",
				"A yearly exercise for management and IT in a ransomware scenario."},
			"1 øvelse om året", "Fast pris pr. øvelse", "oevelse@centre.vaern.demo", false},
		{[3]string{"Fælles logopsamling", "Felles logginnsamling", "Shared log collection"},
			[3]string{"Udfases: erstattes af netværksovervågningen.", "Fases ut: erstattes av nettverksovervåkingen.",
				"Being phased out: replaced by network monitoring."},
			"Hverdage", "Pr. GB", "soc@centre.vaern.demo", true},
	}
	out := make([]vaern.Service, len(rows))
	for i, r := range rows {
		out[i] = vaern.Service{Name: vaern.Texts3{Da: r.name[0], Nb: r.name[1], En: r.name[2]},
			Description:  vaern.Texts3{Da: r.desc[0], Nb: r.desc[1], En: r.desc[2]},
			ServiceLevel: r.level, PriceModel: r.price, Contact: r.contact}
		if r.retired {
			out[i].Status = vaern.ServiceRetired
		}
	}
	return out
}()

// SeedServices gives the demo the centre's catalogue with subscriptions of many members (some
// waiting for the centre, one end requested), the default onboarding checklist with the featured
// members partly through it, and IT-structure mappings from several members, some shared. The
// e-mails of its notifications link to baseURL.
func SeedServices(ctx context.Context, st *store.Store, baseURL string) error {
	centre, err := st.Centre(ctx)
	if err != nil {
		return err
	}
	members, err := st.Members(ctx, centre.ID)
	if err != nil {
		return err
	}
	admin := vaern.System("demo")
	coord := func(o vaern.Org) vaern.Actor {
		people, _ := st.OrgUsers(ctx, o.ID)
		for _, p := range people {
			if p.Role == vaern.RoleCoordinator {
				return vaern.Actor{UserID: p.ID, Email: p.Email, OrgID: o.ID, Role: p.Role}
			}
		}
		return vaern.Actor{Email: "demo", OrgID: o.ID, Role: vaern.RoleCoordinator}
	}
	now := time.Now().Truncate(time.Minute)
	defer st.SetClock(time.Now)
	var ids []int64
	err = st.Write(ctx, func(tx *store.Tx) error {
		st.SetClock(func() time.Time { return now.AddDate(-3, 0, 0) })
		for _, v := range demoServices {
			status := v.Status
			v.Status = vaern.ServiceOffered
			saved, err := tx.SaveService(ctx, admin, centre.ID, v)
			if err != nil {
				return err
			}
			ids = append(ids, saved.ID)
			v.Status = status
		}
		// Member i uses service j on a fixed pattern; the monitoring and warnings services are the
		// most used. The newest requests wait for the centre.
		share := []int{8, 5, 4, 3, 3, 2, 2} // in tenths: how many members use each service
		for i, m := range members {
			for j, id := range ids[:len(ids)-1] {
				if (i*37+j*53+i*j)%10 >= share[j] || asksLater(m.Code, j) {
					continue
				}
				since := now.AddDate(0, -((i*5+j*11)%30)-1, 0)
				st.SetClock(func() time.Time { return since })
				sub, err := tx.RequestSubscription(ctx, vaern.System("demo"), m.ID, id, "")
				if err != nil {
					return fmt.Errorf("demo services: %s: %w", m.Name, err)
				}
				if (i+j)%13 == 0 {
					continue // still waiting for the centre
				}
				st.SetClock(func() time.Time { return since.Add(26 * time.Hour) })
				if err := tx.DecideSubscription(ctx, admin, centre.ID, sub, "approve", ""); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo services: %w", err)
	}
	st.SetClock(time.Now)
	retired := demoServices[len(demoServices)-1]
	retired.ID = ids[len(ids)-1]
	if _, err := st.SaveService(ctx, admin, centre.ID, retired); err != nil {
		return err
	}
	// Featured members: Aarhus asks for the crisis exercise and is part-way through onboarding;
	// Copenhagen's coordinator is new and has done little; Bergen has done most.
	byCode := map[string]vaern.Org{}
	for _, m := range members {
		byCode[m.Code] = m
	}
	aarhus, kbh, bergen := byCode["751"], byCode["101"], byCode["4601"]
	if err := askAndDecide(ctx, st, baseURL, centre, coord, aarhus, bergen, ids, now); err != nil {
		return fmt.Errorf("demo services: %w", err)
	}
	items, err := st.OnboardingItems(ctx, centre.ID)
	if err != nil {
		return err
	}
	for _, t := range []struct {
		org  vaern.Org
		upto int
	}{{aarhus, 1}, {bergen, len(items)}, {kbh, 0}} {
		n := 0
		for _, it := range items {
			if it.Check != "" || n >= t.upto {
				continue
			}
			if err := st.TickOnboarding(ctx, coord(t.org), t.org.ID, it.ID, true); err != nil {
				return err
			}
			n++
		}
	}
	return seedMappings(ctx, st, centre, members, coord)
}

// The featured members' last requests are made through the notifications (askAndDecide), so the
// pattern above leaves those services to them: Aarhus asks for the crisis exercise (service 6),
// Bergen for the external scan (service 5).
func asksLater(code string, service int) bool {
	return (code == "751" && service == 6) || (code == "4601" && service == 5)
}

// askAndDecide makes the featured members' last requests as people would, with the notifier
// attached: the seed runs before the server attaches its own, so nothing else in it tells anyone.
// The centre's admin finds Aarhus's request for the crisis exercise waiting, and Bergen's
// coordinator hears that the centre approved the external scan.
func askAndDecide(ctx context.Context, st *store.Store, baseURL string, centre vaern.Org, coord func(vaern.Org) vaern.Actor, aarhus, bergen vaern.Org, ids []int64, now time.Time) error {
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	notify.New(cat, baseURL).Attach(st)
	defer st.SetChangeHook(nil)
	defer st.SetClock(time.Now)
	admin := vaern.System("demo")
	people, err := st.OrgUsers(ctx, centre.ID)
	if err != nil {
		return err
	}
	for _, p := range people {
		if p.Role == vaern.RoleCentreAdmin {
			admin = vaern.Actor{UserID: p.ID, Email: p.Email, OrgID: centre.ID, Role: p.Role}
			break
		}
	}
	at := func(d time.Duration) { st.SetClock(func() time.Time { return now.Add(-d) }) }
	at(50 * time.Hour)
	sub, err := st.RequestSubscription(ctx, coord(bergen), bergen.ID, ids[5], "Vi ønsker en månedlig skanning av våre offentlige adresser.")
	if err != nil {
		return err
	}
	at(26 * time.Hour)
	if err := st.DecideSubscription(ctx, admin, centre.ID, sub.ID, "approve", "Første skanning kjøres mandag."); err != nil {
		return err
	}
	at(3 * time.Hour)
	_, err = st.RequestSubscription(ctx, coord(aarhus), aarhus.ID, ids[6], "Vi vil gerne øve ransomware i foråret.")
	return err
}

// seedMappings has the featured members and a handful of others answer the IT-structure
// mapping; most of them share it with the centre, Copenhagen keeps it to itself.
func seedMappings(ctx context.Context, st *store.Store, centre vaern.Org, members []vaern.Org, coord func(vaern.Org) vaern.Actor) error {
	fws, err := st.MappingFrameworks(ctx, centre.ID)
	if err != nil || len(fws) == 0 {
		return err
	}
	fw := fws[0].ID
	net := []string{"own", "shared", "supplier"}
	dir := []string{"onprem", "cloud", "hybrid"}
	host := []string{"own", "shared", "outsourced", "cloud"}
	bak := []string{"offline", "online", "unknown"}
	soc := []string{"none", "office", "soc"}
	suppliers := []string{"KMD, Netcompany og Systematic", "Fujitsu (drift), EG (fagsystemer)", "Atea (drift), Visma (løn), Evry (ESDH)", "Egen IT-afdeling, Microsoft 365"}
	n := 0
	for i, m := range members {
		featured := m.Code == "751" || m.Code == "101" || m.Code == "4601"
		if !featured && i%9 != 0 {
			continue
		}
		a := coord(m)
		vals := map[string]string{
			"NET-01": net[i%3], "NET-02": fmt.Sprint(3 + (i*7)%60), "NET-03": "Administration, skoler, velfærd og bygningsstyring i hvert sit VLAN.",
			"IAM-01": dir[i%3], "IAM-02": fmt.Sprint(800 + (i*131)%9000),
			"HOST-01": host[i%4], "SYS-01": "ESDH, økonomi og løn, borgerservice, omsorgssystemet",
			"SUP-01": suppliers[i%4], "BAK-01": bak[i%3], "SOC-01": soc[i%3],
		}
		if i%2 == 0 {
			vals["BAK-02"] = fmt.Sprint(2 + i%9)
			vals["SOC-02"] = "Firewall og katalog; servere delvist."
		}
		if err := st.SaveMapping(ctx, a, m.ID, fw, vals); err != nil {
			return fmt.Errorf("demo mapping %s: %w", m.Name, err)
		}
		if m.Code != "101" && n%4 != 3 {
			if err := st.ShareMapping(ctx, a, m.ID, fw, true); err != nil {
				return err
			}
		}
		n++
	}
	return nil
}
