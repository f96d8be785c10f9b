package web

import (
	"bytes"
	"html"
	"strconv"
	"strings"
	"sync"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
)

// The focus-area page is the busiest page of a round: up to a hundred questions, each with its
// level descriptions, help and references. Everything that does not depend on the person or the
// answer is rendered once per framework version, language and question, and kept; a request only
// stitches the pieces together with the answers. (A plain html/template render of such a page costs
// several milliseconds of CPU.)

// questionHTML is the pre-rendered, answer-independent HTML of one question.
type questionHTML struct {
	size    int         // the usual length of the whole question's HTML, for sizing buffers
	head    string      // article start, heading, help and references
	opts    [][2]string // each answer option: [unchecked, checked] radio markup
	values  []string    // the option values, in the order of opts
	labels  map[string]string
	control string // the option fieldset's legend
}

type questionKey struct {
	fw   int64
	upd  int64
	lang string
	q    string
	unit int64
}

type questionCache struct {
	mu sync.RWMutex
	m  map[questionKey]*questionHTML
}

func newQuestionCache() *questionCache { return &questionCache{m: map[questionKey]*questionHTML{}} }

// get returns the pre-rendered question, building it on first use.
func (c *questionCache) get(info vaern.FrameworkInfo, f *framework.Framework, q *framework.Question, unit int64, l *i18n.Localizer) *questionHTML {
	k := questionKey{info.ID, info.UpdatedAt.UnixMilli(), l.Lang, q.ID, unit}
	c.mu.RLock()
	h := c.m[k]
	c.mu.RUnlock()
	if h != nil {
		return h
	}
	h = buildQuestionHTML(f, q, unit, l)
	c.mu.Lock()
	c.m[k] = h
	c.mu.Unlock()
	return h
}

func esc(s string) string { return html.EscapeString(s) }

var idSafe = strings.NewReplacer(".", "_", " ", "_")

// domID turns a question id and unit into an id usable in HTML.
func domID(q string, unit int64) string {
	id := "q-" + idSafe.Replace(q)
	if unit != 0 {
		id += "-u" + strconv.FormatInt(unit, 10)
	}
	return id
}

// answerLabel is how a stored value reads to people.
func answerLabel(f *framework.Framework, q *framework.Question, v string, l *i18n.Localizer) string {
	switch v {
	case "":
		return l.T("bl.unanswered")
	case "dontknow":
		return l.T("bl.dontknow")
	case "na":
		return l.T("bl.na")
	case "yes", "partly", "no":
		return l.T("bl." + v)
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 && n < len(f.Scale) {
		return v + " – " + f.Scale[n].Label.Get(l.Lang)
	}
	return v
}

func buildQuestionHTML(f *framework.Framework, q *framework.Question, unit int64, l *i18n.Localizer) *questionHTML {
	lang := l.Lang
	id := domID(q.ID, unit)
	var b strings.Builder
	b.WriteString(`<article class="q" id="` + id + `" aria-labelledby="` + id + `-h">`)
	b.WriteString(`<h3 id="` + id + `-h"><span class="qid">` + esc(q.ID) + `</span> ` + esc(q.Text.Get(lang)) + `</h3>`)
	b.WriteString(`<p class="qmeta">` + esc(l.T("bl.audience."+string(q.Audience))) + ` · ` + esc(l.T("bl.weight")) + ` ` +
		esc(l.Num(q.Weight)))
	if q.Answer == framework.AnswerMaturity {
		b.WriteString(` · ` + esc(l.T("bl.target")) + ` ` + strconv.Itoa(q.Target))
	}
	b.WriteString(`</p>`)
	if help := q.Help.Get(lang); help != "" || len(q.Refs) > 0 {
		b.WriteString(`<details class="help"><summary>` + esc(l.T("bl.help")) + `</summary>`)
		if help != "" {
			b.WriteString(`<p>` + esc(help) + `</p>`)
		}
		if len(q.Refs) > 0 {
			refs := make([]string, len(q.Refs))
			for i, r := range q.Refs {
				refs[i] = esc(r.String())
			}
			b.WriteString(`<p class="refs">` + esc(l.T("bl.refs")) + `: ` + strings.Join(refs, ", ") + `</p>`)
		}
		b.WriteString(`</details>`)
	}
	h := &questionHTML{head: b.String(), labels: map[string]string{}}
	type opt struct{ value, label, desc string }
	var opts []opt
	if q.Answer == framework.AnswerMaturity {
		h.control = l.T("bl.level")
		for _, s := range f.Scale {
			v := strconv.Itoa(s.Level)
			opts = append(opts, opt{v, v + " – " + s.Label.Get(lang), q.LevelText(s.Level, lang)})
		}
	} else {
		h.control = l.T("bl.answer")
		for _, v := range []string{"yes", "partly", "no"} {
			opts = append(opts, opt{v, l.T("bl." + v), ""})
		}
	}
	opts = append(opts, opt{"dontknow", l.T("bl.dontknow"), l.T("bl.dontknow_help")})
	if q.AllowsNotRelevant(f) {
		opts = append(opts, opt{"na", l.T("bl.na"), l.T("bl.na_help")})
	}
	for _, o := range opts {
		oid := id + "-v" + o.value
		var x strings.Builder
		x.WriteString(`<div class="opt"><input type="radio" name="value" id="` + oid + `" value="` + esc(o.value) + `"`)
		un := x.String()
		rest := `><label for="` + oid + `"><strong>` + esc(o.label) + `</strong>`
		if o.desc != "" {
			rest += ` <span class="desc">` + esc(o.desc) + `</span>`
		}
		rest += `</label></div>`
		h.opts = append(h.opts, [2]string{un + rest, un + " checked" + rest})
		h.values = append(h.values, o.value)
		h.labels[o.value] = o.label
	}
	h.size = len(h.head) + 2500
	for _, o := range h.opts {
		h.size += len(o[1])
	}
	return h
}

// answerView is what a request adds to a pre-rendered question.
type answerView struct {
	Q          *framework.Question
	Unit       int64
	Answer     vaern.Answer
	Evidence   []vaern.Evidence
	MayAnswer  bool // the person may change the answer now
	MayReview  bool // the coordinator may approve or return it now
	Assessment int64
}

// renderQuestions writes the questions of an area page.
func (s *Server) renderQuestions(info vaern.FrameworkInfo, f *framework.Framework, l *i18n.Localizer, views []answerView) []byte {
	hs := make([]*questionHTML, len(views))
	size := 0
	for i, v := range views {
		hs[i] = s.qcache.get(info, f, v.Q, v.Unit, l)
		size += hs[i].size + len(v.Answer.Comment) + len(v.Answer.ReviewComment)
	}
	var b bytes.Buffer
	b.Grow(size)
	for i, v := range views {
		h := hs[i]
		id := domID(v.Q.ID, v.Unit)
		b.WriteString(h.head)
		a := v.Answer
		status := "open"
		if a.ID != 0 {
			status = a.Status
		}
		b.WriteString(`<p class="astatus"><span class="badge s-` + status + `">` + esc(l.T("bl.status."+status)) + `</span>`)
		if a.ID != 0 {
			// The status badge reads on into the reviewer's name ("Approved by …"); who answered
			// follows separately, so the two people are never confused.
			if (a.Status == vaern.AnswerApproved || a.Status == vaern.AnswerReturned) && a.ReviewedByName != "" {
				b.WriteString(` <span class="reviewer">` + esc(l.T("rv.reviewed_by", a.ReviewedByName, a.ReviewedAt.Local().Format("2006-01-02 15:04"))) + `</span>`)
			}
			when := a.AnsweredAt.Local().Format("2006-01-02 15:04")
			if a.AnsweredByName != "" {
				b.WriteString(` <span class="muted">` + esc(l.T("rv.answered_by", a.AnsweredByName, when)) + `</span>`)
			} else {
				b.WriteString(` <span class="muted">` + esc(l.T("bl.answered_at", when)) + `</span>`)
			}
			b.WriteString(` <a href="history?q=` + esc(v.Q.ID) + `&amp;unit=` + strconv.FormatInt(v.Unit, 10) + `">` + esc(l.T("bl.history")) + `<span class="visually-hidden"> ` + esc(v.Q.ID) + `</span></a>`)
		}
		b.WriteString(`</p>`)
		if a.Status == vaern.AnswerReturned && a.ReviewComment != "" {
			b.WriteString(`<p class="returned" role="note"><strong>` + esc(l.T("bl.returned_with")) + `</strong> ` + esc(a.ReviewComment) + `</p>`)
		}
		if v.MayAnswer {
			b.WriteString(`<form method="post" action="answers" class="answer" data-autosave>`)
			b.WriteString(`<input type="hidden" name="q" value="` + esc(v.Q.ID) + `"><input type="hidden" name="unit" value="` + strconv.FormatInt(v.Unit, 10) + `">`)
			b.WriteString(`<fieldset><legend>` + esc(h.control) + `</legend>`)
			for i, o := range h.opts {
				if h.values[i] == a.Value && a.ID != 0 {
					b.WriteString(o[1])
				} else {
					b.WriteString(o[0])
				}
			}
			b.WriteString(`</fieldset><div class="field"><label for="` + id + `-c">` + esc(l.T("bl.comment")) + `</label>`)
			b.WriteString(`<textarea id="` + id + `-c" name="comment" rows="3" maxlength="20000">` + esc(a.Comment) + `</textarea></div>`)
			b.WriteString(`<p class="actions"><button type="submit">` + esc(l.T("bl.save")) + `<span class="visually-hidden"> ` + esc(v.Q.ID) + `</span></button> <span class="save-state" aria-live="polite"></span></p></form>`)
		} else {
			b.WriteString(`<dl class="ro"><dt>` + esc(h.control) + `</dt><dd>` + esc(answerLabelFrom(h, a, l)) + `</dd>`)
			if a.Comment != "" {
				b.WriteString(`<dt>` + esc(l.T("bl.comment")) + `</dt><dd>` + esc(a.Comment) + `</dd>`)
			}
			b.WriteString(`</dl>`)
		}
		if len(v.Evidence) > 0 || (v.MayAnswer && a.ID != 0) {
			b.WriteString(`<div class="evidence"><h4>` + esc(l.T("bl.evidence")) + `</h4><ul>`)
			for _, e := range v.Evidence {
				if e.Kind == "link" {
					b.WriteString(`<li><a href="` + esc(e.URL) + `" rel="noopener noreferrer">` + esc(e.Name) + `</a>`)
				} else {
					b.WriteString(`<li><a href="/evidence/` + strconv.FormatInt(e.ID, 10) + `">` + esc(e.Name) + `</a> <span class="muted">(` + esc(humanSize(e.Size)) + `)</span>`)
				}
				if v.MayAnswer {
					b.WriteString(` <form method="post" action="/evidence/` + strconv.FormatInt(e.ID, 10) + `/delete" class="inline-form"><button type="submit" class="link">` + esc(l.T("bl.remove")) + `<span class="visually-hidden"> ` + esc(e.Name) + `</span></button></form>`)
				}
				b.WriteString(`</li>`)
			}
			b.WriteString(`</ul>`)
			if v.MayAnswer && a.ID != 0 {
				b.WriteString(`<details><summary>` + esc(l.T("bl.add_evidence")) + `<span class="visually-hidden"> ` + esc(v.Q.ID) + `</span></summary>`)
				b.WriteString(`<form method="post" action="evidence" enctype="multipart/form-data" class="stack"><input type="hidden" name="q" value="` + esc(v.Q.ID) + `"><input type="hidden" name="unit" value="` + strconv.FormatInt(v.Unit, 10) + `">`)
				b.WriteString(`<div class="field"><label for="` + id + `-f">` + esc(l.T("bl.evidence_file")) + `</label><input type="file" id="` + id + `-f" name="file" aria-describedby="` + id + `-fh"><p class="help" id="` + id + `-fh">` + esc(l.T("bl.evidence_file_help")) + `</p></div>`)
				b.WriteString(`<div class="field"><label for="` + id + `-l">` + esc(l.T("bl.evidence_link")) + `</label><input type="text" inputmode="url" id="` + id + `-l" name="url" placeholder="https://"></div>`)
				b.WriteString(`<button type="submit">` + esc(l.T("bl.attach")) + `</button></form></details>`)
			}
			b.WriteString(`</div>`)
		}
		if v.MayReview && a.Status == vaern.AnswerAnswered && a.Value != "" {
			// Ticked answers belong to the page's bulk approval form (id "ticked"), which
			// works without JavaScript through the form attribute.
			b.WriteString(`<p class="tick"><input type="checkbox" form="ticked" name="item" value="` + esc(v.Q.ID) + `|` + strconv.FormatInt(v.Unit, 10) + `" id="` + id + `-t"> <label for="` + id + `-t">` + esc(l.T("rv.tick", v.Q.ID)) + `</label></p>`)
		}
		if v.MayReview && a.ID != 0 && a.Status != vaern.AnswerApproved {
			b.WriteString(`<form method="post" action="review" class="review"><input type="hidden" name="q" value="` + esc(v.Q.ID) + `"><input type="hidden" name="unit" value="` + strconv.FormatInt(v.Unit, 10) + `">`)
			b.WriteString(`<div class="field"><label for="` + id + `-r">` + esc(l.T("bl.review_comment")) + `</label><textarea id="` + id + `-r" name="review_comment" rows="2"></textarea></div>`)
			b.WriteString(`<p class="actions"><button type="submit" name="action" value="approve" class="primary">` + esc(l.T("bl.approve")) + `<span class="visually-hidden"> ` + esc(v.Q.ID) + `</span></button> <button type="submit" name="action" value="return">` + esc(l.T("bl.return")) + `<span class="visually-hidden"> ` + esc(v.Q.ID) + `</span></button></p></form>`)
		} else if v.MayReview && a.Status == vaern.AnswerApproved {
			b.WriteString(`<form method="post" action="review" class="review"><input type="hidden" name="q" value="` + esc(v.Q.ID) + `"><input type="hidden" name="unit" value="` + strconv.FormatInt(v.Unit, 10) + `"><input type="hidden" name="review_comment" value="">`)
			b.WriteString(`<details><summary>` + esc(l.T("bl.reopen_answer")) + `</summary><div class="field"><label for="` + id + `-r">` + esc(l.T("bl.review_comment")) + `</label><textarea id="` + id + `-r" name="review_comment" rows="2"></textarea></div><button type="submit" name="action" value="return">` + esc(l.T("bl.return")) + `</button></details></form>`)
		}
		b.WriteString(`</article>`)
	}
	return b.Bytes()
}

func answerLabelFrom(h *questionHTML, a vaern.Answer, l *i18n.Localizer) string {
	if a.ID == 0 || a.Value == "" {
		return l.T("bl.unanswered")
	}
	if s, ok := h.labels[a.Value]; ok {
		return s
	}
	return a.Value
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " kB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
