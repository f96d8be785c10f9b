package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// demoSystem is one system of the demo registers: real products that municipalities run.
type demoSystem struct {
	name, desc, vendor, product, version, cpe string
	hosting                                   vaern.Hosting
	supplier                                  string
	pd, c, i, a                               int
	rto                                       float64 // hours
	exposed                                   bool
	tags                                      string
}

const (
	pdO  = vaern.PDOrdinary
	pdS  = vaern.PDSensitive
	pdN  = vaern.PDNationalID
	own  = vaern.HostingOwn
	iks  = vaern.HostingShared
	sup  = vaern.HostingSupplier
	saas = vaern.HostingSaaS
)

// Systems found in most Danish municipalities.
var danishSystems = []demoSystem{
	{"Aula", "Kommunikation mellem skole, dagtilbud og forældre", "Netcompany", "Aula", "2.14", "", saas, "Netcompany", pdO | pdS | pdN, 3, 3, 3, 8, true, "skole, dagtilbud, kommunikation"},
	{"MinUddannelse", "Læringsplatform for folkeskolen", "KMD", "MinUddannelse", "", "", saas, "KMD", pdO | pdN, 2, 2, 2, 24, true, "skole"},
	{"Nexus", "Omsorgsjournal for sundhed og ældre", "Systematic", "Nexus", "24.2", "", saas, "Systematic", pdO | pdS | pdN, 4, 4, 4, 4, true, "sundhed, ældre, omsorg"},
	{"KMD Opus Økonomi", "Kommunens økonomisystem", "KMD", "Opus", "2024.1", "", sup, "KMD", pdO | pdN, 3, 4, 3, 24, false, "økonomi"},
	{"Silkeborg Data Løn", "Løn og personaleadministration", "Silkeborg Data", "SD Løn", "", "", saas, "Silkeborg Data", pdO | pdS | pdN, 4, 4, 3, 48, true, "løn, hr"},
	{"KMD Momentum", "Sagsbehandling i jobcentret", "KMD", "Momentum", "", "", saas, "KMD", pdO | pdS | pdN, 4, 3, 3, 8, true, "beskæftigelse"},
	{"KY – Kommunernes Ydelsessystem", "Udbetaling af kontanthjælp og andre ydelser", "KOMBIT", "KY", "", "", saas, "Netcompany", pdO | pdS | pdN, 4, 4, 3, 24, false, "ydelser, kombit"},
	{"KSD – Sygedagpenge", "Sygedagpenge og refusion", "KOMBIT", "KSD", "", "", saas, "Netcompany", pdO | pdS | pdN, 4, 4, 3, 24, false, "ydelser, kombit"},
	{"DUBU", "Sagsbehandling på børne- og ungeområdet", "Netcompany", "DUBU", "", "", saas, "Netcompany", pdO | pdS | pdN, 4, 4, 3, 8, false, "børn og unge, socialområdet"},
	{"Sensum Bosted", "Dokumentation på botilbud", "Sensum", "Sensum Bosted", "", "", saas, "Sensum", pdO | pdS | pdN, 4, 3, 3, 8, true, "socialområdet"},
	{"SBSYS", "Elektronisk sags- og dokumenthåndtering", "SBSYS", "SBSYS", "21.2", "", own, "", pdO | pdS | pdN, 3, 3, 3, 8, false, "esdh"},
	{"Acadre", "ESDH til sager og dokumenter", "Formpipe", "Acadre", "24", "", sup, "Formpipe", pdO | pdS | pdN, 3, 3, 3, 8, false, "esdh"},
	{"F2", "Digital sagsbehandling og ledelsessekretariat", "cBrain", "F2", "10", "", sup, "cBrain", pdO | pdN, 3, 3, 3, 8, false, "esdh, ledelse"},
	{"Fasit", "Skabelonsystem for breve og afgørelser", "Schultz", "Fasit", "", "", saas, "Schultz", pdO | pdN, 2, 3, 2, 24, false, "breve"},
	{"Digital Post", "Afsendelse af digital post via Serviceplatformen", "KOMBIT", "Fjernprint", "", "", saas, "KOMBIT", pdO | pdS | pdN, 3, 3, 3, 8, false, "kombit, kommunikation"},
	{"Serviceplatformen", "Datafordeler og integrationer (CPR, CVR, SKAT)", "KOMBIT", "Serviceplatformen", "", "", saas, "Netcompany", pdO | pdN, 4, 4, 4, 4, false, "kombit, integration"},
	{"FLIS", "Fælleskommunalt ledelsesinformationssystem", "KOMBIT", "FLIS", "", "", saas, "Netcompany", pdO, 2, 2, 1, 72, false, "ledelsesinformation"},
	{"Cicero", "Bibliotekssystem", "Systematic", "Cicero", "", "", saas, "Systematic", pdO | pdN, 2, 2, 2, 24, true, "bibliotek"},
	{"Tandplejen – T2", "Journal for børne- og ungetandplejen", "Opus Dental", "T2", "", "", sup, "Opus Dental", pdO | pdS | pdN, 4, 4, 3, 24, false, "sundhed, tandpleje"},
	{"Cura", "Omsorgsjournal, ældreområdet", "Systematic", "Columna Cura", "", "", saas, "Systematic", pdO | pdS | pdN, 4, 4, 4, 4, true, "ældre, omsorg"},
	{"Microsoft 365", "E-mail, Teams, SharePoint og Office", "Microsoft", "365 Apps", "", "cpe:2.3:a:microsoft:365_apps:-:*:*:*:enterprise:*:*:*", saas, "Microsoft", pdO | pdS | pdN, 3, 3, 4, 4, true, "kontor, samarbejde"},
	{"Exchange Server (hybrid)", "Hybrid-server til e-mail", "Microsoft", "Exchange Server", "2019 CU14", "cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_14:*:*:*:*:*:*", own, "", pdO | pdS | pdN, 3, 3, 3, 4, true, "infrastruktur, e-mail"},
	{"Active Directory", "Brugerkatalog og domænecontrollere", "Microsoft", "Windows Server", "2019", "cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*", own, "", pdO | pdN, 4, 4, 4, 2, false, "infrastruktur, identitet"},
	{"Citrix NetScaler", "Fjernadgang og load balancing", "Citrix", "NetScaler ADC", "14.1", "cpe:2.3:a:citrix:netscaler_application_delivery_controller:14.1:*:*:*:*:*:*:*", own, "", 0, 3, 4, 4, 2, true, "infrastruktur, fjernadgang"},
	{"FortiGate firewall", "Perimeterfirewall og VPN", "Fortinet", "FortiOS", "7.2.8", "cpe:2.3:o:fortinet:fortios:7.2.8:*:*:*:*:*:*:*", own, "", 0, 3, 4, 4, 2, true, "infrastruktur, netværk"},
	{"VMware vSphere", "Virtualisering af servere", "VMware", "vCenter Server", "8.0", "cpe:2.3:a:vmware:vcenter_server:8.0:*:*:*:*:*:*:*", own, "", 0, 3, 4, 4, 4, false, "infrastruktur"},
	{"Veeam Backup", "Sikkerhedskopiering af servere", "Veeam", "Backup & Replication", "12.1", `cpe:2.3:a:veeam:veeam_backup_\&_replication:12.1:*:*:*:*:*:*:*`, own, "", pdO | pdS | pdN, 4, 4, 3, 8, false, "infrastruktur, backup"},
	{"TOPdesk", "Servicedesk og IT-sager", "TOPdesk", "TOPdesk", "", "", saas, "TOPdesk", pdO, 2, 2, 2, 24, true, "it-drift"},
	{"Kommunens hjemmeside", "Borgerrettet website", "Umbraco", "Umbraco CMS", "13.3.0", "cpe:2.3:a:umbraco:umbraco_cms:13.3.0:*:*:*:*:*:*:*", sup, "Netcompany", 0, 1, 3, 3, 8, true, "web, borgerservice"},
	{"Selvbetjeningsløsninger (OS2forms)", "Digitale blanketter til borgere", "OS2", "OS2forms", "", "", iks, "OS2", pdO | pdN, 3, 3, 3, 8, true, "web, borgerservice, os2"},
	{"OS2rollekatalog", "Rollebaseret adgangsstyring", "OS2", "OS2rollekatalog", "", "", own, "", pdO | pdN, 3, 4, 3, 8, false, "identitet, os2"},
	{"OS2faktor", "Login-løsning (IdP) for medarbejdere", "OS2", "OS2faktor", "", "", saas, "Digital Identity", pdO, 3, 4, 4, 2, true, "identitet, os2"},
	{"MitID Erhverv", "Medarbejderes digitale identitet", "Digitaliseringsstyrelsen", "MitID Erhverv", "", "", saas, "Digitaliseringsstyrelsen", pdO | pdN, 3, 4, 4, 4, true, "identitet"},
	{"Byg og Miljø", "Ansøgninger om byggetilladelser", "Erhvervsstyrelsen", "Byg og Miljø", "", "", saas, "Netcompany", pdO | pdN, 2, 3, 2, 24, true, "teknik og miljø"},
	{"Plandata", "Lokalplaner og kommuneplan", "Erhvervsstyrelsen", "Plandata.dk", "", "", saas, "Erhvervsstyrelsen", 0, 1, 3, 2, 72, true, "teknik og miljø, geo"},
	{"Spatial Suite", "Kortløsning og GIS", "Septima", "Spatial Suite", "", "", sup, "Septima", pdO, 1, 2, 2, 48, true, "geo"},
	{"Ejendomsskat og boligstøtte", "Opkrævning og beregning", "KMD", "KMD Ejendom", "", "", saas, "KMD", pdO | pdN, 3, 3, 2, 48, false, "økonomi"},
	{"Opkrævning og inddrivelse", "Debitorstyring", "KMD", "KMD Debitor", "", "", saas, "KMD", pdO | pdN, 3, 3, 2, 48, false, "økonomi"},
	{"Prisme", "Økonomi og indkøb", "Fujitsu", "Prisme", "", "", sup, "Fujitsu", pdO, 3, 4, 3, 24, false, "økonomi"},
	{"Rejsekort og kørsel", "Kørselsordninger og befordring", "Movia", "Flextrafik", "", "", saas, "Movia", pdO | pdS, 2, 2, 2, 24, false, "kørsel"},
	{"Puzzel", "Telefoni og kontaktcenter", "Puzzel", "Puzzel Contact Centre", "", "", saas, "Puzzel", pdO, 2, 2, 4, 2, true, "telefoni, borgerservice"},
	{"Famly", "Dokumentation og kommunikation i dagtilbud", "Famly", "Famly", "", "", saas, "Famly", pdO | pdS, 3, 2, 2, 24, true, "dagtilbud"},
	{"Pladsanvisning", "Ventelister og pladser i dagtilbud", "KMD", "KMD Institution", "", "", saas, "KMD", pdO | pdN, 2, 3, 2, 48, true, "dagtilbud"},
	{"Tabulex TEA", "Skoleadministration", "Tabulex", "TEA", "", "", saas, "Tabulex", pdO | pdN, 3, 3, 2, 24, false, "skole"},
	{"Unilogin", "Login for elever og lærere", "STIL", "Unilogin", "", "", saas, "Styrelsen for IT og Læring", pdO | pdN, 3, 3, 4, 4, true, "skole, identitet"},
	{"Adgangskontrol på rådhuset", "Adgangskort og dørstyring", "Salto", "Salto Space", "", "", own, "", pdO, 2, 3, 3, 8, false, "fysisk sikkerhed"},
	{"Videoovervågning", "Kameraer ved kommunale bygninger", "Milestone", "XProtect", "2023 R3", "", own, "", pdO, 3, 2, 2, 24, false, "fysisk sikkerhed"},
	{"Kommunens intranet", "Intranet for medarbejdere", "Microsoft", "SharePoint Online", "", "", saas, "Microsoft", pdO, 2, 2, 2, 24, true, "kontor"},
	{"Borgerservice booking", "Tidsbestilling i borgerservice", "Frontdesk", "Frontdesk", "", "", saas, "Frontdesk", pdO | pdN, 2, 2, 2, 24, true, "borgerservice"},
	{"Vejmyndighed (Vejman)", "Gravetilladelser og vejdata", "Vejdirektoratet", "Vejman.dk", "", "", saas, "Vejdirektoratet", pdO, 1, 2, 2, 72, true, "teknik og miljø"},
	{"Affaldsplanlægning", "Tømningsruter og affaldsgebyrer", "AMCS", "AMCS Platform", "", "", saas, "AMCS", pdO, 2, 2, 3, 24, false, "teknik og miljø"},
	{"Skolernes trådløse net", "Wi-fi på skolerne", "Cisco", "Meraki", "", "", saas, "Cisco", 0, 2, 2, 3, 8, false, "infrastruktur, skole"},
	{"Print og scanning", "Printere og scanning til e-mail", "Canon", "uniFLOW", "", "", own, "", pdO, 2, 2, 2, 24, false, "kontor"},
	{"Sikker filoverførsel", "Udveksling af store filer med leverandører", "Progress", "MOVEit Transfer", "2023.1.1", "cpe:2.3:a:progress:moveit_transfer:2023.1.1:*:*:*:*:*:*:*", own, "", pdO | pdN, 3, 3, 2, 24, true, "infrastruktur, integration"},
}

// Systems found in most Norwegian municipalities.
var norwegianSystems = []demoSystem{
	{"Gerica", "Pleie- og omsorgsjournal", "Tietoevry", "Gerica", "", "", sup, "Tietoevry", pdO | pdS | pdN, 4, 4, 4, 4, false, "helse, omsorg"},
	{"Profil", "Pleie og omsorg i hjemmetjenesten", "CGI", "Profil", "", "", sup, "CGI", pdO | pdS | pdN, 4, 4, 4, 4, false, "helse, omsorg"},
	{"CGM Vision", "Journal på legekontor og helsestasjon", "CompuGroup Medical", "CGM Vision", "", "", sup, "CompuGroup Medical", pdO | pdS | pdN, 4, 4, 3, 4, false, "helse"},
	{"Infodoc Plenario", "Journal for legevakt", "Infodoc", "Plenario", "", "", sup, "Infodoc", pdO | pdS | pdN, 4, 4, 4, 2, false, "helse, legevakt"},
	{"Visma Flyt Skole", "Skoleadministrasjon", "Visma", "Flyt Skole", "", "", saas, "Visma", pdO | pdS | pdN, 3, 3, 2, 24, true, "skole"},
	{"Visma Flyt Barnehage", "Barnehageopptak og -administrasjon", "Visma", "Flyt Barnehage", "", "", saas, "Visma", pdO | pdN, 3, 3, 2, 24, true, "barnehage"},
	{"Visma Familia", "Saksbehandling i barnevernet", "Visma", "Familia", "", "", sup, "Visma", pdO | pdS | pdN, 4, 4, 3, 8, false, "barnevern"},
	{"Modulus Barn", "Fagsystem for barnevern", "Netcompany", "Modulus Barn", "", "", saas, "Netcompany", pdO | pdS | pdN, 4, 4, 3, 8, false, "barnevern"},
	{"Visma Enterprise", "Lønn og personal", "Visma", "Enterprise HRM", "", "", sup, "Visma", pdO | pdS | pdN, 4, 4, 3, 48, false, "lønn, hr"},
	{"Unit4 ERP", "Økonomi og regnskap", "Unit4", "Unit4 ERP", "7", "", saas, "Unit4", pdO | pdN, 3, 4, 3, 24, false, "økonomi"},
	{"Public 360", "Sak og arkiv", "Tietoevry", "Public 360°", "", "", sup, "Tietoevry", pdO | pdS | pdN, 3, 4, 3, 8, false, "sak og arkiv"},
	{"Elements", "Sak og arkiv", "Sikri", "Elements", "", "", saas, "Sikri", pdO | pdS | pdN, 3, 4, 3, 8, false, "sak og arkiv"},
	{"Acos WebSak", "Sak og arkiv for byggesak", "Acos", "WebSak", "", "", sup, "Acos", pdO | pdN, 3, 3, 3, 24, false, "sak og arkiv, byggesak"},
	{"IST Everyday", "Kommunikasjon skole–hjem", "IST", "Everyday", "", "", saas, "IST", pdO | pdN, 2, 2, 2, 24, true, "skole, kommunikasjon"},
	{"Vigilo", "Skole-hjem-kommunikasjon og fravær", "Vigilo", "Vigilo", "", "", saas, "Vigilo", pdO | pdS, 3, 2, 2, 24, true, "skole"},
	{"KomTek", "Kommunaltekniske tjenester og gebyrer", "Norkart", "KomTek", "", "", saas, "Norkart", pdO | pdN, 2, 3, 2, 48, true, "teknisk"},
	{"Arealplaner", "Plandialog og arealplaner", "Norkart", "Arealplaner.no", "", "", saas, "Norkart", 0, 1, 3, 2, 72, true, "plan, geo"},
	{"eByggesak", "Digitale byggesøknader", "Norkart", "eByggesak", "", "", saas, "Norkart", pdO | pdN, 2, 3, 2, 48, true, "byggesak"},
	{"KS Fiks SvarUt", "Utsending av digital post", "KS", "Fiks SvarUt", "", "", saas, "KS Digital", pdO | pdS | pdN, 3, 3, 3, 8, false, "fiks, kommunikasjon"},
	{"KS Fiks Folkeregister", "Oppslag i folkeregisteret", "KS", "Fiks Folkeregister", "", "", saas, "KS Digital", pdO | pdN, 4, 4, 3, 8, false, "fiks, integrasjon"},
	{"ID-porten", "Innlogging for innbyggere", "Digdir", "ID-porten", "", "", saas, "Digitaliseringsdirektoratet", pdN, 3, 4, 4, 2, true, "identitet"},
	{"Feide", "Innlogging i skolen", "Sikt", "Feide", "", "", saas, "Sikt", pdO | pdN, 3, 3, 4, 4, true, "skole, identitet"},
	{"Bibliotekssystem", "Utlån og katalog", "Bibliotek-Systemer", "Quria", "", "", saas, "Axiell", pdO | pdN, 2, 2, 2, 24, true, "bibliotek"},
	{"Microsoft 365", "E-post, Teams, SharePoint og Office", "Microsoft", "365 Apps", "", "cpe:2.3:a:microsoft:365_apps:-:*:*:*:enterprise:*:*:*", saas, "Microsoft", pdO | pdS | pdN, 3, 3, 4, 4, true, "kontor, samarbeid"},
	{"Active Directory", "Brukerkatalog og domenekontrollere", "Microsoft", "Windows Server", "2022", "cpe:2.3:o:microsoft:windows_server_2022:-:*:*:*:*:*:*:*", iks, "Bergen kommune IKT", pdO | pdN, 4, 4, 4, 2, false, "infrastruktur, identitet"},
	{"Citrix NetScaler", "Fjerntilgang", "Citrix", "NetScaler ADC", "13.1", "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1:*:*:*:*:*:*:*", iks, "Bergen kommune IKT", 0, 3, 4, 4, 2, true, "infrastruktur, fjerntilgang"},
	{"Palo Alto brannmur", "Perimeterbrannmur", "Palo Alto Networks", "PAN-OS", "11.1.2", "cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:*:*:*:*:*:*:*", iks, "Bergen kommune IKT", 0, 3, 4, 4, 2, true, "infrastruktur, nettverk"},
	{"Veeam Backup", "Sikkerhetskopiering", "Veeam", "Backup & Replication", "12.1", `cpe:2.3:a:veeam:veeam_backup_\&_replication:12.1:*:*:*:*:*:*:*`, iks, "Bergen kommune IKT", pdO | pdS | pdN, 4, 4, 3, 8, false, "infrastruktur, backup"},
	{"Kommunens nettsted", "Innbyggerrettet nettsted", "Drupal", "Drupal", "10.2.5", "cpe:2.3:a:drupal:drupal:10.2.5:*:*:*:*:*:*:*", sup, "Making Waves", 0, 1, 3, 3, 8, true, "web"},
	{"Confluence", "Interne rutiner og dokumentasjon", "Atlassian", "Confluence Data Center", "8.5.4", "cpe:2.3:a:atlassian:confluence_data_center:8.5.4:*:*:*:*:*:*:*", own, "", pdO, 2, 2, 2, 24, false, "kontor"},
	{"Pasientreiser", "Transport til behandling", "Helse Vest", "Pasientreiser", "", "", saas, "Helse Vest IKT", pdO | pdS | pdN, 3, 2, 2, 24, false, "helse"},
	{"NAV Modia", "Samarbeid med NAV-kontoret", "NAV", "Modia", "", "", saas, "NAV", pdO | pdS | pdN, 4, 3, 3, 8, false, "nav, sosial"},
	{"Kvalitetssystem", "Avvik og kvalitet", "Datakvalitet", "Compilo", "", "", saas, "Compilo", pdO, 2, 3, 2, 24, true, "kvalitet"},
	{"Tidsbank", "Arbeidsplaner og turnus", "Visma", "Gat", "", "", saas, "Visma", pdO, 2, 3, 3, 24, false, "hr, turnus"},
	{"Velferdsteknologi", "Trygghetsalarmer og digitalt tilsyn", "Tunstall", "Tunstall Lifeline", "", "", saas, "Tunstall", pdO | pdS, 3, 4, 4, 1, false, "helse, velferdsteknologi"},
	{"DigiHelse", "Meldinger mellom innbyggere og helsetjenesten", "Helsenorge", "DigiHelse", "", "", saas, "Norsk helsenett", pdO | pdS | pdN, 4, 3, 3, 8, true, "helse, kommunikasjon"},
	{"Norsk helsenett", "Tilknytning til helsenettet og e-resept", "Norsk helsenett", "Helsenettet", "", "", saas, "Norsk helsenett", pdO | pdS | pdN, 4, 4, 4, 2, false, "helse, nettverk"},
	{"Kjernejournal", "Oppslag i kjernejournal", "Norsk helsenett", "Kjernejournal", "", "", saas, "Norsk helsenett", pdO | pdS | pdN, 4, 4, 3, 4, false, "helse"},
	{"Socio", "Sosialtjenesten i NAV", "Visma", "Socio", "", "", sup, "Visma", pdO | pdS | pdN, 4, 4, 3, 8, false, "nav, sosial"},
	{"Eiendomsskatt", "Takst og utskriving av eiendomsskatt", "Norkart", "Eiendomsskatt", "", "", saas, "Norkart", pdO | pdN, 2, 3, 2, 72, false, "økonomi"},
	{"Digital postkasse", "Utsending til Digipost og e-Boks", "Digdir", "Digital postkasse", "", "", saas, "Digitaliseringsdirektoratet", pdO | pdS | pdN, 3, 3, 3, 8, false, "kommunikasjon"},
	{"Skoleskyss", "Bestilling av skoleskyss", "Skyss", "Skyss skoleskyss", "", "", saas, "Skyss", pdO, 2, 2, 2, 48, true, "skole, transport"},
	{"Servicedesk", "IKT-brukerstøtte", "TOPdesk", "TOPdesk", "", "", saas, "TOPdesk", pdO, 2, 2, 2, 24, true, "ikt-drift"},
}

// demoAI is how a few demo systems use AI: checked ones whose agreement covers the use, and ones a
// municipality still has to revisit (issue 11.14). checked is months ago; 0 is not checked.
var demoAI = map[string]struct {
	use               vaern.AIUse
	purpose, supplier string
	covered           bool
	checked           int
}{
	"Microsoft 365":      {vaern.AIFeature, "Copilot: mødereferater, udkast til breve og opsummering af dokumenter", "Microsoft", true, 2},
	"Nexus":              {vaern.AIFeature, "Talegenkendelse til journalnotater", "Systematic", false, 0},
	"KMD Momentum":       {vaern.AIFeature, "Forslag til visitation i jobcentret", "KMD", false, 0},
	"Puzzel":             {vaern.AIPurpose, "Chatbot og automatisk sortering af henvendelser", "Puzzel", true, 0},
	"Fasit":              {vaern.AINone, "", "", false, 0},
	"Gerica":             {vaern.AIFeature, "Talegjenkjenning i journalføring", "Tietoevry", false, 0},
	"Servicedesk":        {vaern.AIPurpose, "Chatbot for brukerstøtte", "TOPdesk", true, 3},
	"Kommunens nettsted": {vaern.AIFeature, "Chatbot for innbyggere", "Drupal-leverandør", false, 0},
}

// demoLevel gives a demo risk a likelihood and consequence that vary with the system.
func demoRisk(i int) (threat string, l, c, rl, rc int) {
	threats := []string{"ransomware", "phishing", "unpatched", "supplier_breach", "outage", "data_loss", "excess_access", "web_attack"}
	threat = threats[i%len(threats)]
	l, c = 2+i%4, 3+i%3
	rl, rc = max(1, l-2), max(1, c-1)
	return
}

// SeedRegister gives the featured demo members a register: their municipality's systems with owners
// and units, SBOM components for a few, risk assessments with treatments, one acceptance, and the
// three ways of sharing with the centre (Aarhus details, København counts, Bergen nothing).
func SeedRegister(ctx context.Context, st *store.Store) error {
	sys := vaern.System("demo")
	now := st.Now()
	sharing := map[string]vaern.RegisterSharing{"751": vaern.ShareDetails, "101": vaern.ShareCounts, "4601": vaern.ShareNothing}
	for fi, f := range featured {
		org, err := st.OrgByCode(ctx, f.code)
		if err != nil {
			return fmt.Errorf("demo register: %s: %w", f.code, err)
		}
		people, err := st.OrgUsers(ctx, org.ID)
		if err != nil {
			return err
		}
		units, err := st.Units(ctx, org.ID)
		if err != nil {
			return err
		}
		var owners []int64
		var respondent int64
		for _, p := range people {
			owners = append(owners, p.ID)
			if p.Role == vaern.RoleRespondent {
				respondent = p.ID
			}
		}
		list := danishSystems
		if org.Country == "NO" {
			list = norwegianSystems
		}
		var created []vaern.ITSystem
		err = st.Write(ctx, func(tx *store.Tx) error {
			for i, d := range list {
				s := vaern.ITSystem{Name: d.name, Description: d.desc, Vendor: d.vendor, Product: d.product, Version: d.version,
					CPE: d.cpe, Hosting: d.hosting, Supplier: d.supplier, PersonalData: d.pd, Confidentiality: d.c, Integrity: d.i,
					Availability: d.a, RTO: time.Duration(d.rto * float64(time.Hour)), RPO: time.Duration(d.rto * float64(time.Hour) / 4),
					InternetExposed: d.exposed, Tags: []string{d.tags}}
				if len(units) > 0 {
					s.UnitID = units[(i*7+fi)%len(units)].ID
				}
				// Most systems have both owners; some lack one, as in every real register.
				if i%9 != 4 && len(owners) > 0 {
					s.SystemOwnerID = owners[i%len(owners)]
					if i%3 == 0 && respondent != 0 {
						s.SystemOwnerID = respondent
					}
				}
				if i%7 != 3 && len(owners) > 0 {
					s.DataOwnerID = owners[(i+1)%len(owners)]
				}
				switch {
				case d.hosting == vaern.HostingOwn && d.supplier == "":
					s.DPAStatus = vaern.DPANotNeeded
				case i%6 == 5:
					s.DPAStatus = vaern.DPAMissing
				case i%10 == 7:
					s.DPAStatus, s.DPADate, s.DPAReview = vaern.DPASigned, now.AddDate(-3, 0, 0), now.AddDate(0, -2, 0)
				default:
					s.DPAStatus, s.DPADate, s.DPAReview = vaern.DPASigned, now.AddDate(-1, -i%12, 0), now.AddDate(1, -i%12, 0)
				}
				if ai, ok := demoAI[d.name]; ok {
					s.AIUse, s.AIPurpose, s.AISupplier, s.AIDPACovered = ai.use, ai.purpose, ai.supplier, ai.covered
					if ai.checked > 0 {
						s.AIChecked = now.AddDate(0, -ai.checked, 0)
					}
				}
				got, err := tx.CreateSystem(ctx, sys, org.ID, s)
				if err != nil {
					return fmt.Errorf("%s: %w", d.name, err)
				}
				created = append(created, got)
			}
			// A few components for the systems a vendor delivered an SBOM for.
			for _, s := range created[:3] {
				comps := []vaern.Component{
					{Name: "org.apache.logging.log4j/log4j-core", Version: "2.17.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1", Licence: "Apache-2.0", Kind: "library"},
					{Name: "org.springframework/spring-web", Version: "5.3.31", PURL: "pkg:maven/org.springframework/spring-web@5.3.31", Licence: "Apache-2.0", Kind: "library"},
					{Name: "jquery", Version: "3.5.1", PURL: "pkg:npm/jquery@3.5.1", Licence: "MIT", Kind: "library"},
					{Name: "openssl", Version: "3.0.13", PURL: "pkg:generic/openssl@3.0.13", CPE: "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*", Licence: "Apache-2.0", Kind: "library"},
				}
				if err := tx.ReplaceComponents(ctx, sys, org.ID, s.ID, comps, "demo"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("demo register: %s: %w", org.Name, err)
		}
		// Risk assessments for the most critical systems.
		n := 0
		for i, s := range created {
			if s.MaxCriticality() < 4 || n >= 12 {
				continue
			}
			threat, l, c, rl, rc := demoRisk(i)
			ra, err := st.CreateRiskAssessment(ctx, sys, org.ID, vaern.RiskAssessment{SystemID: s.ID, Threat: threat, Likelihood: l, Consequence: c,
				ResidualLikelihood: rl, ResidualConsequence: rc, ReviewMonths: 12})
			if err != nil {
				return fmt.Errorf("demo register: risk for %s: %w", s.Name, err)
			}
			owner := s.SystemOwnerID
			if _, err := st.AddTreatment(ctx, sys, org.ID, ra.ID, vaern.Treatment{Title: treatmentFor(threat, org.Country), OwnerID: owner, Due: now.AddDate(0, 1+n%4, 0)}); err != nil {
				return err
			}
			if n%4 == 1 {
				who := "Kommunaldirektør"
				if org.Country == "NO" {
					who = "Kommunedirektør"
				}
				if err := st.AcceptRisk(ctx, sys, org.ID, ra.ID, who, 0, acceptReason(org.Country)); err != nil {
					return err
				}
			}
			n++
		}
		if err := st.SetRegisterSharing(ctx, sys, org.ID, sharing[f.code]); err != nil {
			return err
		}
	}
	return nil
}

func treatmentFor(threat, country string) string {
	da := map[string]string{"ransomware": "Offline-backup og genetableringstest", "phishing": "MFA for alle brugere", "unpatched": "Fast månedlig opdateringsvindue",
		"supplier_breach": "Tilsyn med leverandøren", "outage": "Beredskabsplan og nødprocedure", "data_loss": "Test af gendannelse",
		"excess_access": "Halvårlig gennemgang af adgange", "web_attack": "WAF og sårbarhedsscanning"}
	nb := map[string]string{"ransomware": "Frakoblet sikkerhetskopi og gjenopprettingstest", "phishing": "MFA for alle brukere", "unpatched": "Fast månedlig oppdateringsvindu",
		"supplier_breach": "Tilsyn med leverandøren", "outage": "Beredskapsplan og nødrutine", "data_loss": "Test av gjenoppretting",
		"excess_access": "Halvårlig gjennomgang av tilganger", "web_attack": "WAF og sårbarhetsskanning"}
	if country == "NO" {
		return nb[threat]
	}
	return da[threat]
}

func acceptReason(country string) string {
	if country == "NO" {
		return "Restrisikoen er innenfor kommunens risikoappetitt etter de gjennomførte tiltakene."
	}
	return "Restrisikoen ligger inden for kommunens risikoappetit efter de gennemførte tiltag."
}
