package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/inputguard"
)

// ---- list and import ----

type frameworkRow struct {
	Info       vaern.FrameworkInfo
	Title      string // in the reader's language
	Supersedes string
}

type frameworksData struct {
	Frameworks []frameworkRow
	// Problems are every problem of a rejected import, in file order.
	Problems []framework.Problem
	// Failed names the import form that failed ("import" or "oscal"), for focus and headings.
	Failed string
}

func (s *Server) frameworksPage(w http.ResponseWriter, r *http.Request) (*Page, *frameworksData, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	infos, err := s.st.Frameworks(ctx, p.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	pg := s.page(w, r, "bc.frameworks.title", nil)
	d := &frameworksData{}
	for _, info := range infos {
		row := frameworkRow{Info: info, Title: info.Title}
		if _, fw, err := s.st.Framework(ctx, info.ID); err == nil {
			row.Title = fw.Title.Get(pg.L.Lang)
			if fw.Supersedes != nil {
				row.Supersedes = fw.Supersedes.Version
			}
		} else {
			s.log.Error("framework", "id", info.ID, "err", err)
		}
		d.Frameworks = append(d.Frameworks, row)
	}
	pg.Data = d
	return pg, d, nil
}

func (s *Server) frameworks(w http.ResponseWriter, r *http.Request) {
	pg, _, err := s.frameworksPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "centre_frameworks", pg)
}

// uploadedFile reads the multipart file field "file"; a missing or empty file is a form error.
func uploadedFile(r *http.Request) (string, []byte, error) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, vaern.Invalid("file", "the file is too large")
		}
		return "", nil, vaern.Invalid("file", "choose a file to upload")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, vaern.Invalid("file", "choose a file to upload")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFrameworkUpload+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) == 0 {
		return "", nil, vaern.Invalid("file", "choose a file to upload")
	}
	name := hdr.Filename
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		name = "upload"
	}
	return name, data, nil
}

// importFailed shows the framework list again with the form's error or every problem of the file.
func (s *Server) importFailed(w http.ResponseWriter, r *http.Request, form string, err error) {
	var fe *framework.ValidationError
	var ve *vaern.ValidationError
	if !errors.As(err, &fe) && !errors.As(err, &ve) {
		s.failErr(w, r, err)
		return
	}
	pg, d, perr := s.frameworksPage(w, r)
	if perr != nil {
		s.failErr(w, r, perr)
		return
	}
	d.Failed = form
	if fe != nil {
		d.Problems = fe.Problems
		pg.Error = pg.L.T("bc.frameworks.import_rejected", len(fe.Problems))
	} else {
		// Whatever the store objects to (a finished version that exists already) is about the file.
		formError(pg, err)
		field := "file"
		if form == "oscal" {
			field = "oscal_file"
		}
		pg.Errors = map[string]string{field: pg.Errors[ve.Field]}
	}
	s.render(w, r, http.StatusUnprocessableEntity, "centre_frameworks", pg)
}

func (s *Server) frameworkImport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	name, data, err := uploadedFile(r)
	var fw *framework.Framework
	if err == nil {
		var done func()
		ctx, done, err = inputguard.Admit(ctx, framework.Limits, len(data))
		defer done()
	}
	if err == nil {
		fw, err = framework.Parse(name, data)
	}
	var info vaern.FrameworkInfo
	if err == nil {
		finished := r.PostFormValue("finished") == "on"
		info, err = s.st.SaveFramework(ctx, p.Actor(s.clientIP(r)), p.Org.ID, fw, false, !finished)
	}
	if err != nil {
		s.importFailed(w, r, "import", asFileProblem(ctx, framework.Limits, name, err))
		return
	}
	s.redirect(w, r, "/centre/frameworks/"+strconv.FormatInt(info.ID, 10), "bc.flash.framework_imported")
}

func (s *Server) frameworkImportOSCAL(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	name, data, err := uploadedFile(r)
	var fw *framework.Framework
	if err == nil {
		var done func()
		ctx, done, err = inputguard.Admit(ctx, framework.OSCALLimits, len(data))
		defer done()
		err = asFileProblem(ctx, framework.OSCALLimits, name, err)
	}
	if err == nil {
		fw, err = framework.ImportOSCAL(name, data)
		var fe *framework.ValidationError
		if err != nil && !errors.As(err, &fe) {
			// Not an OSCAL catalogue at all: say so at the file, not as a server error.
			err = &framework.ValidationError{Problems: []framework.Problem{{File: name, Line: 1, Message: err.Error()}}}
		}
	}
	var info vaern.FrameworkInfo
	if err == nil {
		info, err = s.st.SaveFramework(ctx, p.Actor(s.clientIP(r)), p.Org.ID, fw, false, true)
	}
	if err != nil {
		s.importFailed(w, r, "oscal", asFileProblem(ctx, framework.OSCALLimits, name, err))
		return
	}
	s.redirect(w, r, "/centre/frameworks/"+strconv.FormatInt(info.ID, 10), "bc.flash.oscal_imported")
}

// ---- one framework ----

type textRow struct{ Key, Text string }

type questionView struct {
	ID, Text, Help                   string
	AudienceKey, ScopeKey, AnswerKey string
	Weight                           string
	Target                           int
	Maturity, NotRelevant            bool
	Refs                             []string
	Levels                           []textRow // maturity: level texts 0..5
	Recommendations                  []textRow // keyed by answer: level or no/partly
	RecommendationKeyIsLevel         bool
}

type areaView struct {
	ID, Title, Description string
	Questions              []questionView
}

type mappingRow struct {
	From, To, FromText, ToText string
	ChangeKey                  string
}

type frameworkData struct {
	Info        vaern.FrameworkInfo
	Title       string
	Description string
	Languages   string
	Scale       []textRow
	Areas       []areaView
	Supersedes  string
	PrevID      int64 // the previous version's stored id, 0 when the centre does not have it
	Mapping     []mappingRow
}

func (s *Server) frameworkView(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	info, _, ok := orgObject(s, w, r, s.st.FrameworkInfo)
	if !ok {
		return
	}
	_, fw, err := s.st.Framework(ctx, info.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg := s.page(w, r, "bc.framework.title", nil)
	lang := pg.L.Lang
	d := frameworkData{Info: info, Title: fw.Title.Get(lang), Description: fw.Description.Get(lang),
		Languages: strings.Join(fw.Languages, ", ")}
	for _, l := range fw.Scale {
		d.Scale = append(d.Scale, textRow{Key: strconv.Itoa(l.Level) + " " + l.Label.Get(lang), Text: l.Description.Get(lang)})
	}
	for _, a := range fw.Areas {
		av := areaView{ID: a.ID, Title: a.Title.Get(lang), Description: a.Description.Get(lang)}
		for _, q := range a.Questions {
			av.Questions = append(av.Questions, questionFor(fw, q, pg.L))
		}
		d.Areas = append(d.Areas, av)
	}
	if sup := fw.Supersedes; sup != nil {
		d.Supersedes = sup.Version
		var prev *framework.Framework
		if pi, err := s.st.FrameworkByVersion(ctx, p.Org.ID, fw.ID, sup.Version); err == nil {
			if _, pf, err := s.st.Framework(ctx, pi.ID); err == nil {
				prev, d.PrevID = pf, pi.ID
			}
		}
		for _, m := range sup.Mapping {
			row := mappingRow{From: m.From, To: m.To, ChangeKey: "bc.change." + string(m.Change)}
			if q, ok := fw.Question(m.To); ok && m.To != "" {
				row.ToText = q.Text.Get(lang)
			}
			if prev != nil && m.From != "" {
				if q, ok := prev.Question(m.From); ok {
					row.FromText = q.Text.Get(lang)
				}
			}
			d.Mapping = append(d.Mapping, row)
		}
	}
	pg.Data = d
	s.render(w, r, http.StatusOK, "centre_framework", pg)
}

func questionFor(fw *framework.Framework, q *framework.Question, l *i18n.Localizer) questionView {
	lang := l.Lang
	v := questionView{ID: q.ID, Text: q.Text.Get(lang), Help: q.Help.Get(lang),
		AudienceKey: "bc.audience." + string(q.Audience), ScopeKey: "bc.scope." + string(q.Scope),
		AnswerKey: "bc.answer." + string(q.Answer), Weight: l.Num(q.Weight),
		Target: q.Target, Maturity: q.Answer == framework.AnswerMaturity, NotRelevant: q.AllowsNotRelevant(fw)}
	for _, ref := range q.Refs {
		v.Refs = append(v.Refs, ref.String())
	}
	if v.Maturity {
		for l := 0; l <= 5; l++ {
			v.Levels = append(v.Levels, textRow{Key: strconv.Itoa(l), Text: q.LevelText(l, lang)})
		}
		for l := 0; l < q.Target; l++ {
			if t := q.RecommendationForLevel(l, lang); t != "" {
				v.Recommendations = append(v.Recommendations, textRow{Key: strconv.Itoa(l), Text: t})
			}
		}
		v.RecommendationKeyIsLevel = true
		return v
	}
	keys := make([]string, 0, len(q.Recommendations))
	for k := range q.Recommendations {
		keys = append(keys, k)
	}
	sort.Strings(keys) // "no" before "partly"
	for _, k := range keys {
		v.Recommendations = append(v.Recommendations, textRow{Key: "bc.yesno." + k, Text: q.Recommendation(k, lang)})
	}
	return v
}

func (s *Server) frameworkExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	info, _, ok := orgObject(s, w, r, s.st.FrameworkInfo)
	if !ok {
		return
	}
	format, err := httpx.ChoiceParam(r.URL.Query(), "format", "yaml", "yaml", "json")
	if err != nil {
		s.badParam(w, r, err)
		return
	}
	_, fw, err := s.st.Framework(ctx, info.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	b, err := framework.Marshal(fw, format)
	if err != nil {
		s.failErr(w, r, fmt.Errorf("export framework %s %s: %w", info.FID, info.Version, err))
		return
	}
	ctype := "application/yaml; charset=utf-8"
	if format == "json" {
		ctype = "application/json; charset=utf-8"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, info.FID, info.Version, format))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}
