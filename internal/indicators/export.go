package indicators

import (
	"bufio"
	"encoding/base64"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/incident"
)

// Options say how an export is written.
type Options struct {
	Format    string
	Type      string // the type filter, "" for none
	Publisher Identity
	// BaseURL is Værn's public URL; Zeek lines link to the indicator's page under it.
	BaseURL string
	// Version is the newest change in the exported set. Bundle and event times are taken from it,
	// never from the clock, so an unchanged set gives the same bytes (and the same ETag).
	Version time.Time
}

// Writer writes one export, one indicator at a time, in the order the store streams them.
type Writer interface {
	Write(vaern.Indicator) error
	Close() error
}

// Fields names the fields of vaern.Indicator (as "id", "type", "value", "source", "confidence",
// "description") that format's writer reads, so that the store reads only those columns for the
// line formats; nil means every field (STIX and MISP write them all). A dataset of 100,000 rows
// spends most of its time fetching columns, so this list is what makes the export cheap.
func Fields(format string) []string {
	switch format {
	case Plain, SuricataDataset, SuricataIPRepCat:
		return []string{"value"}
	case SuricataDatarep:
		return []string{"value", "confidence"}
	case SuricataIPRep:
		return []string{"value", "source", "confidence"}
	case Zeek:
		return []string{"id", "type", "value", "source", "description"}
	}
	return nil
}

// NewWriter starts an export of o.Format on w.
func NewWriter(w io.Writer, o Options) (Writer, error) {
	if _, err := Selection(o.Format, o.Type); err != nil {
		return nil, err
	}
	// A large buffer: the export goes out in few, big writes (an HTTP chunk each).
	bw := bufio.NewWriterSize(w, 256<<10)
	switch o.Format {
	case Plain:
		return &lineWriter{w: bw, line: func(b []byte, n *vaern.Indicator) []byte { return append(b, n.Value...) }}, nil
	case SuricataDataset, SuricataDatarep:
		b64 := DatasetType(o.Type) == "string"
		rep := o.Format == SuricataDatarep
		var raw []byte
		return &lineWriter{w: bw, line: func(b []byte, n *vaern.Indicator) []byte {
			if b64 {
				raw = append(raw[:0], n.Value...)
				b = base64.StdEncoding.AppendEncode(b, raw)
			} else {
				b = append(b, n.Value...)
			}
			if rep {
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(max(n.Confidence, 1)), 10)
			}
			return b
		}}, nil
	case SuricataIPRep:
		return &lineWriter{w: bw, line: func(b []byte, n *vaern.Indicator) []byte {
			b = append(b, n.Value...)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(ReputationCategory(n.Source).ID), 10)
			b = append(b, ',')
			return strconv.AppendInt(b, int64(Score(n.Confidence)), 10)
		}}, nil
	case SuricataIPRepCat:
		return &lineWriter{w: bw, head: categoriesFile(), line: nil}, nil
	case Zeek:
		base := strings.TrimRight(o.BaseURL, "/")
		return &lineWriter{w: bw, head: "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n",
			line: func(b []byte, n *vaern.Indicator) []byte {
				v := n.Value
				if n.Type == incident.ObsURL {
					// Zeek matches URLs as host and path, without the scheme.
					v = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(v, "https://"), "http://"), "ftp://")
				}
				desc := zeekField(n.Description)
				link := "-"
				if base != "" {
					link = base + "/indicators/" + strconv.FormatInt(n.ID, 10)
				}
				return append(b, zeekField(v)+"\t"+ZeekType(n.Type)+"\t"+zeekField("vaern:"+n.Source)+"\t"+desc+"\t"+link...)
			}}, nil
	case STIX:
		return newSTIXWriter(bw, o), nil
	case MISP:
		return &mispWriter{w: bw, feed: NewFeed(o.Publisher, o.Version)}, nil
	}
	return nil, vaern.Invalid("format", "is not an export format")
}

// lineWriter writes one line per indicator; line appends the line's text (without its newline)
// to a buffer that is reused from line to line, so a line costs no allocation of its own.
type lineWriter struct {
	w    *bufio.Writer
	head string
	line func([]byte, *vaern.Indicator) []byte
	buf  []byte
	err  error
}

func (l *lineWriter) Write(n vaern.Indicator) error {
	if l.head != "" {
		_, l.err = l.w.WriteString(l.head)
		l.head = ""
	}
	if l.err != nil || l.line == nil {
		return l.err
	}
	l.buf = append(l.line(l.buf[:0], &n), '\n')
	_, l.err = l.w.Write(l.buf)
	return l.err
}

func (l *lineWriter) Close() error {
	if l.head != "" {
		l.w.WriteString(l.head)
	}
	if l.err != nil {
		return l.err
	}
	return l.w.Flush()
}

// zeekField keeps a value on its line and in its column: Zeek's reader splits on tabs and takes
// "-" for an unset field and "(empty)" for an empty one.
func zeekField(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return "-"
	}
	return s
}

// ZeekType is the Intel::Type of an indicator type.
func ZeekType(typ string) string {
	switch typ {
	case incident.ObsIP:
		return "Intel::ADDR"
	case incident.ObsCIDR:
		return "Intel::SUBNET"
	case incident.ObsDomain:
		return "Intel::DOMAIN"
	case incident.ObsURL:
		return "Intel::URL"
	case incident.ObsMD5, incident.ObsSHA1, incident.ObsSHA256:
		return "Intel::FILE_HASH"
	case incident.ObsEmail:
		return "Intel::EMAIL"
	case incident.ObsJA3:
		return "Intel::JA3"
	}
	return ""
}

// Category is one Suricata IP reputation category.
type Category struct {
	ID                 int
	Short, Description string
}

// Categories are the IP reputation categories, one per source of an indicator.
var Categories = []Category{
	{1, "VaernManual", "Added by a centre analyst in Vaern"},
	{2, "VaernIncident", "Shared from an incident reported in Vaern"},
	{3, "VaernSensor", "Seen by members' sensors (early warning in Vaern)"},
	{4, "VaernFeed", "Imported into Vaern from a STIX bundle or MISP event"},
}

// ReputationCategory is the category of an indicator's source.
func ReputationCategory(source string) Category {
	switch source {
	case "incident":
		return Categories[1]
	case "sensor":
		return Categories[2]
	case "feed":
		return Categories[3]
	}
	return Categories[0]
}

// Score maps a confidence of 0-100 to Suricata's reputation score of 1-127.
func Score(confidence int) int {
	return min(max((confidence*127+50)/100, 1), 127)
}

func categoriesFile() string {
	var b strings.Builder
	for _, c := range Categories {
		b.WriteString(strconv.Itoa(c.ID) + "," + c.Short + "," + c.Description + "\n")
	}
	return b.String()
}

// isIPv6 reports whether an ip or cidr value is IPv6.
func isIPv6(v string) bool {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Addr().Is6()
	}
	a, err := netip.ParseAddr(v)
	return err == nil && a.Is6()
}
