package web

import (
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/advisory"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/warnings"
)

// The centre's upload of advisory files, its triage queue with the product mappings, and the feeds
// the periodic job fetches.

// wnUploadMax bounds an uploaded advisory file (the importers' own limit).
const wnUploadMax = 64 << 20

type wcImportData struct {
	Done     bool
	File     string
	Format   vaern.AdvisorySource
	Count    int
	Changed  int
	Failed   []advisory.TestFailure
	Problem  *advisory.Error
	Override bool
	FirstID  int64
}

func (s *Server) wcImport(w http.ResponseWriter, r *http.Request) {
	pg := s.page(w, r, "wc.import.title", wcImportData{})
	s.render(w, r, http.StatusOK, "warnings_centre_import", pg)
}

// wcImportUpload imports one uploaded file (published, and queued for matching); a CSAF document
// that fails mandatory tests is refused with the test and the JSON path unless the override box is
// ticked, and the tests it failed are then shown.
func (s *Server) wcImportUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	d := wcImportData{Override: r.FormValue("override") == "1"}
	show := func(status int, err error) {
		pg := s.page(w, r, "wc.import.title", nil)
		if err != nil {
			if ae, ok := err.(*advisory.Error); ok {
				d.Problem = ae
				pg.Error = pg.L.T("wc.import.refused")
			} else if !formError(pg, err) {
				s.failErr(w, r, err)
				return
			}
		}
		pg.Data = d
		s.render(w, r, status, "warnings_centre_import", pg)
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		show(http.StatusUnprocessableEntity, vaern.Invalid("file", "choose a KEV, CVE JSON 5 or CSAF 2.0 file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, wnUploadMax+1))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	d.File = hdr.Filename
	im, err := warnings.ImportFile(ctx, s.st, p.Actor(s.clientIP(r)), p.Org.ID, hdr.Filename, data, d.Override, true)
	if err != nil {
		var ae *advisory.Error
		if asAdvisoryError(err, &ae) {
			show(http.StatusUnprocessableEntity, ae)
			return
		}
		show(http.StatusUnprocessableEntity, err)
		return
	}
	d.Done, d.Format, d.Count, d.Changed, d.Failed = true, im.Format, len(im.Saved), len(im.Changed()), im.Failed
	if len(im.Saved) > 0 {
		d.FirstID = im.Saved[0].ID
	}
	show(http.StatusOK, nil)
}

func asAdvisoryError(err error, out **advisory.Error) bool {
	for err != nil {
		if ae, ok := err.(*advisory.Error); ok {
			*out = ae
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

type wcTriageData struct {
	Items    []store.TriageItem
	Mappings []store.ProductMapping
}

func (s *Server) wcTriagePage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	items, err := s.st.TriageQueue(ctx, 200)
	if err != nil {
		return nil, err
	}
	maps, err := s.st.ProductMappings(ctx)
	if err != nil {
		return nil, err
	}
	return s.page(w, r, "wc.triage.title", wcTriageData{Items: items, Mappings: maps}), nil
}

func (s *Server) wcTriage(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_centre_triage", s.wcTriagePage)
}

// wcMappingConfirm records once, for every member, that a product name is a CPE or purl.
func (s *Server) wcMappingConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := s.st.ConfirmMapping(ctx, p.Actor(s.clientIP(r)), p.Org.ID, r.PostForm.Get("name"), r.PostForm.Get("cpe"), r.PostForm.Get("purl"))
	if err != nil {
		s.refill(w, r, err, "warnings_centre_triage", true, func() (*Page, error) { return s.wcTriagePage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/warnings/triage", "flash.wc_mapping_confirmed")
}

type wcFeedsData struct {
	Feeds []store.WarningFeed
}

func (s *Server) wcFeedsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	feeds, err := s.st.WarningFeeds(r.Context())
	if err != nil {
		return nil, err
	}
	return s.page(w, r, "wc.feeds.title", wcFeedsData{Feeds: feeds}), nil
}

func (s *Server) wcFeeds(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "warnings_centre_feeds", s.wcFeedsPage)
}

func (s *Server) wcFeedAdd(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	_, err := s.st.AddWarningFeed(ctx, p.Actor(s.clientIP(r)), p.Org.ID, r.PostForm.Get("kind"), r.PostForm.Get("url"))
	if err != nil {
		s.refill(w, r, err, "warnings_centre_feeds", true, func() (*Page, error) { return s.wcFeedsPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/warnings/feeds", "flash.wc_feed_added")
}

func (s *Server) wcFeedDelete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	if err := s.st.DeleteWarningFeed(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/warnings/feeds", "flash.wc_feed_deleted")
}

// wcFeedEnabled pauses or resumes a feed (enabled=0 or 1).
func (s *Server) wcFeedEnabled(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok || r.ParseForm() != nil {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	on := r.PostForm.Get("enabled") == "1"
	if err := s.st.SetWarningFeedEnabled(ctx, p.Actor(s.clientIP(r)), p.Org.ID, id, on); err != nil {
		s.failErr(w, r, err)
		return
	}
	flash := "flash.wc_feed_paused"
	if on {
		flash = "flash.wc_feed_resumed"
	}
	s.redirect(w, r, "/centre/warnings/feeds", flash)
}

// wnBench is a member's response times beside the sector's.
type wnBench = warnings.Response

// wnBenchCache keeps the sector's response times for a few minutes per store: the benchmark reads
// every member's exposures, and the warnings page must stay fast.
var wnBenchCache sync.Map // *store.Store → wnBenchEntry

type wnBenchEntry struct {
	at      time.Time
	times   map[int64]*store.ResponseTimes
	members []vaern.Org
}

// wnBenchmark computes the member's response-time benchmark (issue 12.6) with the baseline's k.
func (s *Server) wnBenchmark(r *http.Request, orgID int64) (wnBench, error) {
	ctx := r.Context()
	k := s.cfg.BenchmarkK
	if k <= 0 {
		k = 5
	}
	now := s.st.Now()
	if v, ok := wnBenchCache.Load(s.st); ok {
		if e := v.(wnBenchEntry); now.Sub(e.at) < 5*time.Minute && !now.Before(e.at) {
			return warnings.Benchmark(e.times, e.members, orgID, now, k), nil
		}
	}
	times, err := s.st.WarningResponseTimes(ctx)
	if err != nil {
		return wnBench{}, err
	}
	centre, err := s.st.Centre(ctx)
	if err != nil {
		return wnBench{}, err
	}
	members, err := s.st.Members(ctx, centre.ID)
	if err != nil {
		return wnBench{}, err
	}
	wnBenchCache.Store(s.st, wnBenchEntry{at: now, times: times, members: members})
	return warnings.Benchmark(times, members, orgID, now, k), nil
}
