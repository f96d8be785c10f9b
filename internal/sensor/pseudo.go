package sensor

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"sync"
)

// PseudoPrefix marks an address that is a pseudonym, in EVE lines the shipper sends and in the
// alerts Værn keeps: "p:57.210.3.9" is the CryptoPAn pseudonym of some internal address.
const PseudoPrefix = "p:"

// internalRanges are always internal: RFC 1918, RFC 4193 (unique local), loopback, link-local,
// RFC 6598 (carrier-grade NAT) and the unspecified addresses.
var internalRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("0.0.0.0/32"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("::/128"),
}

// Pseudonymiser replaces internal addresses by their CryptoPAn pseudonyms under one member's key.
// It is safe for concurrent use.
type Pseudonymiser struct {
	pan    *CryptoPAn
	ranges []netip.Prefix // the member's own ranges, besides internalRanges

	mu    sync.RWMutex
	cache map[netip.Addr]netip.Addr
}

// maxCache bounds the pseudonym cache; past it the cache starts over.
const maxCache = 1 << 16

// NewPseudonymiser builds a pseudonymiser for a 32-byte key and the member's own ranges.
func NewPseudonymiser(key []byte, ranges []netip.Prefix) (*Pseudonymiser, error) {
	pan, err := NewCryptoPAn(key)
	if err != nil {
		return nil, err
	}
	return &Pseudonymiser{pan: pan, ranges: ranges, cache: map[netip.Addr]netip.Addr{}}, nil
}

// Internal reports whether a is an internal address: always-internal or in the member's ranges.
func (p *Pseudonymiser) Internal(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is4() {
		v := a.As4()
		switch {
		case v[0] == 10, v[0] == 127, v[0] == 172 && v[1]&0xf0 == 16, v[0] == 192 && v[1] == 168,
			v[0] == 100 && v[1]&0xc0 == 64, v[0] == 169 && v[1] == 254, v == [4]byte{}:
			return true
		}
		return p.own(a)
	}
	for _, r := range internalRanges {
		if r.Contains(a) {
			return true
		}
	}
	return p.own(a)
}

func (p *Pseudonymiser) own(a netip.Addr) bool {
	for _, r := range p.ranges {
		if r.Contains(a) {
			return true
		}
	}
	return false
}

// Pseudonym returns a's pseudonym (without the prefix).
func (p *Pseudonymiser) Pseudonym(a netip.Addr) netip.Addr {
	a = a.Unmap()
	p.mu.RLock()
	v, ok := p.cache[a]
	p.mu.RUnlock()
	if ok {
		return v
	}
	v = p.pan.Anonymize(a)
	p.mu.Lock()
	if len(p.cache) >= maxCache {
		p.cache = map[netip.Addr]netip.Addr{}
	}
	p.cache[a] = v
	p.mu.Unlock()
	return v
}

// Address applies the pseudonymisation to one address as written in an EVE line: an address
// already marked as a pseudonym is kept (checked), an internal one is replaced, an external one
// kept. It returns the text to keep and whether it is a pseudonym.
func (p *Pseudonymiser) Address(s string) (string, bool, error) {
	if rest, ok := strings.CutPrefix(s, PseudoPrefix); ok {
		a, err := netip.ParseAddr(rest)
		if err != nil || a.Zone() != "" {
			return "", false, fmt.Errorf("%q is not a pseudonymised address", s)
		}
		return s, true, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", false, fmt.Errorf("%q is not an IP address", s)
	}
	a = a.Unmap()
	if p != nil && p.Internal(a) {
		return PseudoPrefix + p.Pseudonym(a).String(), true, nil
	}
	if a.Is4() && !strings.Contains(s, ":") {
		return s, false, nil // dotted decimal is already canonical (ParseAddr refuses leading zeros)
	}
	return a.String(), false, nil
}

// NewKey returns a fresh random 32-byte key.
func NewKey() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

// ParseKey reads a key written as 64 hexadecimal digits.
func ParseKey(s string) ([]byte, error) {
	k, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("the pseudonymisation key must be 64 hexadecimal digits (32 bytes)")
	}
	return k, nil
}

// ParseRanges reads a member's own ranges: CIDR prefixes separated by commas, spaces or lines.
func ParseRanges(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		pr, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return nil, fmt.Errorf("%q is not an address range (CIDR such as 203.0.113.0/24)", f)
			}
			pr = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, pr.Masked())
		if len(out) > 1000 {
			return nil, fmt.Errorf("at most 1000 ranges")
		}
	}
	return out, nil
}

// FormatRanges writes ranges as ParseRanges reads them.
func FormatRanges(rs []netip.Prefix) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}
