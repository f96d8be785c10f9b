package incident

import (
	"net/netip"
	"net/url"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/inputguard"
)

// Observable types, as the indicator store keeps them (ja3 comes from the sensors).
const (
	ObsIP     = "ip"
	ObsCIDR   = "cidr"
	ObsDomain = "domain"
	ObsURL    = "url"
	ObsMD5    = "md5"
	ObsSHA1   = "sha1"
	ObsSHA256 = "sha256"
	ObsEmail  = "email"
	ObsJA3    = "ja3"
)

// ObservableTypes lists the types.
var ObservableTypes = []string{ObsIP, ObsCIDR, ObsDomain, ObsURL, ObsMD5, ObsSHA1, ObsSHA256, ObsEmail, ObsJA3}

// ObservableLimits bound what one case may carry: at most MaxObservables values of at most
// maxObservableLen bytes each, checked before anything is parsed.
var ObservableLimits = inputguard.Limits{MaxBytes: 64 << 10}

const (
	MaxObservables   = 500
	maxObservableLen = 2048
)

// refang undoes the usual defanging: hxxp, [.], (.), [dot], [:], [@], [at].
var refang = strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "[:]", ":", "[://]", "://",
	"[@]", "@", "[at]", "@", "(at)", "@", "\\.", ".")

// ParseObservable reads one observable as people paste it (defanged forms accepted) and gives
// its type and normalised value: addresses in canonical form, CIDRs masked, domains lower-case
// without a trailing dot (IDN as written, lower-cased), URLs with lower-case scheme and host,
// hashes lower-case hex, e-mail addresses lower-case. A "type:" prefix forces the type (needed for
// ja3, which looks like an md5).
func ParseObservable(s string) (vaern.Observable, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return vaern.Observable{}, vaern.Invalid("observables", "is empty")
	}
	if len(s) > maxObservableLen {
		return vaern.Observable{}, vaern.Invalid("observables", "is longer than %d characters", maxObservableLen)
	}
	s = refang.Replace(s)
	low := strings.ToLower(s)
	for _, p := range []string{"hxxps://", "hxxp://", "hxxps[://]", "fxp://"} {
		if strings.HasPrefix(low, p) {
			s = strings.Replace(low[:len(p)], "xx", "tt", 1) + s[len(p):]
			s = strings.Replace(s, "fxp", "ftp", 1)
			break
		}
	}
	if typ, rest, ok := strings.Cut(s, ":"); ok && isType(strings.ToLower(typ)) && !strings.HasPrefix(rest, "//") {
		return parseAs(strings.ToLower(typ), strings.TrimSpace(rest))
	}
	for _, typ := range []string{ObsIP, ObsCIDR, ObsURL, ObsEmail, ObsMD5, ObsSHA1, ObsSHA256, ObsDomain} {
		if o, err := parseAs(typ, s); err == nil {
			return o, nil
		}
	}
	return vaern.Observable{}, vaern.Invalid("observables", "%q is not an IP address, network, domain, URL, hash or e-mail address", short(s))
}

func short(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

func isType(t string) bool {
	for _, x := range ObservableTypes {
		if x == t {
			return true
		}
	}
	return false
}

func bad(typ, s string) error {
	return vaern.Invalid("observables", "%q is not a valid %s", short(s), typ)
}

func parseAs(typ, s string) (vaern.Observable, error) {
	o := vaern.Observable{Type: typ}
	switch typ {
	case ObsIP:
		a, err := netip.ParseAddr(strings.Trim(s, "[]"))
		if err != nil || a.Zone() != "" {
			return o, bad(typ, s)
		}
		o.Value = a.Unmap().String()
	case ObsCIDR:
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return o, bad(typ, s)
		}
		o.Value = p.Masked().String()
	case ObsMD5, ObsJA3:
		return hexOf(typ, s, 32)
	case ObsSHA1:
		return hexOf(typ, s, 40)
	case ObsSHA256:
		return hexOf(typ, s, 64)
	case ObsDomain:
		d, ok := domain(s)
		if !ok {
			return o, bad(typ, s)
		}
		o.Value = d
	case ObsEmail:
		local, dom, ok := strings.Cut(s, "@")
		d, dok := domain(dom)
		if !ok || !dok || local == "" || len(local) > 64 || strings.ContainsAny(local, " \t\r\n<>()[],;:\\\"@") {
			return o, bad(typ, s)
		}
		o.Value = strings.ToLower(local) + "@" + d
	case ObsURL:
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.Opaque != "" || u.User != nil {
			return o, bad(typ, s)
		}
		u.Scheme = strings.ToLower(u.Scheme)
		if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ftp" {
			return o, bad(typ, s)
		}
		host, port := u.Hostname(), u.Port()
		if a, err := netip.ParseAddr(host); err == nil {
			host = a.String()
			if a.Is6() {
				host = "[" + host + "]"
			}
		} else if d, ok := domain(host); ok {
			host = d
		} else {
			return o, bad(typ, s)
		}
		if port != "" {
			host += ":" + port
		}
		u.Host = host
		u.Fragment = ""
		o.Value = u.String()
	default:
		return o, bad("observable", s)
	}
	return o, nil
}

func hexOf(typ, s string, n int) (vaern.Observable, error) {
	s = strings.ToLower(s)
	if len(s) != n {
		return vaern.Observable{}, bad(typ, s)
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return vaern.Observable{}, bad(typ, s)
		}
	}
	return vaern.Observable{Type: typ, Value: s}, nil
}

// domain checks and normalises a host name: at least two labels, each 1-63 characters of
// letters, digits and hyphens (not at either end; any letter, so æøå domains pass as written), a
// top-level label that is not all digits, at most 253 characters.
func domain(s string) (string, bool) {
	s = strings.TrimSuffix(strings.ToLower(s), ".")
	if len(s) == 0 || len(s) > 253 {
		return "", false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return "", false
	}
	for i, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		digits := true
		for _, c := range l {
			switch {
			case c >= '0' && c <= '9':
			case c == '-' || c == '_' && i < len(labels)-1:
				digits = false
			case c >= 'a' && c <= 'z' || c > 0x7f && (c == 'æ' || c == 'ø' || c == 'å' || c == 'ä' || c == 'ö' || c == 'ü' || c == 'é'):
				digits = false
			default:
				return "", false
			}
		}
		if i == len(labels)-1 && digits {
			return "", false
		}
	}
	return s, true
}

// ParseObservables reads a case's observables (one per element; a text area's lines are split by
// the caller), refusing the list before parsing when it is larger than the limits, and naming the
// first bad one. Duplicates after normalisation are dropped.
func ParseObservables(in []string) ([]vaern.Observable, error) {
	total := 0
	for _, s := range in {
		total += len(s)
	}
	if err := ObservableLimits.CheckSize(total); err != nil {
		return nil, vaern.Invalid("observables", "%v", err)
	}
	var out []vaern.Observable
	seen := map[string]bool{}
	for _, s := range in {
		if strings.TrimSpace(s) == "" {
			continue
		}
		o, err := ParseObservable(s)
		if err != nil {
			return nil, err
		}
		k := o.Type + ":" + o.Value
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, o)
		if len(out) > MaxObservables {
			return nil, vaern.Invalid("observables", "more than %d", MaxObservables)
		}
	}
	return out, nil
}
