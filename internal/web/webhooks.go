package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/notify"
)

type webhooksData struct {
	Hooks  []vaern.Webhook
	Langs  []LangOption
	New    *vaern.Webhook // the webhook just made, whose secret is shown once
	Secret string
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) (*Page, *webhooksData, error) {
	p := httpx.PrincipalFrom(r.Context())
	hooks, err := s.st.Webhooks(r.Context(), p.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	d := &webhooksData{Hooks: hooks}
	for _, l := range i18n.Langs {
		d.Langs = append(d.Langs, LangOption{Code: l, Name: i18n.Names[l]})
	}
	pg := s.page(w, r, "nt.wh.title", d)
	pg.Form.Set("lang", memberLang(p.Org))
	return pg, d, nil
}

// memberLang is the language a member's texts are written in unless a person chose another.
func memberLang(o vaern.Org) string {
	if o.Country == "NO" {
		return "nb"
	}
	return "da"
}

// webhooks lists the member's webhooks with the form to add one.
func (s *Server) webhooks(w http.ResponseWriter, r *http.Request) {
	pg, _, err := s.webhooksPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "webhooks", pg)
}

// webhookCreate registers a webhook and shows its signing secret, on this response only.
func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	f := r.PostForm
	secret := notify.NewSecret()
	hook := vaern.Webhook{URL: f.Get("url"), Description: f.Get("description"), Lang: f.Get("lang")}
	err := notify.CheckURL(hook.URL, s.cfg.WebhookAllowPrivate)
	if err == nil {
		hook, err = s.st.CreateWebhook(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, hook, secret)
	}
	if err != nil {
		s.refill(w, r, err, "webhooks", true, func() (*Page, error) { pg, _, err := s.webhooksPage(w, r); return pg, err })
		return
	}
	pg, d, err := s.webhooksPage(w, r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	d.New, d.Secret = &hook, secret
	pg.Flash = "nt.wh.created"
	s.render(w, r, http.StatusOK, "webhooks", pg)
}

type webhookData struct {
	Hook       vaern.Webhook
	Deliveries []vaern.WebhookDelivery
}

// webhook shows one webhook's delivery log.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "webhook", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		p := httpx.PrincipalFrom(r.Context())
		id, ok := httpx.PathID(r, "id")
		if !ok {
			return nil, vaern.ErrNotFound
		}
		h, err := s.st.Webhook(r.Context(), p.Org.ID, id)
		if err != nil {
			return nil, err
		}
		ds, err := s.st.WebhookDeliveries(r.Context(), p.Org.ID, id, 200)
		if err != nil {
			return nil, err
		}
		return s.page(w, r, "nt.wh.deliveries", webhookData{Hook: h, Deliveries: ds}), nil
	})
}

// webhookDelete stops a webhook; its delivery log stays.
func (s *Server) webhookDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteWebhook(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/org/webhooks", "flash.nt_webhook_deleted")
}
