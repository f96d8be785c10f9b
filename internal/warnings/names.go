package warnings

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// names.go turns free-text vendor and product names into comparable keys. The rules (written out
// in docs/warnings-matching.md, "Names"):
//   - case and punctuation do not count: "D-Link" and "dlink", "Exchange Server" and
//     "exchange_server" (a CPE's product) give one key; letters with diacritics keep them
//     ("Værn" stays "værn");
//   - legal suffixes at the end of a vendor name do not count ("Microsoft Corporation",
//     "Siemens AG", "Visma A/S"), nor a leading "The";
//   - a product name that starts with its vendor's name drops it ("Microsoft Exchange Server"
//     by Microsoft is "Exchange Server");
//   - trailing version words of a product name ("2019", "2012 R2", "10", "SP1", "CU12") are its
//     edition, and edition words ("Datacenter", "Standard", "x64") are dropped: "Windows Server
//     2019 Datacenter" is the product "Windows Server", edition "2019";
//   - aliases map known other names to one (vendorAliases, productAliases).

// nameKey is a vendor/product pair in comparable form.
type nameKey struct {
	vendor  string // vendor key: letters and digits only, "" if none
	product string // product key, after aliases; "" if none
	edition string // the product name's trailing version words, normalised ("2019", "2012 r2")
	alias   bool   // an alias changed the vendor or the product
	// tokens are the product's distinctive words (no stop words, no numbers), sorted and
	// deduplicated; anchor is the longest of them, the key a fuzzy match is looked up by.
	tokens []string
	anchor string
}

// legalSuffixes are company-form words that do not tell two vendors apart.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true,
	"company": true, "ltd": true, "limited": true, "llc": true, "gmbh": true, "ag": true,
	"se": true, "sa": true, "as": true, "asa": true, "aps": true, "ab": true, "oy": true,
	"oyj": true, "bv": true, "nv": true, "plc": true, "srl": true, "spa": true, "kk": true,
	"pty": true, "pte": true, "lp": true, "llp": true, "sas": true, "sarl": true, "kg": true,
	// organisation words of open-source projects ("OpenSSL Project", "Eclipse Foundation")
	"project": true, "foundation": true, "community": true, "team": true,
}

// vendorAliases maps a vendor key to the key it is known by in advisories.
var vendorAliases = map[string]string{
	"ciscosystems":             "cisco",
	"hewlettpackard":           "hp",
	"hewlettpackardenterprise": "hpe",
	"apachesoftwarefoundation": "apache",
	"apachesoftware":           "apache",
	"pythonsoftware":           "python",
	"citrixsystems":            "citrix",
	"adobesystems":             "adobe",
	"zohocorp":                 "zoho",
	"f5networks":               "f5",
	"junipernetworks":          "juniper",
	"qnapsystems":              "qnap",
	"progresssoftware":         "progress",
	"mozillafoundation":        "mozilla",
	"vmwarebybroadcom":         "vmware",
	"fortinetinc":              "fortinet",
	"ms":                       "microsoft",
	"msft":                     "microsoft",
	"googlecloud":              "google",
	"redhatinc":                "redhat",
}

// productAliases maps vendor/product keys to the product key advisories use for it.
var productAliases = map[string]string{
	"microsoft/exchange":                   "exchangeserver",
	"microsoft/sharepoint":                 "sharepointserver",
	"microsoft/iis":                        "internetinformationservices",
	"microsoft/sql":                        "sqlserver",
	"microsoft/windowsserver":              "windows",
	"microsoft/windowsclient":              "windows",
	"apache/httpd":                         "httpserver",
	"apache/apachehttpserver":              "httpserver",
	"apache/log4j2":                        "log4j",
	"apache/struts2":                       "struts",
	"vmware/vcenter":                       "vcenterserver",
	"citrix/adc":                           "netscaleradc",
	"citrix/applicationdeliverycontroller": "netscaleradc",
	"citrix/gateway":                       "netscalergateway",
	"ivanti/pulseconnectsecure":            "connectsecure",
	"fortinet/fortigate":                   "fortios",
}

// stopWords do not make a fuzzy match on their own.
var stopWords = map[string]bool{
	"server": true, "software": true, "system": true, "systems": true, "application": true,
	"app": true, "apps": true, "service": true, "services": true, "suite": true,
	"platform": true, "client": true, "web": true, "edition": true, "manager": true,
	"management": true, "the": true, "for": true, "and": true, "of": true, "cloud": true,
	"online": true, "portal": true, "tool": true, "tools": true, "version": true, "update": true,
	"core": true, "library": true, "lib": true, "plugin": true, "module": true, "api": true,
	"sdk": true, "framework": true, "agent": true, "console": true, "center": true,
	"centre": true, "product": true, "products": true, "os": true, "firmware": true,
	"device": true, "devices": true, "network": true, "networks": true, "data": true,
	"security": true, "office": true, "enterprise": true, "professional": true, "pro": true,
	"standard": true, "new": true, "multiple": true, "all": true, "via": true, "with": true,
	"in": true, "on": true, "to": true, "de": true, "og": true, "i": true, "til": true,
}

// editionWords at the end of a product name say which edition, not which product.
var editionWords = map[string]bool{
	"datacenter": true, "standard": true, "enterprise": true, "professional": true, "pro": true,
	"home": true, "essentials": true, "education": true, "x64": true, "x86": true, "ltsc": true,
	"ltsb": true, "64bit": true, "32bit": true, "arm64": true, "amd64": true, "core": true,
}

// words splits a name into lower-case words of letters and digits; a dot between digits stays
// ("2.4"), every other mark separates.
func words(s string) []string {
	var out []string
	start := -1
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		keep := unicode.IsLetter(r) || unicode.IsDigit(r)
		if !keep && r == '.' && start >= 0 && i > 0 && isDigitByte(s[i-1]) && i+1 < len(s) && isDigitByte(s[i+1]) {
			keep = true
		}
		if keep {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
		i += n
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// blankName reports names that mean "none given".
func blankName(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "*", "-", "n/a", "na", "none", "unknown", "ukendt", "ukjent", "?", "various", "multiple":
		return true
	}
	return false
}

// vendorKey is the comparable key of a vendor name, and whether an alias was used.
func vendorKey(s string) (string, []string, bool) {
	if blankName(s) {
		return "", nil, false
	}
	ws := words(s)
	if len(ws) > 1 && ws[0] == "the" {
		ws = ws[1:]
	}
	// "A/S" splits into "a", "s"
	if n := len(ws); n > 2 && ws[n-2] == "a" && ws[n-1] == "s" {
		ws = ws[:n-2]
	}
	for len(ws) > 1 && legalSuffixes[ws[len(ws)-1]] {
		ws = ws[:len(ws)-1]
	}
	k := strings.Join(ws, "")
	if a, ok := vendorAliases[k]; ok {
		return a, ws, true
	}
	return k, ws, false
}

// isVersionWord reports a word that belongs to a product's edition: a number or dotted number,
// "r2", "sp1", "cu12", "v2", a Windows feature update ("21h2").
func isVersionWord(w string) bool {
	if w == "" {
		return false
	}
	if isDigitByte(w[0]) {
		for i := 0; i < len(w); i++ {
			if !isDigitByte(w[i]) && w[i] != '.' {
				// a Windows feature update ("21h2"), not a model number ("820l")
				return len(w) == 4 && w[2] == 'h' && isDigitByte(w[3])
			}
		}
		return true
	}
	for _, p := range []string{"r", "sp", "cu", "v", "u"} {
		if rest, ok := strings.CutPrefix(w, p); ok && rest != "" && isDigitByte(rest[0]) {
			for i := 0; i < len(rest); i++ {
				if !isDigitByte(rest[i]) && rest[i] != '.' {
					return false
				}
			}
			return true
		}
	}
	return false
}

// productKey normalises a product name in its vendor's context.
func productKey(vendor string, vendorWords []string, product string) (key, edition string, tokens []string, alias bool) {
	if blankName(product) {
		return "", "", nil, false
	}
	ws := words(product)
	// drop the vendor's own name in front
	if len(vendorWords) > 0 && len(ws) > len(vendorWords) {
		same := true
		for i, v := range vendorWords {
			if ws[i] != v {
				same = false
				break
			}
		}
		if same {
			ws = ws[len(vendorWords):]
		}
	}
	if vendor != "" && len(ws) > 1 && ws[0] == vendor {
		ws = ws[1:]
	}
	// the edition: trailing version words and edition words
	end := len(ws)
	var ed []string
	for end > 1 {
		w := ws[end-1]
		if editionWords[w] {
			end--
			continue
		}
		if isVersionWord(w) {
			ed = append(ed, w)
			end--
			continue
		}
		break
	}
	slices.Reverse(ed)
	ws = ws[:end]
	key = strings.Join(ws, "")
	if a, ok := productAliases[vendor+"/"+key]; ok {
		key, alias = a, true
	}
	for _, w := range ws {
		if stopWords[w] || isVersionWord(w) || len(w) < 2 {
			continue
		}
		tokens = append(tokens, w)
	}
	tokens = sortUnique(tokens)
	return key, strings.Join(ed, " "), tokens, alias
}

// newNameKey normalises a vendor/product pair.
func newNameKey(vendor, product string) nameKey {
	v, vws, va := vendorKey(vendor)
	p, ed, toks, pa := productKey(v, vws, product)
	nk := nameKey{vendor: v, product: p, edition: ed, tokens: toks, alias: va || pa}
	for _, t := range toks {
		if len(t) > len(nk.anchor) || (len(t) == len(nk.anchor) && t < nk.anchor) {
			nk.anchor = t
		}
	}
	return nk
}

// nameTokens is the distinctive words of a free-text name (an asset's Name), sorted.
func nameTokens(s string) []string {
	var out []string
	for _, w := range words(s) {
		if stopWords[w] || isVersionWord(w) || len(w) < 2 {
			continue
		}
		out = append(out, w)
	}
	return sortUnique(out)
}

// subset reports whether every word of a (sorted) is in b (sorted).
func subset(a, b []string) bool {
	if len(a) == 0 {
		return false
	}
	j := 0
	for _, w := range a {
		for j < len(b) && b[j] < w {
			j++
		}
		if j == len(b) || b[j] != w {
			return false
		}
	}
	return true
}

// editionsAgree: two products with an edition each must have the same one.
func editionsAgree(a, b string) bool { return a == "" || b == "" || a == b }

func sortUnique(ws []string) []string {
	slices.Sort(ws)
	return slices.Compact(ws)
}

// NameKey is the matcher's normalised key of a vendor and product name ("Microsoft
// Corporation", "Exchange Server 2019" → "microsoft/exchangeserver/2019"): equal keys match by
// name. The orchestration keys a curated name → CPE / purl mapping by it, so that a mapping
// confirmed once reaches every member's system of that name however it is written.
func NameKey(vendor, product string) string {
	k := newNameKey(vendor, product)
	if k.product == "" {
		return ""
	}
	return k.vendor + "/" + k.product + "/" + k.edition
}
