// Checking one alert event and turning it into the alert Værn keeps.

package sensor

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vaern/vaern"
)

// Alert checks one alert event and turns it into the alert Værn keeps.
func Alert(ev *eveEvent, opt Options) (vaern.SensorAlert, error) {
	var a vaern.SensorAlert
	err := fillAlert(&a, ev, opt, nil)
	return a, err
}

func fillAlert(a *vaern.SensorAlert, ev *eveEvent, opt Options, arena *strings.Builder) error {
	t, err := ParseTime(ev.Timestamp)
	if err != nil {
		return err
	}
	a.Time = t
	if ev.Alert == nil {
		return errors.New("alert: the alert object is missing")
	}
	if ev.Alert.SignatureID <= 0 || ev.Alert.SignatureID > 1<<40 {
		return errors.New("alert.signature_id: must be a positive number")
	}
	a.SignatureID = ev.Alert.SignatureID
	if a.Signature, err = text("alert.signature", ev.Alert.Signature, 512); err != nil {
		return err
	}
	if a.Category, err = text("alert.category", ev.Alert.Category, 256); err != nil {
		return err
	}
	if ev.Alert.Severity < 0 || ev.Alert.Severity > 255 {
		return errors.New("alert.severity: must be between 0 and 255")
	}
	a.Severity = ev.Alert.Severity
	if a.Proto, err = text("proto", ev.Proto, 16); err != nil {
		return err
	}
	if ev.SrcPort < 0 || ev.SrcPort > 65535 {
		return errors.New("src_port: must be between 0 and 65535")
	}
	if ev.DestPort < 0 || ev.DestPort > 65535 {
		return errors.New("dest_port: must be between 0 and 65535")
	}
	a.SrcPort, a.DestPort = ev.SrcPort, ev.DestPort
	if ev.SrcIP == "" {
		return errors.New("src_ip is missing")
	}
	if ev.DestIP == "" {
		return errors.New("dest_ip is missing")
	}
	if a.SrcIP, a.SrcInternal, err = opt.Pseudo.address(ev.SrcIP, arena); err != nil {
		return errors.New("src_ip: " + err.Error())
	}
	if a.DestIP, a.DstInternal, err = opt.Pseudo.address(ev.DestIP, arena); err != nil {
		return errors.New("dest_ip: " + err.Error())
	}
	a.Domain = ev.HTTP.Hostname
	if a.URL, err = text("http.url", ev.HTTP.URL, 2048); err != nil {
		return err
	}
	if s := &ev.TLS; a.Domain == "" {
		a.Domain = s.SNI
	}
	if h := ev.TLS.JA3.Hash; h != "" {
		if !isHex(h, 32) {
			return errors.New("tls.ja3.hash: must be 32 hexadecimal digits")
		}
		a.JA3 = lowerASCII(h)
	}
	if a.JA4, err = text("tls.ja4", ev.TLS.JA4, 64); err != nil {
		return err
	}
	if d := &ev.DNS; a.Domain == "" {
		a.Domain = d.RRName
		if a.Domain == "" && len(d.Queries) > 0 {
			a.Domain = d.Queries[0].RRName
		}
	}
	if a.Domain != "" {
		d, ok := domainName(a.Domain)
		if !ok {
			return errors.New("the host name (http.hostname, tls.sni or dns.rrname) is not a domain name")
		}
		a.Domain = d
	}
	if opt.KeepPayload {
		pl := ev.Payload
		if pl == "" {
			pl = ev.HTTP.RequestBody + ev.HTTP.ResponseBody
		}
		a.Payload = pl
	}
	return nil
}

// domainName lower-cases a host name and drops a trailing dot, in one pass that also refuses
// what no domain name holds; it allocates only for a name that has upper-case letters (or that
// is not ASCII, which strings.ToLower handles).
func domainName(s string) (string, bool) {
	upper := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 0x80:
			s = strings.ToLower(s)
			upper = false
			i = len(s)
		}
	}
	if upper {
		s = lowerASCII(s)
	}
	s = strings.TrimSuffix(s, ".")
	if len(s) > 253 || strings.ContainsAny(s, " /\\\"<>") {
		return "", false
	}
	return s, true
}

// lowerASCII is strings.ToLower for a string known to be ASCII.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func text(field, s string, max int) (string, error) {
	if len(s) > max {
		return "", fmt.Errorf("%s: longer than %d characters", field, max)
	}
	return s, nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
