package bench

import (
	"context"
	"database/sql"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// The bare stacks: what the same engine, net/http and html/template give on the same box with
// none of Værn in the way. Every figure in docs/BENCHMARKS.md that states a ratio measures the
// bare stack and Værn one after the other in the same go test run, with the same 64 clients.

// bareDB opens a fresh database of engine e as the store would (SQLite: WAL, synchronous=FULL, one
// writer connection; PostgreSQL: synchronous_commit=on, a pool of 16) with one table of answers.
func bareDB(b *testing.B, e store.Engine) *sql.DB {
	b.Helper()
	dsn := storetest.DSN(b, e)
	var db *sql.DB
	var err error
	if e == store.SQLite {
		v := url.Values{}
		for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)"} {
			v.Add("_pragma", p)
		}
		db, err = sql.Open("sqlite", "file:"+dsn+"?"+v.Encode())
		db.SetMaxOpenConns(1)
	} else {
		db, err = sql.Open("pgx", dsn+"&synchronous_commit=on")
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(16)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE bare_answers (assessment_id BIGINT NOT NULL, question_id TEXT NOT NULL, unit_id BIGINT NOT NULL,
		value TEXT NOT NULL, comment TEXT NOT NULL, PRIMARY KEY (assessment_id, question_id, unit_id))`); err != nil {
		b.Fatal(err)
	}
	return db
}

func rebind(e store.Engine, q string) string {
	if e != store.Postgres {
		return q
	}
	n := 0
	var sb strings.Builder
	for _, c := range q {
		if c == '?' {
			n++
			sb.WriteString("$" + strconv.Itoa(n))
			continue
		}
		sb.WriteRune(c)
	}
	return sb.String()
}

// bareUpsert serves POST: one upsert statement, committed on its own (autocommit), and a small
// JSON answer. No session, no rules, no history, no audit.
func bareUpsert(b *testing.B, e store.Engine) string {
	db := bareDB(b, e)
	q := rebind(e, `INSERT INTO bare_answers (assessment_id, question_id, unit_id, value, comment) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (assessment_id, question_id, unit_id) DO UPDATE SET value = excluded.value, comment = excluded.comment`)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		unit, _ := strconv.ParseInt(r.PostForm.Get("unit"), 10, 64)
		if _, err := db.ExecContext(r.Context(), q, 1, r.PostForm.Get("q"), unit, r.PostForm.Get("value"), r.PostForm.Get("comment")); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ok":true}`)
	}))
	b.Cleanup(hs.Close)
	return hs.URL
}

// naiveForm is the obvious html/template rendering of a focus area's form of about 100 KB: every
// question with its help, reference, six levels (radio and label) and a comment, escaped on every
// request.
var naiveForm = template.Must(template.New("form").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<link rel="stylesheet" href="/static/app.css"></head><body><header><nav><a href="/">Home</a> <a href="/baseline">Baseline</a></nav></header>
<main><h1>{{.Title}}</h1><form method="post" action="/baseline/1/answers"><input type="hidden" name="csrf" value="{{$.CSRF}}">
{{range .Questions}}<fieldset id="q-{{.ID}}" class="question"><input type="hidden" name="q" value="{{.ID}}"><input type="hidden" name="unit" value="0"><legend>{{.ID}} {{.Text}}</legend><p>{{.Help}}</p><p>{{range .Refs}}{{.}} {{end}}</p>
{{$v := .Value}}{{$id := .ID}}{{range .Levels}}<label><input type="radio" name="{{$id}}" value="{{.N}}"{{if eq .N $v}} checked{{end}}> {{.Label}}</label>
{{end}}<label>Comment <textarea name="{{.ID}}-c" rows="3" maxlength="20000">{{.Comment}}</textarea></label>
<p class="status">{{if .Value}}Answered{{else}}Not answered{{end}}</p><button type="submit" name="save" value="{{.ID}}">Save</button></fieldset>
{{end}}<button type="submit">Save</button></form></main><footer><p>Footer</p></footer></body></html>`))

type naiveLevel struct {
	N                  string
	Label, Description string
}

type naiveQuestion struct {
	ID, Text, Help string
	Refs           []string
	Levels         []naiveLevel
	Value, Comment string
}

// bareForm serves GET: the area's answers read with one query from the same engine, and the form
// rendered naively with html/template.
func bareForm(b *testing.B, e store.Engine, f *framework.Framework, lang string) string {
	db := bareDB(b, e)
	ins := rebind(e, "INSERT INTO bare_answers (assessment_id, question_id, unit_id, value, comment) VALUES (1, ?, 0, ?, ?)")
	for i := 1; i <= 100; i += 2 {
		if _, err := db.Exec(ins, fmt.Sprintf("BIG-%03d", i), "3", "Vi har en skriftlig procedure, men den følges ikke altid."); err != nil {
			b.Fatal(err)
		}
	}
	sel := rebind(e, "SELECT question_id, value, comment FROM bare_answers WHERE assessment_id = ?")
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, err := db.QueryContext(r.Context(), sel, 1)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		ans := map[string][2]string{}
		for rows.Next() {
			var q, v, c string
			if err := rows.Scan(&q, &v, &c); err != nil {
				rows.Close()
				http.Error(w, err.Error(), 500)
				return
			}
			ans[q] = [2]string{v, c}
		}
		rows.Close()
		d := struct {
			Title, CSRF string
			Questions   []naiveQuestion
		}{Title: f.Areas[0].Title.Get(lang), CSRF: "d41d8cd98f00b204e9800998ecf8427e"}
		for _, q := range f.Areas[0].Questions {
			nq := naiveQuestion{ID: q.ID, Text: q.Text.Get(lang), Help: q.Help.Get(lang), Value: ans[q.ID][0], Comment: ans[q.ID][1]}
			for _, ref := range q.Refs {
				nq.Refs = append(nq.Refs, ref.Scheme+" "+ref.ID)
			}
			for _, l := range f.Scale {
				nq.Levels = append(nq.Levels, naiveLevel{N: strconv.Itoa(l.Level), Label: l.Label.Get(lang), Description: l.Description.Get(lang)})
			}
			d.Questions = append(d.Questions, nq)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := naiveForm.Execute(w, d); err != nil {
			http.Error(w, err.Error(), 500)
		}
	}))
	b.Cleanup(hs.Close)
	return hs.URL
}

// plainClients are n browsers without a session, sharing one transport as the signed-in ones do.
func plainClients(n int) []*http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}
	out := make([]*http.Client, n)
	for i := range out {
		out[i] = &http.Client{Transport: tr}
	}
	return out
}

// saveForm is one autosave request of the benchmark: question i%100, value i%6.
func saveForm(u string, i int) (*http.Request, int) {
	form := url.Values{"q": {fmt.Sprintf("BIG-%03d", i%100+1)}, "unit": {"0"}, "value": {fmt.Sprint(i % 6)},
		"comment": {"Gemt under belastning"}}
	r, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, u, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Accept", "application/json")
	return r, http.StatusOK
}
