// Package indicators turns the indicator store's rows into the files sensors and threat-sharing
// platforms load, and reads the files other platforms share, without touching storage: exports
// as plain lists, Suricata datasets and IP reputation, Zeek intel, STIX 2.1 bundles and a MISP
// feed; imports of STIX 2.1 bundles and MISP events. The store streams the rows a principal may
// see; this package only writes them in the asked format, so that every format shows one set.
package indicators

import (
	"crypto/sha1"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/incident"
)

// Export formats, as the API's format parameter names them.
const (
	Plain            = "plain"
	SuricataDataset  = "suricata-dataset"
	SuricataDatarep  = "suricata-datarep"
	SuricataIPRep    = "suricata-iprep"
	SuricataIPRepCat = "suricata-iprep-categories"
	Zeek             = "zeek"
	STIX             = "stix"
	MISP             = "misp"
)

// Formats lists the export formats in the order the pages offer them.
var Formats = []string{Plain, SuricataDataset, SuricataDatarep, SuricataIPRep, SuricataIPRepCat, Zeek, STIX, MISP}

// Types are the indicator types, as the store keeps them.
var Types = incident.ObservableTypes

// datasetKind is the Suricata dataset type that carries each indicator type. Suricata has no
// dataset type for sha1 or for networks (networks go to IP reputation instead).
var datasetKind = map[string]string{
	incident.ObsDomain: "string", incident.ObsURL: "string", incident.ObsEmail: "string",
	incident.ObsMD5: "md5", incident.ObsJA3: "md5", incident.ObsSHA256: "sha256", incident.ObsIP: "ip",
}

// DatasetType is the Suricata dataset type (string, md5, sha256, ip) of a dataset export with
// the type filter typ ("" is the string dataset: domains, URLs and e-mail addresses).
func DatasetType(typ string) string {
	if typ == "" {
		return "string"
	}
	return datasetKind[typ]
}

// Selection says which indicator types an export of format with the type filter typ ("" for
// none) carries, or why that combination is not a file the format can hold.
func Selection(format, typ string) ([]string, error) {
	if typ != "" && !isType(typ) {
		return nil, vaern.Invalid("type", "is not an indicator type")
	}
	pick := func(ok func(string) bool) []string {
		var out []string
		for _, t := range Types {
			if (typ == "" || t == typ) && ok(t) {
				out = append(out, t)
			}
		}
		return out
	}
	var out []string
	switch format {
	case Plain, MISP:
		out = pick(func(string) bool { return true })
	case SuricataDataset, SuricataDatarep:
		if typ == "" {
			out = pick(func(t string) bool { return datasetKind[t] == "string" })
		} else {
			out = pick(func(t string) bool { return datasetKind[t] != "" })
		}
	case SuricataIPRep:
		out = pick(func(t string) bool { return t == incident.ObsIP || t == incident.ObsCIDR })
	case SuricataIPRepCat:
		return nil, nil
	case Zeek:
		// Intel::JA3 comes from the ja3 Zeek package, not from Zeek itself: only asked for by name.
		out = pick(func(t string) bool { return t != incident.ObsJA3 || typ == incident.ObsJA3 })
	case STIX:
		// STIX 2.1 has no object for a TLS client fingerprint.
		out = pick(func(t string) bool { return t != incident.ObsJA3 })
	default:
		return nil, vaern.Invalid("format", "is not an export format")
	}
	if len(out) == 0 {
		return nil, vaern.Invalid("type", "cannot be exported in this format")
	}
	return out, nil
}

func isType(t string) bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// ContentType is the media type of an export.
func ContentType(format string) string {
	switch format {
	case STIX:
		return "application/stix+json;version=2.1"
	case MISP:
		return "application/zip"
	case SuricataIPRep, SuricataIPRepCat:
		return "text/csv; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// FileName is the name an export is downloaded as.
func FileName(format, typ string) string {
	base := "vaern-indicators"
	if typ != "" {
		base += "-" + typ
	}
	switch format {
	case STIX:
		return base + ".stix.json"
	case MISP:
		return base + "-misp-feed.zip"
	case SuricataIPRep:
		return "vaern-iprep.list"
	case SuricataIPRepCat:
		return "vaern-iprep-categories.txt"
	case Zeek:
		return base + ".zeek.intel"
	case SuricataDataset, SuricataDatarep:
		return base + "." + DatasetType(typ) + ".lst"
	}
	return base + ".txt"
}

// stableUUID is a name-based (version 5) UUID, so that the same indicator or event keeps its id
// from one export to the next and a consumer updates instead of duplicating.
func stableUUID(parts ...string) string {
	return uuid.NewHash(sha1.New(), vaernNS, []byte(strings.Join(parts, "\x00")), 5).String()
}

// vaernNS is the namespace of Værn's name-based UUIDs.
var vaernNS = uuid.MustParse("5d0b6a55-7a1e-4b6e-9c43-8c1d2f9e0a17")

// Identity names the organisation that publishes an export (the centre).
type Identity struct {
	OrgID int64
	Name  string
}

func (id Identity) stixID() string {
	return "identity--" + stableUUID("identity", fmt.Sprint(id.OrgID))
}
func (id Identity) mispUUID() string { return stableUUID("misp-org", fmt.Sprint(id.OrgID)) }
