package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	demodata "github.com/vaern/vaern/internal/demo/data"
	"github.com/vaern/vaern/internal/export"
	"github.com/vaern/vaern/internal/store"
)

// SeedKnowledge fills the knowledge base and the network's forum: topics in three languages,
// posts of every kind under every TLP label (a policy template, a data-processing checklist, an
// awareness campaign for one region, news), some in Danish, Norwegian and English, one edited so
// that it has an earlier version, with comments, "useful" marks, attachments made here (a PDF
// through the export code, an XLSX checklist), and forum threads with replies. Aarhus may author
// in the knowledge base; its coordinator follows the awareness topic.
func SeedKnowledge(ctx context.Context, st *store.Store, centre vaern.Org) error {
	type person struct {
		a vaern.Actor
		v access.Principal
	}
	who := func(email, code string) (person, error) {
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			return person{}, fmt.Errorf("demo knowledge: %s: %w", email, err)
		}
		org, role := centre, vaern.RoleCentreAnalyst
		if code != "" {
			if org, err = st.OrgByCode(ctx, code); err != nil {
				return person{}, fmt.Errorf("demo knowledge: %s: %w", code, err)
			}
			role = vaern.RoleCoordinator
		}
		return person{vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID, Role: role},
			access.Of(&vaern.Principal{User: u, Org: org, Role: role})}, nil
	}
	analyst, err := who("analytiker@centre.vaern.demo", "")
	if err != nil {
		return err
	}
	aarhus, err := who("koordinator@aarhus.vaern.demo", "751")
	if err != nil {
		return err
	}
	kbh, err := who("koordinator@koebenhavn.vaern.demo", "101")
	if err != nil {
		return err
	}
	bergen, err := who("koordinator@bergen.vaern.demo", "4601")
	if err != nil {
		return err
	}
	c := centre.ID
	now := time.Now().Truncate(time.Minute)
	at := now.AddDate(0, 0, -40)
	st.SetClock(func() time.Time { return at })
	defer st.SetClock(time.Now)
	step := func(d time.Duration) { at = at.Add(d) }

	topic := func(forum bool, da, nb, en string) (int64, error) {
		return st.SaveTopic(ctx, analyst.a, c, vaern.Topic{Forum: forum, Names: map[string]string{"da": da, "nb": nb, "en": en}})
	}
	var policies, privacy, awareness, incidents, network, vendors, nis2 int64
	for _, t := range []struct {
		dst        *int64
		forum      bool
		da, nb, en string
	}{
		{&policies, false, "Politikker og skabeloner", "Retningslinjer og maler", "Policies and templates"},
		{&privacy, false, "Databeskyttelse", "Personvern", "Data protection"},
		{&awareness, false, "Awareness", "Bevissthet", "Awareness"},
		{&incidents, false, "Hændelser og erfaringer", "Hendelser og erfaringer", "Incidents and lessons"},
		{&network, true, "Netværket", "Nettverket", "The network"},
		{&vendors, true, "Leverandørstyring", "Leverandørstyring", "Supplier management"},
		{&nis2, true, "NIS2 i praksis", "NIS2 i praksis", "NIS2 in practice"},
	} {
		if *t.dst, err = topic(t.forum, t.da, t.nb, t.en); err != nil {
			return fmt.Errorf("demo knowledge: topic %s: %w", t.en, err)
		}
	}
	if err := st.SetKnowledgeAuthor(ctx, vaern.System("demo"), c, aarhus.v.Org, true); err != nil {
		return err
	}
	if err := st.Follow(ctx, aarhus.v, c, awareness, true); err != nil {
		return err
	}
	if err := st.Follow(ctx, bergen.v, c, network, true); err != nil {
		return err
	}

	texts := func(kv ...string) map[string]vaern.PostText {
		out := map[string]vaern.PostText{}
		for i := 0; i+2 < len(kv); i += 3 {
			out[kv[i]] = vaern.PostText{Title: kv[i+1], Body: kv[i+2]}
		}
		return out
	}
	publish := func(p person, post vaern.Post) (int64, error) {
		step(7 * time.Hour)
		id, err := st.CreatePost(ctx, p.a, p.v, c, post)
		if err != nil {
			return 0, fmt.Errorf("demo knowledge: %s: %w", post.Texts[post.Lang].Title, err)
		}
		return id, nil
	}
	named := func(ids ...int64) string {
		return store.FormatAudience(access.Audience{Kind: access.NamedMembers, Orgs: ids})
	}
	midt := store.FormatAudience(access.Audience{Kind: access.Group, Country: "DK", Region: demodata.RegionMidtjylland})

	// A policy template, CLEAR, in all three languages, later revised, with a PDF of it.
	policyDA := "Formål\nPolitikken fastlægger kommunens mål for informationssikkerhed og hvem der har ansvaret.\n\n" +
		"Omfang\nPolitikken gælder alle medarbejdere, systemer og leverandører, der behandler kommunens oplysninger.\n\n" +
		"Ansvar\nDirektionen ejer politikken. Informationssikkerhedskoordinatoren følger op hvert år.\n\n" +
		"Principper\nAdgang gives efter arbejdsbetinget behov. Alle systemer har en systemejer. Hændelser anmeldes straks."
	policy := vaern.Post{Kind: vaern.PostTemplate, TopicID: policies, Lang: "da", TLP: "CLEAR", Audience: "members",
		Texts: texts("da", "Skabelon: Informationssikkerhedspolitik", policyDA,
			"nb", "Mal: Informasjonssikkerhetspolicy", "Formål\nPolicyen fastsetter kommunens mål for informasjonssikkerhet og hvem som har ansvaret.\n\nOmfang\nPolicyen gjelder alle ansatte, systemer og leverandører som behandler kommunens opplysninger.\n\nAnsvar\nRådmannen eier policyen. Sikkerhetskoordinatoren følger opp hvert år.",
			"en", "Template: Information security policy", "Purpose\nThe policy sets the municipality's goals for information security and who is responsible.\n\nScope\nThe policy covers every employee, system and supplier that handles the municipality's information.\n\nResponsibility\nTop management owns the policy. The security coordinator reviews it every year.")}
	policyID, err := publish(analyst, policy)
	if err != nil {
		return err
	}
	pdf, err := export.PDF(export.Doc{Lang: "da", Title: "Informationssikkerhedspolitik", Org: "Skabelon fra " + centre.Name, Round: "Version 2",
		PageOf: "Side %d af %d", Generated: "Dannet " + now.Format("2006-01-02"),
		Blocks: policyBlocks(policyDA)}, export.PDFOptions{})
	if err != nil {
		return fmt.Errorf("demo knowledge: policy PDF: %w", err)
	}
	step(time.Hour)
	if _, err := st.AddAttachment(ctx, analyst.a, analyst.v, c, policyID, "informationssikkerhedspolitik.pdf", pdf); err != nil {
		return err
	}
	step(5 * 24 * time.Hour)
	policy.ID = policyID
	policy.Texts["da"] = vaern.PostText{Title: policy.Texts["da"].Title, Body: policyDA +
		"\n\nOpfølgning\nPolitikken evalueres hvert år og ved væsentlige ændringer, fx nye systemer eller ny lovgivning (NIS2)."}
	if err := st.UpdatePost(ctx, analyst.a, analyst.v, c, policy); err != nil {
		return err
	}

	// A data-processing checklist, GREEN, Danish and Norwegian, with an XLSX to fill in.
	checkID, err := publish(analyst, vaern.Post{Kind: vaern.PostDocument, TopicID: privacy, Lang: "da", TLP: "GREEN", Audience: "members",
		Texts: texts("da", "Tjekliste: databehandleraftaler", "Brug tjeklisten, før en databehandleraftale underskrives, og ved det årlige tilsyn med databehandleren.\n\nDer er ti punkter: instruks, fortrolighed, sikkerhed, underdatabehandlere, overførsel til tredjelande, bistand, sletning, revision, brud og ophør.",
			"nb", "Sjekkliste: databehandleravtaler", "Bruk sjekklisten før en databehandleravtale signeres, og ved den årlige oppfølgingen av databehandleren.")})
	if err != nil {
		return err
	}
	xlsx, err := export.XLSX(export.Doc{Sheets: []export.Table{{Name: "Tjekliste", Head: []string{"Punkt", "Krav (GDPR art. 28)", "Opfyldt", "Bemærkning"},
		Rows: [][]string{{"1", "Behandling kun efter dokumenteret instruks", "", ""}, {"2", "Fortrolighed for de ansatte", "", ""},
			{"3", "Sikkerhedsforanstaltninger (art. 32)", "", ""}, {"4", "Underdatabehandlere kun med godkendelse", "", ""},
			{"5", "Overførsel til tredjelande", "", ""}, {"6", "Bistand ved de registreredes rettigheder", "", ""},
			{"7", "Sletning eller tilbagelevering ved ophør", "", ""}, {"8", "Revision og inspektion", "", ""},
			{"9", "Underretning om brud uden unødig forsinkelse", "", ""}, {"10", "Dokumentation af tilsyn", "", ""}}}}})
	if err != nil {
		return fmt.Errorf("demo knowledge: checklist XLSX: %w", err)
	}
	step(time.Hour)
	if _, err := st.AddAttachment(ctx, analyst.a, analyst.v, c, checkID, "tjekliste-databehandleraftaler.xlsx", xlsx); err != nil {
		return err
	}

	// An awareness campaign for one region, AMBER: Aarhus (Region Midtjylland) sees it, København does not.
	campaign, err := publish(analyst, vaern.Post{Kind: vaern.PostArticle, TopicID: awareness, Lang: "da", TLP: "AMBER", Audience: midt,
		Texts: texts("da", "Awareness-kampagne: Tænk før du klikker", "En fælles kampagne for kommunerne i Region Midtjylland i oktober.\n\nUge 1: falske fakturaer. Uge 2: QR-koder på opslag. Uge 3: opkald fra 'IT-support'. Uge 4: quiz og præmier.\n\nPlakater og intranettekster ligger som bilag.",
			"en", "Awareness campaign: Think before you click", "A shared campaign for the municipalities of Region Midtjylland in October. Week 1: fake invoices. Week 2: QR codes on posters. Week 3: calls from 'IT support'. Week 4: quiz.")})
	if err != nil {
		return err
	}
	// News under the closed labels: AMBER+STRICT to two named members, RED to named people.
	if _, err := publish(analyst, vaern.Post{Kind: vaern.PostNews, TopicID: incidents, Lang: "da", TLP: "AMBER+STRICT", Audience: named(aarhus.v.Org, kbh.v.Org),
		Texts: texts("da", "Leverandør af borgerservice-løsning undersøger et brud", "Leverandøren har bekræftet uautoriseret adgang til et testmiljø. Produktionsdata er efter det oplyste ikke berørt. Vi følger op i morgen.")}); err != nil {
		return err
	}
	if _, err := publish(analyst, vaern.Post{Kind: vaern.PostNews, TopicID: incidents, Lang: "da", TLP: "RED",
		Audience: store.FormatAudience(access.Audience{Kind: access.NamedPeople, People: []int64{analyst.a.UserID, aarhus.a.UserID}}),
		Texts:    texts("da", "Fortroligt: IP-adresser i verserende sag", "Til koordinatoren i Aarhus alene: adresserne fra jeres sag er set hos en anden kommune. Ring til vagten.")}); err != nil {
		return err
	}
	if _, err := publish(analyst, vaern.Post{Kind: vaern.PostNews, Lang: "da", TLP: "CLEAR", Audience: "members",
		Texts: texts("da", "Nyt i baseline-rammen 2026", "Rammen for 2026 har nye spørgsmål om leverandørstyring og sikkerhedskopier, der ikke kan slettes.",
			"nb", "Nytt i baseline-rammeverket 2026", "Rammeverket for 2026 har nye spørsmål om leverandørstyring og sikkerhetskopier som ikke kan slettes.",
			"en", "What is new in the 2026 baseline framework", "The 2026 framework has new questions on supplier management and backups that cannot be deleted.")}); err != nil {
		return err
	}
	if _, err := publish(analyst, vaern.Post{Kind: vaern.PostDocument, TopicID: policies, Lang: "nb", TLP: "GREEN", Audience: store.FormatAudience(access.Audience{Kind: access.Group, Country: "NO"}),
		Texts: texts("nb", "Sjekkliste for kontinuitetsplan", "Kontinuitetsplanen skal si hvem som leder, hvilke tjenester som kommer først, og hvordan kommunen kommuniserer når IT er nede. Øv planen minst én gang i året.")}); err != nil {
		return err
	}
	// A member's own post, now that the centre allows Aarhus to author.
	mfa, err := publish(aarhus, vaern.Post{Kind: vaern.PostArticle, TopicID: incidents, Lang: "da", TLP: "GREEN", Audience: "members",
		Texts: texts("da", "Erfaringer: MFA for skolernes medarbejdere", "Vi indførte MFA for 4.000 medarbejdere på skolerne på tre uger. Det vigtigste: app frem for SMS, en hotline i de første dage og en plan for vikarer uden telefon.")})
	if err != nil {
		return err
	}

	// Comments and marks.
	for _, x := range []struct {
		p    person
		post int64
		body string
	}{{aarhus, policyID, "Vi har brugt skabelonen; direktionen godkendte den uden ændringer."},
		{kbh, mfa, "Hvordan håndterede I vikarer uden telefon?"},
		{aarhus, mfa, "Med hardwarenøgler, som skolens kontor udleverer."},
		{aarhus, campaign, "Vi deltager. Kan plakaterne fås i A3?"}} {
		step(3 * time.Hour)
		if _, err := st.AddComment(ctx, x.p.a, x.p.v, c, x.post, x.body); err != nil {
			return err
		}
	}
	for _, p := range []person{aarhus, kbh, bergen} {
		if err := st.SetUseful(ctx, p.v, c, policyID, true); err != nil {
			return err
		}
	}
	if err := st.SetUseful(ctx, kbh.v, c, mfa, true); err != nil {
		return err
	}

	// The forum: threads with replies.
	for _, th := range []struct {
		by      person
		topic   int64
		tlp     string
		aud     string
		lang    string
		title   string
		body    string
		replies []struct {
			by   person
			body string
		}
	}{
		{kbh, vendors, "GREEN", "members", "da", "Hvem har en god kontrakt-bilag om sikkerhed?", "Vi skal i udbud med vores ESDH-system. Har nogen et bilag med sikkerhedskrav, de er glade for?",
			[]struct {
				by   person
				body string
			}{{aarhus, "Vi bruger KL's kravbilag med egne tilføjelser om logning. Jeg sender det gerne."}, {analyst, "Centret lægger en skabelon i vidensbasen i næste uge."}}},
		{bergen, network, "GREEN", "members", "nb", "Ny som sikkerhetskoordinator – hvor begynner jeg?", "Jeg startet i jobben denne måneden. Hva bør jeg gjøre de første 90 dagene?",
			[]struct {
				by   person
				body string
			}{{kbh, "Start med risikovurderingen af de ti mest kritiske systemer og mød systemejerne."}, {analyst, "Se introduksjonen for nye koordinatorer, og meld deg på nettverksmøtet."}}},
		{aarhus, nis2, "AMBER", store.FormatAudience(access.Audience{Kind: access.Group, Country: "DK"}), "da", "NIS2: hvem melder til hvem?", "Er der nogen, der har fået afklaret, om kommunen selv melder direkte til CERT, eller om det går gennem centret?",
			[]struct {
				by   person
				body string
			}{{analyst, "Meld til centret; vi videresender inden for fristen og holder uret for jer."}}},
	} {
		id, err := publish(th.by, vaern.Post{Kind: vaern.PostThread, TopicID: th.topic, Lang: th.lang, TLP: th.tlp, Audience: th.aud,
			Texts: map[string]vaern.PostText{th.lang: {Title: th.title, Body: th.body}}})
		if err != nil {
			return err
		}
		for _, r := range th.replies {
			step(2 * time.Hour)
			if _, err := st.AddComment(ctx, r.by.a, r.by.v, c, id, r.body); err != nil {
				return err
			}
		}
	}
	return nil
}

// policyBlocks turns the policy's text (a heading line, then its paragraph) into the PDF's blocks.
func policyBlocks(text string) []export.Block {
	var out []export.Block
	for _, part := range strings.Split(text, "\n\n") {
		head, body, _ := strings.Cut(part, "\n")
		out = append(out, export.Block{Heading: head, Text: body})
	}
	return out
}
