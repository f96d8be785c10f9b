package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/api"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// An analyst uploads a STIX bundle or MISP event with the label and audience it is to get; the
// file is parsed (bounded by the input guard) and kept as a preview of what will be created,
// updated and refused; the analyst confirms it, and it is written in one transaction, or cancels.

func (s *Server) indUploadPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	d, err := s.indCentreData(r)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "ind.import.upload", d)
	pg.Form.Set("tlp", "AMBER")
	pg.Form.Set("audience", string(access.AllMembers))
	pg.Form.Set("confidence", "50")
	return pg, nil
}

func (s *Server) indUploadForm(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "indicators_upload", s.indUploadPage)
}

func (s *Server) indUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	again := func(err error) {
		s.refill(w, r, err, "indicators_upload", true, func() (*Page, error) { return s.indUploadPage(w, r) })
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		again(vaern.Invalid("file", "choose a STIX 2.1 bundle or a MISP event (JSON)"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, api.ImportMaxBody+1))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	if len(data) > api.ImportMaxBody {
		again(vaern.Invalid("file", "is larger than 16 MiB"))
		return
	}
	format := r.PostForm.Get("format")
	if format != "stix" && format != "misp" {
		again(vaern.Invalid("format", "must be stix or misp"))
		return
	}
	obj, err := indObjectForm(r, p)
	if err != nil {
		again(err)
		return
	}
	conf, err := strconv.Atoi(r.PostForm.Get("confidence"))
	if err != nil {
		again(vaern.Invalid("confidence", "must be 0-100"))
		return
	}
	parsed, err := api.ParseImport(r, format, data)
	if err != nil {
		again(err)
		return
	}
	b, err := s.st.PreviewImport(ctx, p.Actor(s.clientIP(r)), access.Of(p), api.ImportInput(parsed, hdr.Filename, obj, conf))
	if err != nil {
		again(err)
		return
	}
	http.Redirect(w, r, "/centre/indicators/imports/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
}

type indPreviewData struct {
	B       store.ImportBatch
	Shown   []store.ImportItem
	More    int
	Members map[int64]string
}

const indPreviewRows = 500

func (s *Server) indPreview(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "indicators_import", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		id, ok := httpx.PathID(r, "id")
		if !ok {
			return nil, vaern.ErrNotFound
		}
		p := httpx.PrincipalFrom(r.Context())
		b, err := s.st.IndicatorImport(r.Context(), access.Of(p), id)
		if err != nil {
			return nil, err
		}
		d := indPreviewData{B: b, Shown: b.Items, Members: map[int64]string{}}
		if len(d.Shown) > indPreviewRows {
			d.Shown, d.More = d.Shown[:indPreviewRows], len(b.Items)-indPreviewRows
		}
		members, err := s.st.Members(r.Context(), p.Org.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			d.Members[m.ID] = m.Name
		}
		return s.page(w, r, "ind.import.title", d), nil
	})
}

func (s *Server) indConfirm(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	b, err := s.st.ConfirmImport(r.Context(), p.Actor(s.clientIP(r)), access.Of(p), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.setFlash(w, "flash.ind_imported", strconv.Itoa(b.Created), strconv.Itoa(b.Updated))
	http.Redirect(w, r, "/centre/indicators/imports/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) indCancel(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.CancelImport(r.Context(), access.Of(p), id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/indicators", "flash.ind_import_cancelled")
}
