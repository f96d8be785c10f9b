package register

import "github.com/vaern/vaern"

// builtinThreat is a threat of the catalogue with its texts in every language.
type builtinThreat struct {
	Key              string
	TitleDA, TitleNB string
	TitleEN          string
	DescDA, DescNB   string
	DescEN           string
}

// catalogue is Værn's own threat catalogue, written for municipal systems. The keys are stable:
// assessments refer to them.
var catalogue = []builtinThreat{
	{"ransomware", "Ransomware", "Løsepengevirus", "Ransomware",
		"Data krypteres eller stjæles af en angriber, der kræver løsesum; drift og data kan være væk i dage eller uger.",
		"Data krypteres eller stjeles av en angriper som krever løsepenger; drift og data kan være borte i dager eller uker.",
		"An attacker encrypts or steals data and demands a ransom; operations and data may be gone for days or weeks."},
	{"phishing", "Phishing og stjålne loginoplysninger", "Phishing og stjålne påloggingsdetaljer", "Phishing and stolen credentials",
		"Medarbejdere narres til at afgive adgangskoder, så en angriber logger ind som dem.",
		"Ansatte lures til å gi fra seg passord, slik at en angriper logger inn som dem.",
		"Staff are tricked into giving away passwords, so an attacker signs in as them."},
	{"unpatched", "Kendte sårbarheder uden opdatering", "Kjente sårbarheter uten oppdatering", "Known vulnerabilities left unpatched",
		"Systemet kører en version med offentligt kendte sårbarheder, som udnyttes før de lukkes.",
		"Systemet kjører en versjon med offentlig kjente sårbarheter som utnyttes før de lukkes.",
		"The system runs a version with publicly known vulnerabilities that are exploited before they are closed."},
	{"supplier_breach", "Kompromittering hos leverandør", "Kompromittering hos leverandør", "Compromise at the supplier",
		"Leverandøren eller driftspartneren bliver angrebet, og angrebet når kommunens data eller net.",
		"Leverandøren eller driftspartneren blir angrepet, og angrepet når kommunens data eller nett.",
		"The supplier or operator is attacked, and the attack reaches the municipality's data or network."},
	{"supplier_failure", "Leverandøren kan ikke levere", "Leverandøren kan ikke levere", "Supplier cannot deliver",
		"Konkurs, opsigelse eller manglende kapacitet hos leverandøren stopper drift, support eller udvikling.",
		"Konkurs, oppsigelse eller manglende kapasitet hos leverandøren stopper drift, støtte eller utvikling.",
		"Bankruptcy, termination or lack of capacity at the supplier stops operation, support or development."},
	{"outage", "Længerevarende nedbrud", "Langvarig driftsavbrudd", "Prolonged outage",
		"Systemet er utilgængeligt længere end den aftalte genetableringstid (RTO), f.eks. efter hardware- eller netfejl.",
		"Systemet er utilgjengelig lenger enn avtalt gjenopprettingstid (RTO), f.eks. etter maskinvare- eller nettfeil.",
		"The system is unavailable for longer than the agreed recovery time (RTO), for example after a hardware or network fault."},
	{"data_loss", "Tab af data", "Tap av data", "Loss of data",
		"Data slettes eller ødelægges, og sikkerhedskopien er for gammel, ufuldstændig eller kan ikke gendannes.",
		"Data slettes eller ødelegges, og sikkerhetskopien er for gammel, ufullstendig eller kan ikke gjenopprettes.",
		"Data is deleted or destroyed, and the backup is too old, incomplete or cannot be restored."},
	{"misdirected", "Personoplysninger sendt til forkert modtager", "Personopplysninger sendt til feil mottaker", "Personal data sent to the wrong recipient",
		"Breve, mails eller digitale post sendes til forkert borger eller virksomhed.",
		"Brev, e-post eller digital post sendes til feil innbygger eller virksomhet.",
		"Letters, e-mails or digital post reach the wrong citizen or business."},
	{"excess_access", "For brede adgange", "For vide tilganger", "Excessive access rights",
		"Medarbejdere har adgang til flere oplysninger end deres arbejde kræver, og adgange fjernes ikke ved jobskifte.",
		"Ansatte har tilgang til flere opplysninger enn arbeidet krever, og tilganger fjernes ikke ved jobbskifte.",
		"Staff can reach more data than their work needs, and access is not removed when they change jobs."},
	{"insider", "Misbrug fra en betroet bruger", "Misbruk fra en betrodd bruker", "Misuse by a trusted user",
		"En medarbejder eller konsulent slår op på eller videregiver oplysninger uden arbejdsmæssigt formål.",
		"En ansatt eller konsulent slår opp i eller gir videre opplysninger uten tjenstlig behov.",
		"An employee or consultant looks up or passes on data without a work-related purpose."},
	{"web_attack", "Angreb på internetvendt tjeneste", "Angrep på internetteksponert tjeneste", "Attack on an internet-facing service",
		"Selvbetjening, portaler og fjernadgang angribes direkte fra internettet (injektion, svage logins, fejlkonfiguration).",
		"Selvbetjening, portaler og fjerntilgang angripes direkte fra internett (injeksjon, svak pålogging, feilkonfigurasjon).",
		"Self-service, portals and remote access are attacked directly from the internet (injection, weak sign-in, misconfiguration)."},
	{"ddos", "Overbelastningsangreb", "Tjenestenektangrep", "Denial of service",
		"Tjenesten overbelastes med trafik, så borgere og medarbejdere ikke kan bruge den.",
		"Tjenesten overbelastes med trafikk slik at innbyggere og ansatte ikke kan bruke den.",
		"The service is flooded with traffic so that citizens and staff cannot use it."},
	{"integration", "Fejl i integrationer", "Feil i integrasjoner", "Integration failure",
		"Data mellem systemer udveksles forkert, forsinket eller slet ikke, og afgørelser træffes på forkert grundlag.",
		"Data mellom systemer utveksles feil, forsinket eller ikke i det hele tatt, og vedtak fattes på feil grunnlag.",
		"Data between systems is exchanged wrongly, late or not at all, and decisions are made on wrong information."},
	{"third_country", "Overførsel til usikre tredjelande", "Overføring til usikre tredjeland", "Transfer to unsafe third countries",
		"Leverandøren eller dennes underleverandører behandler personoplysninger uden for EU/EØS uden gyldigt grundlag.",
		"Leverandøren eller underleverandørene behandler personopplysninger utenfor EU/EØS uten gyldig grunnlag.",
		"The supplier or its sub-processors handle personal data outside the EU/EEA without a valid basis."},
	{"lost_device", "Bortkommet eller stjålet udstyr", "Mistet eller stjålet utstyr", "Lost or stolen device",
		"Bærbare, telefoner eller tablets med adgang eller data mistes eller stjæles.",
		"Bærbare PC-er, telefoner eller nettbrett med tilgang eller data mistes eller stjeles.",
		"Laptops, phones or tablets with access or data are lost or stolen."},
	{"physical", "Fysisk skade på driftsmiljø", "Fysisk skade på driftsmiljø", "Physical damage to the data centre",
		"Brand, vand, strømsvigt eller indbrud rammer serverrum eller netudstyr.",
		"Brann, vann, strømbrudd eller innbrudd rammer serverrom eller nettverksutstyr.",
		"Fire, water, power failure or burglary hits server rooms or network equipment."},
	{"end_of_life", "Forældet system uden support", "Utdatert system uten støtte", "Outdated system without support",
		"Systemet eller dets platform får ikke længere sikkerhedsopdateringer fra producenten.",
		"Systemet eller plattformen får ikke lenger sikkerhetsoppdateringer fra produsenten.",
		"The system or its platform no longer receives security updates from the maker."},
	{"key_person", "Afhængighed af få nøglepersoner", "Avhengighet av få nøkkelpersoner", "Dependence on few key people",
		"Kun én eller to personer kan drifte eller administrere systemet.",
		"Bare én eller to personer kan drifte eller administrere systemet.",
		"Only one or two people can operate or administer the system."},
	{"logging", "Manglende logning og opdagelse", "Manglende logging og deteksjon", "Missing logging and detection",
		"Misbrug eller angreb opdages ikke, fordi der ikke logges, eller loggene ikke bliver set.",
		"Misbruk eller angrep oppdages ikke fordi det ikke logges, eller loggene ikke blir sett på.",
		"Misuse or attacks go unnoticed because nothing is logged or nobody reads the logs."},
	{"cloud_config", "Fejlkonfigureret cloudtjeneste", "Feilkonfigurert skytjeneste", "Misconfigured cloud service",
		"Delinger, adgangspolitikker eller lagring i en cloudtjeneste står mere åbent end tilsigtet.",
		"Deling, tilgangsregler eller lagring i en skytjeneste står mer åpent enn tiltenkt.",
		"Sharing, access policies or storage in a cloud service are more open than intended."},
}

// Threats returns the built-in catalogue in lang (da, nb or en).
func Threats(lang string) []vaern.Threat {
	out := make([]vaern.Threat, 0, len(catalogue))
	for _, c := range catalogue {
		out = append(out, threatIn(c, lang))
	}
	return out
}

func threatIn(c builtinThreat, lang string) vaern.Threat {
	t := vaern.Threat{Key: c.Key, Title: c.TitleEN, Description: c.DescEN, Builtin: true}
	switch lang {
	case "da":
		t.Title, t.Description = c.TitleDA, c.DescDA
	case "nb":
		t.Title, t.Description = c.TitleNB, c.DescNB
	}
	return t
}

// BuiltinThreat returns the built-in threat key in lang.
func BuiltinThreat(key, lang string) (vaern.Threat, bool) {
	for _, c := range catalogue {
		if c.Key == key {
			return threatIn(c, lang), true
		}
	}
	return vaern.Threat{}, false
}
