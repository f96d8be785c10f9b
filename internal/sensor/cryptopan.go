package sensor

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"net/netip"
)

// CryptoPAn is a prefix-preserving pseudonymisation of IP addresses (Xu, Fan, Ammar and Moon,
// 2002), written here from the published construction: two addresses that share a prefix of n
// bits have pseudonyms that share a prefix of n bits, so subnets stay comparable, while without
// the key a pseudonym cannot be turned back into its address (plain hashes of IPv4 can, by trying
// all 2^32).
//
// The key is 32 bytes: the first 16 are the AES-128 key, the second 16 are encrypted with it to
// make the pad. Bit i of the pseudonym is bit i of the address XOR the first bit of
// AES(address's first i bits, filled up with the pad's remaining bits). IPv4 takes 32 block
// encryptions, IPv6 128; Pseudonymiser caches the results.
type CryptoPAn struct {
	block cipher.Block
	pad   [16]byte
}

// NewCryptoPAn prepares the cipher for a 32-byte key.
func NewCryptoPAn(key []byte) (*CryptoPAn, error) {
	if len(key) != 32 {
		return nil, errors.New("cryptopan: the key must be 32 bytes")
	}
	b, err := aes.NewCipher(key[:16])
	if err != nil {
		return nil, err
	}
	c := &CryptoPAn{block: b}
	b.Encrypt(c.pad[:], key[16:32])
	return c, nil
}

// Anonymize returns a's pseudonym, of the same family.
func (c *CryptoPAn) Anonymize(a netip.Addr) netip.Addr {
	if a.Is4() {
		v := a.As4()
		out := c.bits(v[:], 32)
		return netip.AddrFrom4([4]byte(out[:4]))
	}
	v := a.As16()
	out := c.bits(v[:], 128)
	return netip.AddrFrom16([16]byte(out))
}

// bits pseudonymises the first n bits of addr (n = 32 for IPv4, 128 for IPv6; len(addr) = n/8).
func (c *CryptoPAn) bits(addr []byte, n int) [16]byte {
	var in, enc, result [16]byte
	for i := 0; i < n; i++ {
		// The input block: the address's first i bits, then the pad's bits from i on.
		in = c.pad
		full := i / 8
		copy(in[:full], addr[:full])
		if rem := i % 8; rem > 0 {
			mask := byte(0xff << (8 - rem))
			in[full] = addr[full]&mask | c.pad[full]&^mask
		}
		c.block.Encrypt(enc[:], in[:])
		flip := enc[0] >> 7
		bit := (addr[i/8] >> (7 - i%8)) & 1
		result[i/8] |= (bit ^ flip) << (7 - i%8)
	}
	return result
}
