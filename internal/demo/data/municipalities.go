// Package demodata holds static reference data used to seed demo
// installations of Værn: Danish and Norwegian municipalities, realistic
// organisational unit trees and plausible person names for demo users.
//
// Population figures are rounded approximations of the official 1 January
// 2024 figures (Danmarks Statistik, table FOLK1A; Statistisk sentralbyrå,
// table 07459). They are good enough for sizing demo data, but must not be
// presented as authoritative statistics.
package demodata

import "github.com/vaern/vaern"

// Country codes used in Municipality.Country.
const (
	CountryDenmark = "DK"
	CountryNorway  = "NO"
)

// Municipality is a Danish kommune or a Norwegian kommune.
type Municipality struct {
	// Country is "DK" or "NO".
	Country string
	// Code is the official municipality code: three digits in Denmark
	// (kommunekode, e.g. "101"), four digits in Norway (kommunenummer,
	// e.g. "0301").
	Code string
	// Name is the official name, with æ, ø and å.
	Name string
	// Region is the Danish region or, for Norway, the county (fylke) as of
	// the 2024 regional reform.
	Region string
	// Population is the approximate population on 1 January 2024.
	Population int
}

// Danish region names.
const (
	RegionHovedstaden = "Region Hovedstaden"
	RegionSjaelland   = "Region Sjælland"
	RegionSyddanmark  = "Region Syddanmark"
	RegionMidtjylland = "Region Midtjylland"
	RegionNordjylland = "Region Nordjylland"
)

func dk(code, name, region string, population int) Municipality {
	return Municipality{Country: CountryDenmark, Code: code, Name: name, Region: region, Population: population}
}

func nor(code, name, county string, population int) Municipality {
	return Municipality{Country: CountryNorway, Code: code, Name: name, Region: county, Population: population}
}

// Denmark lists all 98 Danish municipalities, ordered by kommunekode.
// Christiansø is administered by the state and is not a municipality.
var Denmark = []Municipality{
	// Region Hovedstaden (29).
	dk("101", "København", RegionHovedstaden, 660800),
	dk("147", "Frederiksberg", RegionHovedstaden, 104900),
	dk("151", "Ballerup", RegionHovedstaden, 52400),
	dk("153", "Brøndby", RegionHovedstaden, 39500),
	dk("155", "Dragør", RegionHovedstaden, 14700),
	dk("157", "Gentofte", RegionHovedstaden, 75400),
	dk("159", "Gladsaxe", RegionHovedstaden, 70500),
	dk("161", "Glostrup", RegionHovedstaden, 24100),
	dk("163", "Herlev", RegionHovedstaden, 30400),
	dk("165", "Albertslund", RegionHovedstaden, 28300),
	dk("167", "Hvidovre", RegionHovedstaden, 54300),
	dk("169", "Høje-Taastrup", RegionHovedstaden, 58700),
	dk("173", "Lyngby-Taarbæk", RegionHovedstaden, 56700),
	dk("175", "Rødovre", RegionHovedstaden, 41300),
	dk("183", "Ishøj", RegionHovedstaden, 23700),
	dk("185", "Tårnby", RegionHovedstaden, 43800),
	dk("187", "Vallensbæk", RegionHovedstaden, 17100),
	dk("190", "Furesø", RegionHovedstaden, 41500),
	dk("201", "Allerød", RegionHovedstaden, 26400),
	dk("210", "Fredensborg", RegionHovedstaden, 41700),
	dk("217", "Helsingør", RegionHovedstaden, 63700),
	dk("219", "Hillerød", RegionHovedstaden, 54500),
	dk("223", "Hørsholm", RegionHovedstaden, 25400),
	dk("230", "Rudersdal", RegionHovedstaden, 57200),
	dk("240", "Egedal", RegionHovedstaden, 44600),
	dk("250", "Frederikssund", RegionHovedstaden, 46400),
	dk("260", "Halsnæs", RegionHovedstaden, 31700),
	dk("270", "Gribskov", RegionHovedstaden, 41900),
	dk("400", "Bornholm", RegionHovedstaden, 39600),

	// Region Sjælland (17).
	dk("253", "Greve", RegionSjaelland, 51000),
	dk("259", "Køge", RegionSjaelland, 62700),
	dk("265", "Roskilde", RegionSjaelland, 90400),
	dk("269", "Solrød", RegionSjaelland, 23900),
	dk("306", "Odsherred", RegionSjaelland, 33000),
	dk("316", "Holbæk", RegionSjaelland, 73200),
	dk("320", "Faxe", RegionSjaelland, 38200),
	dk("326", "Kalundborg", RegionSjaelland, 48500),
	dk("329", "Ringsted", RegionSjaelland, 36200),
	dk("330", "Slagelse", RegionSjaelland, 80000),
	dk("336", "Stevns", RegionSjaelland, 23900),
	dk("340", "Sorø", RegionSjaelland, 30600),
	dk("350", "Lejre", RegionSjaelland, 29100),
	dk("360", "Lolland", RegionSjaelland, 40300),
	dk("370", "Næstved", RegionSjaelland, 84200),
	dk("376", "Guldborgsund", RegionSjaelland, 59600),
	dk("390", "Vordingborg", RegionSjaelland, 45800),

	// Region Syddanmark (22).
	dk("410", "Middelfart", RegionSyddanmark, 39900),
	dk("420", "Assens", RegionSyddanmark, 41000),
	dk("430", "Faaborg-Midtfyn", RegionSyddanmark, 51600),
	dk("440", "Kerteminde", RegionSyddanmark, 24000),
	dk("450", "Nyborg", RegionSyddanmark, 32600),
	dk("461", "Odense", RegionSyddanmark, 207500),
	dk("479", "Svendborg", RegionSyddanmark, 59000),
	dk("480", "Nordfyns", RegionSyddanmark, 29600),
	dk("482", "Langeland", RegionSyddanmark, 12300),
	dk("492", "Ærø", RegionSyddanmark, 5900),
	dk("510", "Haderslev", RegionSyddanmark, 55600),
	dk("530", "Billund", RegionSyddanmark, 27000),
	dk("540", "Sønderborg", RegionSyddanmark, 74000),
	dk("550", "Tønder", RegionSyddanmark, 36600),
	dk("561", "Esbjerg", RegionSyddanmark, 115900),
	dk("563", "Fanø", RegionSyddanmark, 3500),
	dk("573", "Varde", RegionSyddanmark, 50200),
	dk("575", "Vejen", RegionSyddanmark, 42900),
	dk("580", "Aabenraa", RegionSyddanmark, 58600),
	dk("607", "Fredericia", RegionSyddanmark, 52300),
	dk("621", "Kolding", RegionSyddanmark, 95400),
	dk("630", "Vejle", RegionSyddanmark, 122000),

	// Region Midtjylland (19).
	dk("615", "Horsens", RegionMidtjylland, 99400),
	dk("657", "Herning", RegionMidtjylland, 90500),
	dk("661", "Holstebro", RegionMidtjylland, 59200),
	dk("665", "Lemvig", RegionMidtjylland, 19600),
	dk("671", "Struer", RegionMidtjylland, 20600),
	dk("706", "Syddjurs", RegionMidtjylland, 43600),
	dk("707", "Norddjurs", RegionMidtjylland, 37200),
	dk("710", "Favrskov", RegionMidtjylland, 50600),
	dk("727", "Odder", RegionMidtjylland, 23500),
	dk("730", "Randers", RegionMidtjylland, 99500),
	dk("740", "Silkeborg", RegionMidtjylland, 101500),
	dk("741", "Samsø", RegionMidtjylland, 3700),
	dk("746", "Skanderborg", RegionMidtjylland, 65000),
	dk("751", "Aarhus", RegionMidtjylland, 367100),
	dk("756", "Ikast-Brande", RegionMidtjylland, 42300),
	dk("760", "Ringkøbing-Skjern", RegionMidtjylland, 56500),
	dk("766", "Hedensted", RegionMidtjylland, 47600),
	dk("779", "Skive", RegionMidtjylland, 46200),
	dk("791", "Viborg", RegionMidtjylland, 98300),

	// Region Nordjylland (11).
	dk("773", "Morsø", RegionNordjylland, 20000),
	dk("787", "Thisted", RegionNordjylland, 43100),
	dk("810", "Brønderslev", RegionNordjylland, 36500),
	dk("813", "Frederikshavn", RegionNordjylland, 58900),
	dk("820", "Vesthimmerlands", RegionNordjylland, 36700),
	dk("825", "Læsø", RegionNordjylland, 1750),
	dk("840", "Rebild", RegionNordjylland, 30700),
	dk("846", "Mariagerfjord", RegionNordjylland, 42000),
	dk("849", "Jammerbugt", RegionNordjylland, 38400),
	dk("851", "Aalborg", RegionNordjylland, 222600),
	dk("860", "Hjørring", RegionNordjylland, 64300),
}

// Norway lists a selection of Norwegian municipalities with the codes and
// counties in force from 1 January 2024 (after Viken, Vestfold og Telemark
// and Troms og Finnmark were split up). The Vestland municipalities at the
// end take part in the DigiVestland cooperation.
var Norway = []Municipality{
	nor("0301", "Oslo", "Oslo", 717700),
	nor("1103", "Stavanger", "Rogaland", 146000),
	nor("1108", "Sandnes", "Rogaland", 83300),
	nor("1804", "Bodø", "Nordland", 53700),
	nor("3107", "Fredrikstad", "Østfold", 84500),
	nor("3201", "Bærum", "Akershus", 130800),
	nor("3203", "Asker", "Akershus", 98500),
	nor("3205", "Lillestrøm", "Akershus", 90300),
	nor("3301", "Drammen", "Buskerud", 103300),
	nor("4204", "Kristiansand", "Agder", 116000),
	nor("5001", "Trondheim", "Trøndelag", 214600),
	nor("5501", "Tromsø", "Troms", 78700),

	// Vestland (DigiVestland).
	nor("4601", "Bergen", "Vestland", 291200),
	nor("4602", "Kinn", "Vestland", 17300),
	nor("4621", "Voss", "Vestland", 16200),
	nor("4624", "Bjørnafjorden", "Vestland", 26000),
	nor("4626", "Øygarden", "Vestland", 39700),
	nor("4627", "Askøy", "Vestland", 30300),
	nor("4631", "Alver", "Vestland", 30000),
	nor("4647", "Sunnfjord", "Vestland", 22500),
}

// Size classes returned by SizeClass (the domain's).
const (
	SizeSmall  = vaern.SizeSmall
	SizeMedium = vaern.SizeMedium
	SizeLarge  = vaern.SizeLarge
)

// SizeClass classifies a municipality by population; see vaern.SizeClassOf.
func SizeClass(population int) string { return vaern.SizeClassOf(population) }

// UnitSpec describes one organisational unit and its sub-units.
type UnitSpec struct {
	Name     string
	Children []UnitSpec
}

func unit(name string, children ...string) UnitSpec {
	u := UnitSpec{Name: name}
	for _, c := range children {
		u.Children = append(u.Children, UnitSpec{Name: c})
	}
	return u
}

// UnitTree returns a realistic tree of administrations and departments for
// m, in the country's language and scaled to the municipality's size class.
// Every call returns a freshly allocated tree that the caller may modify.
func UnitTree(m Municipality) []UnitSpec {
	size := SizeClass(m.Population)
	if m.Country == CountryNorway {
		return norwegianTree(size)
	}
	return danishTree(size)
}

func danishTree(size string) []UnitSpec {
	switch size {
	case SizeLarge:
		return []UnitSpec{
			unit("Borgmesterens Afdeling", "Sekretariat og Jura", "Kommunikation", "Byråd og Udvalg"),
			unit("Økonomi- og Personaleforvaltningen", "Økonomi", "HR", "IT og Digitalisering", "Borgerservice", "Indkøb"),
			unit("Børne- og Ungeforvaltningen", "Dagtilbud", "Skoler", "PPR", "Familie og Myndighed", "Ungdomsskolen"),
			unit("Social- og Sundhedsforvaltningen", "Ældrepleje", "Handicap og Psykiatri", "Sundhed", "Visitation", "Hjælpemidler"),
			unit("Teknik- og Miljøforvaltningen", "Byggeri", "Veje og Trafik", "Natur og Miljø", "Plan og Byudvikling", "Ejendomme"),
			unit("Kultur- og Fritidsforvaltningen", "Biblioteker", "Idræt og Fritid", "Kulturhuse og Museer"),
			unit("Beskæftigelsesforvaltningen", "Jobcenter", "Ydelsescenter", "Integration", "Virksomhedsservice"),
		}
	case SizeMedium:
		return []UnitSpec{
			unit("Direktionssekretariatet", "Sekretariat og Jura", "Kommunikation"),
			unit("Økonomi og Personale", "Økonomi", "HR", "IT og Digitalisering", "Borgerservice"),
			unit("Børn og Unge", "Dagtilbud", "Skoler", "PPR", "Familie"),
			unit("Social og Sundhed", "Ældrepleje", "Handicap og Psykiatri", "Sundhed"),
			unit("Teknik og Miljø", "Byggeri", "Veje og Trafik", "Natur og Miljø"),
			unit("Kultur og Fritid", "Biblioteker", "Idræt og Fritid"),
			unit("Beskæftigelse", "Jobcenter", "Ydelsescenter"),
		}
	default:
		return []UnitSpec{
			unit("Administration", "Økonomi og HR", "IT", "Borgerservice"),
			unit("Børn, Unge og Kultur", "Dagtilbud og Skoler", "Kultur og Fritid"),
			unit("Sundhed og Omsorg", "Ældrepleje", "Social og Handicap"),
			unit("Teknik og Miljø", "Byggeri og Ejendomme", "Veje og Natur"),
			unit("Jobcenter"),
		}
	}
}

func norwegianTree(size string) []UnitSpec {
	switch size {
	case SizeLarge:
		return []UnitSpec{
			unit("Rådmannens stab", "Kommunikasjon", "Juridisk", "Politisk sekretariat"),
			unit("Økonomi og virksomhetsstyring", "Økonomi", "HR", "Innkjøp"),
			unit("Digitalisering og IKT", "IKT-drift", "Digital utvikling", "Informasjonssikkerhet"),
			unit("Oppvekst og utdanning", "Barnehager", "Skoler", "PPT", "Barnevern"),
			unit("Helse og omsorg", "Hjemmetjenester", "Sykehjem", "Legevakt", "Psykisk helse og rus"),
			unit("Plan, bygg og eiendom", "Byggesak", "Arealplan", "Eiendom"),
			unit("Teknisk drift", "Vei og trafikk", "Vann og avløp", "Park og idrett"),
			unit("Kultur", "Bibliotek", "Kulturskole", "Frivillighet"),
			unit("NAV kommune", "Sosiale tjenester", "Flyktningtjenesten"),
			unit("Innbyggerservice", "Servicetorg", "Kundesenter"),
		}
	case SizeMedium:
		return []UnitSpec{
			unit("Økonomi og virksomhetsstyring", "Økonomi", "HR"),
			unit("Digitalisering og IKT"),
			unit("Oppvekst og utdanning", "Barnehager", "Skoler", "PPT"),
			unit("Helse og omsorg", "Hjemmetjenester", "Sykehjem", "Legevakt"),
			unit("Plan, bygg og eiendom", "Byggesak", "Eiendom"),
			unit("Teknisk drift", "Vei og trafikk", "Vann og avløp"),
			unit("Kultur"),
			unit("NAV kommune"),
			unit("Innbyggerservice"),
		}
	default:
		return []UnitSpec{
			unit("Økonomi og virksomhetsstyring", "Økonomi og HR", "Digitalisering og IKT", "Innbyggerservice"),
			unit("Oppvekst og utdanning", "Barnehager", "Skoler"),
			unit("Helse og omsorg", "Hjemmetjenester", "Sykehjem"),
			unit("Teknisk drift", "Plan, bygg og eiendom", "Vei, vann og avløp"),
			unit("Kultur"),
			unit("NAV kommune"),
		}
	}
}

var danishNames = []string{
	"Anne Jensen", "Mette Nielsen", "Kirsten Hansen", "Hanne Pedersen", "Susanne Andersen",
	"Lene Christensen", "Camilla Larsen", "Maria Sørensen", "Louise Rasmussen", "Sofie Jørgensen",
	"Ida Petersen", "Emma Madsen", "Julie Kristensen", "Karen Olsen", "Marianne Thomsen",
	"Pia Christiansen", "Charlotte Poulsen", "Helle Johansen", "Tina Møller", "Line Mortensen",
	"Peter Jensen", "Lars Nielsen", "Jens Hansen", "Søren Pedersen", "Michael Andersen",
	"Henrik Christensen", "Thomas Larsen", "Martin Sørensen", "Anders Rasmussen", "Rasmus Jørgensen",
	"Jesper Petersen", "Niels Madsen", "Mads Kristensen", "Frederik Olsen", "Mikkel Thomsen",
	"Christian Knudsen", "Kasper Mikkelsen", "Jakob Frederiksen", "Morten Østergaard", "Bo Dahl",
}

var norwegianNames = []string{
	"Anne Hansen", "Inger Johansen", "Kari Olsen", "Marit Larsen", "Ingrid Andersen",
	"Liv Pedersen", "Eva Nilsen", "Hilde Kristiansen", "Silje Jensen", "Ida Karlsen",
	"Nora Johnsen", "Emma Pettersen", "Ingvild Eriksen", "Sigrid Berg", "Tone Haugen",
	"Randi Hagen", "Solveig Johannessen", "Astrid Andreassen", "Guro Jacobsen", "Ragnhild Dahl",
	"Jan Hansen", "Per Johansen", "Bjørn Olsen", "Ole Larsen", "Lars Andersen",
	"Kjell Pedersen", "Knut Nilsen", "Arne Kristiansen", "Svein Jensen", "Thomas Karlsen",
	"Geir Johnsen", "Hans Pettersen", "Trond Eriksen", "Espen Berg", "Magnus Haugen",
	"Jonas Hagen", "Håkon Lie", "Eirik Solberg", "Sindre Bakken", "Øyvind Strand",
}

// PersonNames returns about 40 plausible "First Last" names for demo users
// in the given country ("DK" or "NO"). Unknown countries get Danish names.
// The returned slice is a copy and may be modified by the caller.
func PersonNames(country string) []string {
	src := danishNames
	if country == CountryNorway {
		src = norwegianNames
	}
	return append([]string(nil), src...)
}
