package web

import (
	"bytes"
	"html"
	"slices"
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

// questionHTML is the pre-rendered, answer-independent HTML of one question: everything of it
// but the status line, the chosen option, the comment and the evidence list.
type questionHTML struct {
	size     int         // the usual length of the whole question's HTML, for sizing buffers
	head     string      // article start, heading, help and references
	history  string      // the history link
	formOpen string      // the answer form up to its options
	opts     [][2]string // each answer option: [unchecked, checked] radio markup
	values   []string    // the option values, in the order of opts
	labels   map[string]string
	control  string // the option fieldset's legend
	formMid  string // from the options to the comment's text
	formEnd  string // from the comment's text to the form's end
	addEv    string // the form that attaches evidence
	tick     string // the check box of the bulk approval
	review   string // approve or return an answer
	reopen   string // return an approved answer
	// legend: the option ids described once per page in the legend (levels whose description is
	// the scale's, "don't know", "not relevant") instead of in the question.
	legend []string
}

type questionKey struct {
	fw   int64
	upd  int64
	lang string
	q    string
	unit int64
}

type legendKey struct {
	fw   int64
	upd  int64
	lang string
	used string // the option values the page's questions describe through the legend
}

type questionCache struct {
	mu      sync.RWMutex
	m       map[questionKey]*questionHTML
	legends map[legendKey]string
}

func newQuestionCache() *questionCache {
	return &questionCache{m: map[questionKey]*questionHTML{}, legends: map[legendKey]string{}}
}

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

// legend returns the page's legend of the answer options described once per page (used: their
// values, in order), building it on first use.
func (c *questionCache) legend(info vaern.FrameworkInfo, f *framework.Framework, used []string, l *i18n.Localizer) string {
	k := legendKey{info.ID, info.UpdatedAt.UnixMilli(), l.Lang, strings.Join(used, ",")}
	c.mu.RLock()
	h, ok := c.legends[k]
	c.mu.RUnlock()
	if ok {
		return h
	}
	h = buildLegend(f, used, l)
	c.mu.Lock()
	c.legends[k] = h
	c.mu.Unlock()
	return h
}

// legendOrder is the order of the legend's entries: the levels, then the other answers.
var legendOrder = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "dontknow", "na"}

// buildLegend renders the descriptions of the answer options that every question of the page
// shares, once: each option refers to its entry with aria-describedby, so a screen reader reads
// the description with the option, and the page does not repeat it for every question.
func buildLegend(f *framework.Framework, used []string, l *i18n.Localizer) string {
	var b strings.Builder
	b.WriteString(`<section class="levels" aria-labelledby="lv-h"><h2 id="lv-h">` + esc(l.T("bl.levels_legend")) + `</h2><dl>`)
	for _, v := range used {
		var label, desc string
		switch v {
		case "dontknow":
			label, desc = l.T("bl.dontknow"), l.T("bl.dontknow_help")
		case "na":
			label, desc = l.T("bl.na"), l.T("bl.na_help")
		default:
			n, _ := strconv.Atoi(v)
			for _, s := range f.Scale {
				if s.Level == n {
					label, desc = v+" – "+s.Label.Get(l.Lang), s.Description.Get(l.Lang)
				}
			}
		}
		b.WriteString(`<dt>` + esc(label) + `</dt><dd id="lv-` + v + `">` + esc(desc) + `</dd>`)
	}
	b.WriteString(`</dl></section>`)
	return b.String()
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
	u := strconv.FormatInt(unit, 10)
	qid := esc(q.ID)
	hidden := `<input type="hidden" name="q" value="` + qid + `"><input type="hidden" name="unit" value="` + u + `">`
	also := `<span class="visually-hidden"> ` + qid + `</span>`
	h := &questionHTML{head: b.String(), labels: map[string]string{},
		history: ` <a href="history?q=` + qid + `&amp;unit=` + u + `">` + esc(l.T("bl.history")) + also + `</a>`,
		formMid: `</fieldset><div class="field"><label for="` + id + `-c">` + esc(l.T("bl.comment")) + `</label>` +
			`<textarea id="` + id + `-c" name="comment" rows="3" maxlength="20000">`,
		formEnd: `</textarea></div><p class="actions"><button type="submit">` + esc(l.T("bl.save")) + also +
			`</button> <span class="save-state" aria-live="polite"></span></p></form>`,
		addEv: `<details><summary>` + esc(l.T("bl.add_evidence")) + also + `</summary>` +
			`<form method="post" action="evidence" enctype="multipart/form-data" class="stack">` + hidden +
			`<div class="field"><label for="` + id + `-f">` + esc(l.T("bl.evidence_file")) + `</label><input type="file" id="` + id + `-f" name="file" aria-describedby="` + id + `-fh"><p class="help" id="` + id + `-fh">` + esc(l.T("bl.evidence_file_help")) + `</p></div>` +
			`<div class="field"><label for="` + id + `-l">` + esc(l.T("bl.evidence_link")) + `</label><input type="text" inputmode="url" id="` + id + `-l" name="url" placeholder="https://"></div>` +
			`<button type="submit">` + esc(l.T("bl.attach")) + `</button></form></details>`,
		// Ticked answers belong to the page's bulk approval form (id "ticked"), which works
		// without JavaScript through the form attribute.
		tick: `<p class="tick"><input type="checkbox" form="ticked" name="item" value="` + qid + `|` + u + `" id="` + id + `-t"> <label for="` + id + `-t">` + esc(l.T("rv.tick", q.ID)) + `</label></p>`,
		review: `<form method="post" action="review" class="review">` + hidden +
			`<div class="field"><label for="` + id + `-r">` + esc(l.T("bl.review_comment")) + `</label><textarea id="` + id + `-r" name="review_comment" rows="2"></textarea></div>` +
			`<p class="actions"><button type="submit" name="action" value="approve" class="primary">` + esc(l.T("bl.approve")) + also + `</button> <button type="submit" name="action" value="return">` + esc(l.T("bl.return")) + also + `</button></p></form>`,
		reopen: `<form method="post" action="review" class="review">` + hidden + `<input type="hidden" name="review_comment" value="">` +
			`<details><summary>` + esc(l.T("bl.reopen_answer")) + `</summary><div class="field"><label for="` + id + `-r">` + esc(l.T("bl.review_comment")) + `</label><textarea id="` + id + `-r" name="review_comment" rows="2"></textarea></div><button type="submit" name="action" value="return">` + esc(l.T("bl.return")) + `</button></details></form>`,
	}
	// An option's description is written with the option only when it is the question's own; the
	// scale's descriptions and those of "don't know" and "not relevant" are in the page's legend
	// (buildLegend), which the option names as its description.
	type opt struct{ value, label, desc string }
	var opts []opt
	if q.Answer == framework.AnswerMaturity {
		h.control = l.T("bl.level")
		for _, s := range f.Scale {
			v := strconv.Itoa(s.Level)
			o := opt{value: v, label: v + " – " + s.Label.Get(lang)}
			if own, ok := q.Levels[s.Level]; ok {
				o.desc = own.Get(lang)
			} else if s.Description.Get(lang) != "" {
				h.legend = append(h.legend, v)
			}
			opts = append(opts, o)
		}
	} else {
		h.control = l.T("bl.answer")
		for _, v := range []string{"yes", "partly", "no"} {
			opts = append(opts, opt{value: v, label: l.T("bl." + v)})
		}
	}
	opts = append(opts, opt{value: "dontknow", label: l.T("bl.dontknow")})
	h.legend = append(h.legend, "dontknow")
	if q.AllowsNotRelevant(f) {
		opts = append(opts, opt{value: "na", label: l.T("bl.na")})
		h.legend = append(h.legend, "na")
	}
	h.formOpen = `<form method="post" action="answers" class="answer" data-autosave>` + hidden + `<fieldset><legend>` + esc(h.control) + `</legend>`
	inLegend := map[string]bool{}
	for _, v := range h.legend {
		inLegend[v] = true
	}
	for _, o := range opts {
		// The radio button sits inside its label, which names it without an id of its own.
		un := `<label class="opt"><input type="radio" name="value" value="` + esc(o.value) + `"`
		if inLegend[o.value] {
			un += ` aria-describedby="lv-` + o.value + `"`
		}
		rest := `> <span><strong>` + esc(o.label) + `</strong>`
		if o.desc != "" {
			rest += ` <span class="desc">` + esc(o.desc) + `</span>`
		}
		rest += `</span></label>`
		h.opts = append(h.opts, [2]string{un + rest, un + " checked" + rest})
		h.values = append(h.values, o.value)
		h.labels[o.value] = o.label
	}
	h.size = len(h.head) + len(h.history) + len(h.formOpen) + len(h.formMid) + len(h.formEnd) + len(h.addEv) + len(h.tick) + len(h.review) + 500
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

// areaTexts are the texts every question of a page repeats, looked up once per page.
type areaTexts struct {
	status                                  map[string]string
	returnedWith, evidence, remove, comment string
}

// renderQuestions writes the legend and the questions of an area page into b.
func (s *Server) renderQuestions(b *bytes.Buffer, info vaern.FrameworkInfo, f *framework.Framework, l *i18n.Localizer, views []answerView) {
	hs := make([]*questionHTML, len(views))
	size := 0
	var used []string
	for i, v := range views {
		h := s.qcache.get(info, f, v.Q, v.Unit, l)
		hs[i] = h
		size += h.size + len(v.Answer.Comment) + len(v.Answer.ReviewComment)
		for _, x := range h.legend {
			if !slices.Contains(used, x) {
				used = append(used, x)
			}
		}
	}
	slices.SortFunc(used, func(a, b string) int { return slices.Index(legendOrder, a) - slices.Index(legendOrder, b) })
	legend := ""
	if len(used) > 0 {
		legend = s.qcache.legend(info, f, used, l)
	}
	b.Grow(size + len(legend))
	b.WriteString(legend)
	tx := areaTexts{status: map[string]string{}, returnedWith: esc(l.T("bl.returned_with")), evidence: esc(l.T("bl.evidence")),
		remove: esc(l.T("bl.remove")), comment: esc(l.T("bl.comment"))}
	for _, st := range []string{"open", vaern.AnswerAnswered, vaern.AnswerApproved, vaern.AnswerReturned} {
		tx.status[st] = esc(l.T("bl.status." + st))
	}
	for i, v := range views {
		h := hs[i]
		b.WriteString(h.head)
		a := v.Answer
		status := "open"
		if a.ID != 0 {
			status = a.Status
		}
		st, ok := tx.status[status]
		if !ok {
			st = esc(l.T("bl.status." + status))
		}
		b.WriteString(`<p class="astatus"><span class="badge s-`)
		b.WriteString(status)
		b.WriteString(`">`)
		b.WriteString(st)
		b.WriteString(`</span>`)
		if a.ID != 0 {
			// The status badge reads on into the reviewer's name ("Approved by …"); who answered
			// follows separately, so the two people are never confused.
			if (a.Status == vaern.AnswerApproved || a.Status == vaern.AnswerReturned) && a.ReviewedByName != "" {
				b.WriteString(` <span class="reviewer">`)
				b.WriteString(esc(l.T("rv.reviewed_by", a.ReviewedByName, a.ReviewedAt.Local().Format("2006-01-02 15:04"))))
				b.WriteString(`</span>`)
			}
			when := a.AnsweredAt.Local().Format("2006-01-02 15:04")
			b.WriteString(` <span class="muted">`)
			if a.AnsweredByName != "" {
				b.WriteString(esc(l.T("rv.answered_by", a.AnsweredByName, when)))
			} else {
				b.WriteString(esc(l.T("bl.answered_at", when)))
			}
			b.WriteString(`</span>`)
			b.WriteString(h.history)
		}
		b.WriteString(`</p>`)
		if a.Status == vaern.AnswerReturned && a.ReviewComment != "" {
			b.WriteString(`<p class="returned" role="note"><strong>` + tx.returnedWith + `</strong> `)
			b.WriteString(esc(a.ReviewComment))
			b.WriteString(`</p>`)
		}
		if v.MayAnswer {
			b.WriteString(h.formOpen)
			for i, o := range h.opts {
				if h.values[i] == a.Value && a.ID != 0 {
					b.WriteString(o[1])
				} else {
					b.WriteString(o[0])
				}
			}
			b.WriteString(h.formMid)
			b.WriteString(esc(a.Comment))
			b.WriteString(h.formEnd)
		} else {
			b.WriteString(`<dl class="ro"><dt>` + esc(h.control) + `</dt><dd>` + esc(answerLabelFrom(h, a, l)) + `</dd>`)
			if a.Comment != "" {
				b.WriteString(`<dt>` + tx.comment + `</dt><dd>` + esc(a.Comment) + `</dd>`)
			}
			b.WriteString(`</dl>`)
		}
		if len(v.Evidence) > 0 || (v.MayAnswer && a.ID != 0) {
			b.WriteString(`<div class="evidence"><h4>` + tx.evidence + `</h4>`)
			if len(v.Evidence) > 0 {
				b.WriteString(`<ul>`)
			}
			for _, e := range v.Evidence {
				if e.Kind == "link" {
					b.WriteString(`<li><a href="` + esc(e.URL) + `" rel="noopener noreferrer">` + esc(e.Name) + `</a>`)
				} else {
					b.WriteString(`<li><a href="/evidence/` + strconv.FormatInt(e.ID, 10) + `">` + esc(e.Name) + `</a> <span class="muted">(` + esc(humanSize(e.Size)) + `)</span>`)
				}
				if v.MayAnswer {
					b.WriteString(` <form method="post" action="/evidence/` + strconv.FormatInt(e.ID, 10) + `/delete" class="inline-form"><button type="submit" class="link">` + tx.remove + `<span class="visually-hidden"> ` + esc(e.Name) + `</span></button></form>`)
				}
				b.WriteString(`</li>`)
			}
			if len(v.Evidence) > 0 {
				b.WriteString(`</ul>`)
			}
			if v.MayAnswer && a.ID != 0 {
				b.WriteString(h.addEv)
			}
			b.WriteString(`</div>`)
		}
		if v.MayReview && a.Status == vaern.AnswerAnswered && a.Value != "" {
			b.WriteString(h.tick)
		}
		if v.MayReview && a.ID != 0 && a.Status != vaern.AnswerApproved {
			b.WriteString(h.review)
		} else if v.MayReview && a.Status == vaern.AnswerApproved {
			b.WriteString(h.reopen)
		}
		b.WriteString(`</article>`)
	}
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
