package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/indicators"
	"github.com/vaern/vaern/internal/store"
)

// The list of indicators the reader may see (their TLP labels and audiences decide, in the
// store's query), with filters, counts by type, the export downloads and how to load each into a
// sensor; and one indicator's page.

type indExport struct {
	Key  string // ind.export.KEY
	Href string
}

type indListData struct {
	Items    []store.IndicatorDetail
	Total    int
	Counts   map[string]int
	Types    []string
	TLPs     []string
	Sources  []string
	States   []string
	Now      time.Time
	Exports  []indExport
	APIBase  string // the export URL, for the config snippets
	MISPFeed string
	Next     string
	Centre   bool
}

const indPageSize = 100

func indTLPs() []string { return []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"} }

// indFilter reads the list's filters from the query.
func indFilter(q url.Values) (store.IndicatorFilter, error) {
	var f store.IndicatorFilter
	var err error
	if f.State, err = httpx.ChoiceParam(q, "state", "active", "active", "expired", "all"); err != nil {
		return f, err
	}
	t, err := httpx.ChoiceParam(q, "type", "", indicators.Types...)
	if err != nil {
		return f, err
	}
	if t != "" {
		f.Types = []string{t}
	}
	if f.Source, err = httpx.ChoiceParam(q, "source", "", store.IndicatorSources...); err != nil {
		return f, err
	}
	if f.TLP, err = httpx.ChoiceParam(q, "tlp", "", indTLPs()...); err != nil {
		return f, err
	}
	off, err := httpx.IntParam(q, "offset", 0)
	f.Search, f.Limit, f.Offset = strings.TrimSpace(q.Get("q")), indPageSize, int(off)
	return f, err
}

func indExports() []indExport {
	const base = "/api/v1/indicators/export?format="
	return []indExport{
		{"plain", base + "plain"}, {"plain_domain", base + "plain&type=domain"}, {"plain_ip", base + "plain&type=ip"},
		{"dataset_string", base + "suricata-dataset"}, {"dataset_ip", base + "suricata-dataset&type=ip"},
		{"dataset_md5", base + "suricata-dataset&type=md5"}, {"dataset_sha256", base + "suricata-dataset&type=sha256"},
		{"dataset_ja3", base + "suricata-dataset&type=ja3"}, {"datarep", base + "suricata-datarep"},
		{"iprep", base + "suricata-iprep"}, {"iprep_categories", base + "suricata-iprep-categories"},
		{"zeek", base + "zeek"}, {"stix", base + "stix"}, {"misp", base + "misp"},
	}
}

func (s *Server) indListPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	q := r.URL.Query()
	f, err := indFilter(q)
	if err != nil {
		return nil, err
	}
	v := access.Of(p)
	l, err := s.st.ListIndicators(ctx, v, f)
	if err != nil {
		return nil, err
	}
	counts, err := s.st.IndicatorCounts(ctx, v, store.IndicatorFilter{})
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	d := indListData{Items: l.Items, Total: l.Total, Counts: counts, Types: indicators.Types, TLPs: indTLPs(), Sources: store.IndicatorSources,
		States: []string{"active", "expired", "all"}, Now: s.st.Now(), Exports: indExports(), APIBase: base + "/api/v1/indicators/export",
		MISPFeed: base + "/api/v1/indicators/misp", Centre: vaern.Can(p.Role, vaern.PermIndicatorsManage)}
	if f.Offset+len(l.Items) < l.Total {
		q.Set("offset", strconv.Itoa(f.Offset+indPageSize))
		d.Next = "/indicators?" + q.Encode()
	}
	pg := s.page(w, r, "ind.list.title", d)
	for _, k := range []string{"q", "type", "tlp", "source", "state"} {
		pg.Form.Set(k, q.Get(k))
	}
	return pg, nil
}

func (s *Server) indList(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "indicators_list", s.indListPage)
}

type indPageData struct {
	Ind     store.IndicatorDetail
	Expired bool
	Centre  bool
	Own     bool
	// EarlyWarning is the early warning the indicator was shared from, for the centre's
	// analysts who see early warnings (0: none, or not theirs to open).
	EarlyWarning int64
}

func (s *Server) indPage(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "indicators_page", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		id, ok := httpx.PathID(r, "id")
		if !ok {
			return nil, vaern.ErrNotFound
		}
		p := httpx.PrincipalFrom(r.Context())
		d, err := s.st.IndicatorByID(r.Context(), access.Of(p), id)
		if err != nil {
			return nil, err
		}
		data := indPageData{Ind: d, Expired: indExpired(d.ExpiresAt, s.st.Now()),
			Centre: vaern.Can(p.Role, vaern.PermIndicatorsManage), Own: d.OrgID == p.Org.ID}
		if data.Own && d.Source == "sensor" && p.Org.IsCentre() && vaern.Can(p.Role, vaern.PermSensorsCentre) {
			if data.EarlyWarning, err = s.st.EarlyWarningOfIndicator(r.Context(), p.Org.ID, d.ID); err != nil {
				return nil, err
			}
		}
		return s.page(w, r, "ind.page.title", data), nil
	})
}

func indExpired(exp, now time.Time) bool { return !exp.IsZero() && !exp.After(now) }

// indicatorsFuncs are the indicator pages' template helpers.
func indicatorsFuncs() template.FuncMap {
	return template.FuncMap{
		// indtlp is a label's CSS class suffix (AMBER+STRICT has no plus in a class name).
		"indtlp":     func(t string) string { return strings.ReplaceAll(t, "+", "") },
		"indexpired": indExpired,
		"indcount":   func(m map[string]int, k string) int { return m[k] },
	}
}
