package sensor

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

	// The pseudonym caches are fixed tables of cacheSets sets of cacheWays entries, indexed by a
	// hash of the address: a hit costs no lock, no map and no growth (a full set has one entry
	// replaced, and CryptoPAn, 32 AES blocks for IPv4, runs again for the address that lost its
	// place). An IPv4 entry is one word, the address and its pseudonym, so that a look-up touches
	// one cache line; IPv6 entries are pointers. Both are made on first use, so that a member
	// without internal addresses costs nothing.
	once   sync.Once
	cache4 []atomic.Uint64
	cache6 []atomic.Pointer[cachedPseudonym]
}

type cachedPseudonym struct {
	addr netip.Addr
	text string // PseudoPrefix + the pseudonym
}

// The pseudonym caches: 16,384 addresses of each family (128 KiB each per member that sends
// internal addresses), four ways per set so that a busy member's hosts rarely push each other out.
const (
	cacheSetBits = 12
	cacheWays    = 4
)

// NewPseudonymiser builds a pseudonymiser for a 32-byte key and the member's own ranges.
func NewPseudonymiser(key []byte, ranges []netip.Prefix) (*Pseudonymiser, error) {
	pan, err := NewCryptoPAn(key)
	if err != nil {
		return nil, err
	}
	return &Pseudonymiser{pan: pan, ranges: ranges}, nil
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
	return p.pan.Anonymize(a.Unmap())
}

// pseudonymText is PseudoPrefix + a's pseudonym, from the cache when it is there. With an arena
// (one per parsed batch) IPv4 texts are written into it rather than allocated one by one.
func (p *Pseudonymiser) pseudonymText(a netip.Addr, arena *strings.Builder) string {
	p.once.Do(func() {
		p.cache4 = make([]atomic.Uint64, cacheWays<<cacheSetBits)
		p.cache6 = make([]atomic.Pointer[cachedPseudonym], cacheWays<<cacheSetBits)
	})
	h := hashAddr(a)
	victim := int(h % cacheWays) // the low bits are not the set's: a fair pick when the set is full
	set := (h >> (64 - cacheSetBits)) * cacheWays
	if a.Is4() {
		v4 := a.As4()
		key := uint64(binary.BigEndian.Uint32(v4[:])) << 32
		if key == 0 {
			return pseudoText4(p.pan.Anonymize(a).As4(), arena) // 0.0.0.0 would read as an empty entry
		}
		ways := p.cache4[set:][:cacheWays]
		for i := range ways {
			e := ways[i].Load()
			if e == 0 {
				victim = i
				break
			}
			if e&^0xffffffff == key {
				var out [4]byte
				binary.BigEndian.PutUint32(out[:], uint32(e))
				return pseudoText4(out, arena)
			}
		}
		out := p.pan.Anonymize(a).As4()
		ways[victim].Store(key | uint64(binary.BigEndian.Uint32(out[:])))
		return pseudoText4(out, arena)
	}
	ways := p.cache6[set:][:cacheWays]
	for i := range ways {
		e := ways[i].Load()
		if e == nil {
			victim = i
			break
		}
		if e.addr == a {
			return e.text
		}
	}
	e := &cachedPseudonym{addr: a, text: PseudoPrefix + p.pan.Anonymize(a).String()}
	ways[victim].Store(e)
	return e.text
}

// pseudoText4 writes "p:" and the dotted quad: into arena when there is one (a strings.Builder
// only ever appends, so a string cut from it earlier keeps its bytes when it grows), else in one
// allocation.
func pseudoText4(v [4]byte, arena *strings.Builder) string {
	var buf [len(PseudoPrefix) + 15]byte
	b := append(buf[:0], PseudoPrefix...)
	for i, x := range v {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(x), 10)
	}
	if arena == nil {
		return string(b)
	}
	start := arena.Len()
	arena.Write(b)
	return arena.String()[start:]
}

// hashAddr mixes an address's 128 bits into 64 (Fibonacci hashing; the set is the top bits).
func hashAddr(a netip.Addr) uint64 {
	b := a.As16()
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	return (hi*0x9e3779b97f4a7c15 ^ lo) * 0x9e3779b97f4a7c15
}

// Address applies the pseudonymisation to one address as written in an EVE line: an address
// already marked as a pseudonym is kept (checked), an internal one is replaced, an external one
// kept. It returns the text to keep and whether it is a pseudonym.
func (p *Pseudonymiser) Address(s string) (string, bool, error) { return p.address(s, nil) }

func (p *Pseudonymiser) address(s string, arena *strings.Builder) (string, bool, error) {
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
		return p.pseudonymText(a, arena), true, nil
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
