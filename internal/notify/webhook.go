package notify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vaern/vaern"
)

// Webhook headers (docs/notifications.md).
const (
	HeaderSignature = "Vaern-Signature" // t=UNIX-SECONDS,v1=HEX(HMAC-SHA256(secret, "t.body"))
	HeaderEvent     = "Vaern-Event"     // the kind
	HeaderDelivery  = "Vaern-Delivery"  // the delivery's id; the same on every retry
)

// NewSecret returns a fresh webhook signing secret.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness is gone: nothing is safe any more
	}
	return "whsec_" + hex.EncodeToString(b)
}

// Sign returns the signature header for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header the way a receiver should: the MAC over the timestamp and the
// body, and a timestamp within tolerance of now (so a captured request cannot be replayed later).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("signature header is malformed")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature timestamp is too old or in the future")
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return errors.New("signature does not match")
	}
	return nil
}

// CheckURL accepts a webhook address: https only, with a host name or a public address, no
// credentials. allowPrivate admits loopback and private addresses; only tests set it, because a
// webhook aimed inside the network would let a coordinator make the server call its neighbours
// (server-side request forgery). The dialer checks again at delivery time, after name resolution.
func CheckURL(raw string, allowPrivate bool) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return vaern.Invalid("url", "is not an address")
	case u.Scheme != "https":
		return vaern.Invalid("url", "must be an https:// address")
	case u.User != nil:
		return vaern.Invalid("url", "must not contain a user name or password")
	case len(raw) > 2000:
		return vaern.Invalid("url", "is longer than 2,000 characters")
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !allowPrivate && !Public(ip) {
			return vaern.Invalid("url", "points to an internal address")
		}
		return nil
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if !allowPrivate && (h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".internal") ||
		strings.HasSuffix(h, ".local") || !strings.Contains(h, ".")) {
		return vaern.Invalid("url", "points to an internal address")
	}
	return nil
}

// Public reports whether ip is an address on the public internet: not loopback, private, link-local,
// shared (CGNAT), multicast, unspecified, documentation or otherwise reserved.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var reserved = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32", "64:ff9b::/96", "64:ff9b:1::/48",
		"100::/64", "2001:db8::/32", "2002::/16", "fc00::/7"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Client returns the HTTP client webhooks are posted with. Its dialer refuses every connection to
// an address that is not public unless allowPrivate, after name resolution, so that a name which
// resolves (or later re-resolves) inside the network is refused too. It follows no redirects.
func Client(allowPrivate bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("webhook: refusing %s: %w", address, err)
		}
		if !Public(ap.Addr()) {
			return fmt.Errorf("webhook: refusing to connect to internal address %s", ap.Addr())
		}
		return nil
	}}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		Proxy:               nil, // a proxy would dial on our behalf and bypass the address check
		TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: timeout, MaxIdleConns: 10, IdleConnTimeout: 90 * time.Second,
		ForceAttemptHTTP2: true,
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
