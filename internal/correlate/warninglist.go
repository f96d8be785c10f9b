package correlate

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/inputguard"
)

// Warninglists name benign infrastructure (public resolvers, CDNs, update servers) that many
// members' sensors see for harmless reasons: an indicator on an enabled list is kept as a
// suppressed early warning, shown to the centre, and never notified. The format is MISP's
// warninglist JSON: name, version, description, type (cidr, string, hostname, substring, regex),
// list and matching_attributes.

// Warninglist is one list, as MISP writes it.
type Warninglist = vaern.Warninglist

// Limits bound an imported warninglist file.
var Limits = inputguard.Limits{MaxBytes: 8 << 20, MaxDepth: 8, MaxTokens: 500_000, Expansion: 8}

// Limits on a list's content.
const (
	MaxEntries  = 200_000
	MaxEntryLen = 1024
	MaxRegexps  = 500
	maxNameLen  = 200
	maxDescLen  = 4000
)

// Types are the warninglist types Værn matches.
var Types = []string{"cidr", "string", "hostname", "substring", "regex"}

// attrKinds maps MISP attribute types to the indicator kinds they match.
var attrKinds = map[string]string{
	"ip-src": vaern.IndicatorIP, "ip-dst": vaern.IndicatorIP, "ip-src|port": vaern.IndicatorIP, "ip-dst|port": vaern.IndicatorIP,
	"domain|ip": vaern.IndicatorDomain, "domain": vaern.IndicatorDomain, "hostname": vaern.IndicatorDomain, "url": vaern.IndicatorDomain,
	"ja3-fingerprint-md5": vaern.IndicatorJA3, "ja4-fingerprint": vaern.IndicatorJA4, "snort": vaern.IndicatorSignature,
}

// Parse reads one MISP warninglist file. It checks the size, nesting and number of values before
// decoding, and names the field (and for entries the position) that is wrong.
func Parse(data []byte) (Warninglist, error) {
	var w Warninglist
	if err := Limits.CheckJSON(data); err != nil {
		return w, vaern.Invalid("file", "%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&w); err != nil {
		return w, vaern.Invalid("file", "is not a MISP warninglist (JSON): %v", err)
	}
	if dec.More() {
		return w, vaern.Invalid("file", "holds more than one JSON value")
	}
	return w, Check(&w)
}

// Check names what is wrong with a list, and normalises it (lower-case hostnames and strings,
// trimmed entries).
func Check(w *Warninglist) error {
	w.Name, w.Description, w.Type = strings.TrimSpace(w.Name), strings.TrimSpace(w.Description), strings.TrimSpace(w.Type)
	switch {
	case w.Name == "":
		return vaern.Invalid("name", "is required")
	case len(w.Name) > maxNameLen:
		return vaern.Invalid("name", "is longer than %d characters", maxNameLen)
	case len(w.Description) > maxDescLen:
		return vaern.Invalid("description", "is longer than %d characters", maxDescLen)
	case len(w.List) == 0:
		return vaern.Invalid("list", "is empty")
	case len(w.List) > MaxEntries:
		return vaern.Invalid("list", "has %d entries; at most %d are taken", len(w.List), MaxEntries)
	}
	if w.Type == "" {
		w.Type = "string" // MISP's default
	}
	if !slices.Contains(Types, w.Type) {
		return vaern.Invalid("type", "%q is not one of %s", w.Type, strings.Join(Types, ", "))
	}
	if w.Type == "regex" && len(w.List) > MaxRegexps {
		return vaern.Invalid("list", "a regex list has at most %d entries", MaxRegexps)
	}
	for i, a := range w.MatchingAttributes {
		if strings.TrimSpace(a) == "" {
			return vaern.Invalid("matching_attributes", "entry %d is empty", i+1)
		}
	}
	out := w.List[:0]
	for i, e := range w.List {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if len(e) > MaxEntryLen {
			return vaern.Invalid("list", "entry %d is longer than %d characters", i+1, MaxEntryLen)
		}
		switch w.Type {
		case "cidr":
			if _, err := parsePrefix(e); err != nil {
				return vaern.Invalid("list", "entry %d %q is not an address or CIDR range", i+1, e)
			}
		case "regex":
			if _, err := regexp.Compile(e); err != nil {
				return vaern.Invalid("list", "entry %d is not a regular expression: %v", i+1, err)
			}
		case "hostname":
			e = strings.TrimSuffix(strings.ToLower(e), ".")
			e = strings.TrimPrefix(e, "*.")
			e = strings.TrimPrefix(e, ".")
		default:
			e = strings.ToLower(e)
		}
		out = append(out, e)
	}
	w.List = out
	if len(w.List) == 0 {
		return vaern.Invalid("list", "has no entries")
	}
	return nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// compiled is a list ready to match.
type compiled struct {
	name     string
	typ      string
	kinds    map[string]bool // nil: every kind
	set      map[string]bool
	prefixes []netip.Prefix
	subs     []string
	res      []*regexp.Regexp
}

// Lists are the enabled warninglists, compiled for matching.
type Lists struct{ lists []compiled }

// Compile prepares checked lists for matching. Lists must have passed Check (the store keeps only
// checked ones).
func Compile(lists []Warninglist) (*Lists, error) {
	out := &Lists{}
	for _, w := range lists {
		c := compiled{name: w.Name, typ: w.Type}
		for _, a := range w.MatchingAttributes {
			if k, ok := attrKinds[strings.ToLower(strings.TrimSpace(a))]; ok {
				if c.kinds == nil {
					c.kinds = map[string]bool{}
				}
				c.kinds[k] = true
			}
		}
		if len(w.MatchingAttributes) > 0 && c.kinds == nil {
			continue // only attribute types Værn does not correlate
		}
		switch w.Type {
		case "cidr":
			for _, e := range w.List {
				p, err := parsePrefix(e)
				if err != nil {
					return nil, fmt.Errorf("warninglist %s: %w", w.Name, err)
				}
				c.prefixes = append(c.prefixes, p)
			}
		case "regex":
			for _, e := range w.List {
				re, err := regexp.Compile(e)
				if err != nil {
					return nil, fmt.Errorf("warninglist %s: %w", w.Name, err)
				}
				c.res = append(c.res, re)
			}
		case "substring":
			c.subs = w.List
		default:
			c.set = make(map[string]bool, len(w.List))
			for _, e := range w.List {
				c.set[e] = true
			}
		}
		out.lists = append(out.lists, c)
	}
	sort.SliceStable(out.lists, func(a, b int) bool { return out.lists[a].name < out.lists[b].name })
	return out, nil
}

// Match returns the name of the first list that lists the indicator, or "".
func (l *Lists) Match(kind, value string) string {
	if l == nil {
		return ""
	}
	v := strings.ToLower(value)
	var addr netip.Addr
	addrOK := false
	if kind == vaern.IndicatorIP {
		a, err := netip.ParseAddr(value)
		addr, addrOK = a.Unmap(), err == nil
	}
	for i := range l.lists {
		c := &l.lists[i]
		if c.kinds != nil && !c.kinds[kind] {
			continue
		}
		switch c.typ {
		case "cidr":
			if addrOK {
				for _, p := range c.prefixes {
					if p.Contains(addr) {
						return c.name
					}
				}
			}
		case "hostname":
			for d := v; d != ""; {
				if c.set[d] {
					return c.name
				}
				dot := strings.IndexByte(d, '.')
				if dot < 0 {
					break
				}
				d = d[dot+1:]
			}
		case "substring":
			for _, s := range c.subs {
				if strings.Contains(v, s) {
					return c.name
				}
			}
		case "regex":
			for _, re := range c.res {
				if re.MatchString(value) {
					return c.name
				}
			}
		default:
			if c.set[v] {
				return c.name
			}
		}
	}
	return ""
}

//go:embed warninglists/*.json
var defaultFS embed.FS

// Defaults are Værn's own small warninglists (public resolvers, update servers, time servers),
// which a centre has until it disables them.
func Defaults() []Warninglist {
	names, _ := defaultFS.ReadDir("warninglists")
	var out []Warninglist
	for _, n := range names {
		b, err := defaultFS.ReadFile("warninglists/" + n.Name())
		if err != nil {
			panic(err)
		}
		w, err := Parse(b)
		if err != nil {
			panic("correlate: default warninglist " + n.Name() + ": " + err.Error())
		}
		out = append(out, w)
	}
	return out
}
