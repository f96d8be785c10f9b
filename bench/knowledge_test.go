// Benchmarks of the knowledge module: full-text search over 50,000 posts with the access rule in
// the query, on both engines, against the bare engine's own full-text query over the same rows
// without the rule. Run: go test ./bench/ -run XXX -bench KnowledgeSearch50k -benchtime 200x
package bench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/knowledge"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

// knWords is the vocabulary of the generated posts: the words a security coordinator's texts are
// made of, so that a query's words match between a few and a few thousand posts.
var knWords = strings.Fields(`sikkerhed politik skabelon adgangskontrol databehandler aftale tjekliste awareness kampagne
	phishing ransomware beredskab øvelse leverandør kontrakt logning backup gendannelse risikovurdering systemejer
	kommune medarbejder skole borger lønsystem netværk firewall opdatering sårbarhed hændelse anmeldelse frist
	nis2 gdpr persondata samtykke sletning arkiv cloud microsoft tofaktor adgangskode kryptering mobil print
	sikkerhetskopi leverandørstyring beredskapsplan opplæring varsling personvern tilgangsstyring rutine`)

// knQueries are the searches the benchmark cycles through: one word, two words, a prefix.
var knQueries = []string{"phishing", "backup gendannelse", "adgangs", "leverandør kontrakt", "nis2", "politik skabelon",
	"ransomware øvelse", "sikkerhetskopi", "databehandler", "sårbarhed opdatering"}

// knWideQueries are the "-wide" runs' searches, from the filler's Zipf vocabulary: a rare word
// (rank 10,000: some 35 posts), a common one (rank 100: about one post in ten, as "hændelse" in a
// security centre's texts) and a very common one (rank 30: about one post in three, as
// "sikkerhed"), and the rare one with the common one. The domain words of knQueries all match
// about 3 % of the posts; these show the ends of the range.
var knWideQueries = []string{knVocab(9999), knVocab(99), knVocab(29), knVocab(9999) + " " + knVocab(99)}

// knVocab is the filler vocabulary's word number i (0 is the most frequent).
func knVocab(i int) string {
	syll := []string{"ka", "ro", "mi", "ne", "sto", "lin", "ve", "dra", "ken", "sa", "tur", "bo", "hel", "gen", "ar", "fø"}
	w := ""
	for k := i; ; k /= len(syll) {
		w += syll[k%len(syll)]
		if k < len(syll) {
			break
		}
	}
	return w + "q"
}

// seedPosts writes n posts straight into the knowledge tables of the store at dsn (through the
// engine's driver, in transactions of 2,000: the store's own CreatePost with its audit row would
// take minutes for 50,000), from the centre and 20 members, under every label and audience kind.
func seedPosts(b *testing.B, e store.Engine, dsn string, centre int64, members []vaern.Org, n int) {
	b.Helper()
	db := rawDB(b, e, dsn)
	defer db.Close()
	rng := rand.New(rand.NewPCG(15, 50000))
	ph := func(q string) string {
		if e != store.Postgres {
			return q
		}
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
		}
		return q
	}
	insPost := ph(`INSERT INTO knowledge_posts (centre_id, owner_org_id, created_by, kind, topic_id, lang, title, tlp,
		aud_kind, aud_orgs, aud_people, aud_country, aud_region, aud_size, last_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	insText := ph(`INSERT INTO knowledge_texts (post_id, lang, title, body) VALUES (?, ?, ?, ?)`)
	// The filler: a vocabulary of 20,000 made-up words drawn by a Zipf law, as words fall in
	// real texts; each of knWords goes into a post's body with a probability of 3 %, so a query
	// word matches some 1,500 posts, two of them some 50.
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = knVocab(i)
	}
	zipf := rand.NewZipf(rand.New(rand.NewPCG(1, 2)), 1.1, 1, uint64(len(vocab)-1))
	words := func(k int) string {
		w := make([]string, 0, k+8)
		for range k {
			w = append(w, vocab[zipf.Uint64()])
		}
		for _, kw := range knWords {
			if rng.IntN(100) < 3 {
				w = append(w, kw)
			}
		}
		rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
		return strings.Join(w, " ")
	}
	now := time.Now().UnixMilli()
	for start := 0; start < n; start += 2000 {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		for i := start; i < min(start+2000, n); i++ {
			owner := centre
			if i%4 == 0 {
				owner = members[rng.IntN(len(members))].ID
			}
			tlp := access.TLPs[rng.IntN(len(access.TLPs))]
			aud := access.Audience{Kind: access.Kinds[rng.IntN(4)]}
			switch {
			case tlp == access.Red:
				aud = access.Audience{Kind: access.NamedPeople, People: []int64{int64(1 + rng.IntN(40))}}
			case aud.Kind == access.NamedMembers:
				aud.Orgs = []int64{members[rng.IntN(len(members))].ID, members[rng.IntN(len(members))].ID}
			case aud.Kind == access.Group:
				aud.Region = members[rng.IntN(len(members))].Region
			}
			r := aud.Row()
			lang := vaern.PostLangs[rng.IntN(3)]
			title := fmt.Sprintf("Indlæg %d: %s", i, strings.Join(strings.Fields(words(4))[:4], " "))
			var id int64
			if err := tx.QueryRow(insPost, centre, owner, 0, string(vaern.PostKinds[i%4]), lang, title, string(tlp), r.Kind, r.Orgs, r.People,
				r.Country, r.Region, r.Size, now-int64(i)*1000, now, now).Scan(&id); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Exec(insText, id, lang, title, words(60+rng.IntN(120))); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	if e == store.Postgres {
		if _, err := db.Exec("ANALYZE knowledge_posts; ANALYZE knowledge_texts"); err != nil {
			b.Fatal(err)
		}
	}
}

// rawDB is the engine's driver on the store's database, for seeding and for the bare query.
func rawDB(b *testing.B, e store.Engine, dsn string) *sql.DB {
	b.Helper()
	var db *sql.DB
	var err error
	if e == store.SQLite {
		v := url.Values{}
		v.Add("_pragma", "busy_timeout(10000)")
		db, err = sql.Open("sqlite", "file:"+dsn+"?"+v.Encode())
	} else {
		db, err = sql.Open("pgx", dsn)
	}
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkKnowledgeSearch50k searches 50,000 posts as a member's person (the most conditions in
// the rule) and as the centre: the top 50 by rank with the total count, as the page and the API
// ask for them. Bare is the engine's own ranked full-text query over the same rows, the top 50 and
// the count, with no access rule and no joins: the floor.
func BenchmarkKnowledgeSearch50k(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			dsn := storetest.DSN(b, e)
			st := storetest.OpenDSN(b, e, dsn, wire.StoreOptions(store.Options{}))
			ctx := context.Background()
			sys := vaern.System("bench")
			c, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centre", Country: "DK"})
			if err != nil {
				b.Fatal(err)
			}
			var members []vaern.Org
			for i := range 20 {
				m, err := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: fmt.Sprint(100 + i), Name: fmt.Sprintf("Kommune %d", i), Country: "DK",
					Region: fmt.Sprintf("Region %d", i%5), SizeClass: vaern.SizeMedium, Population: 40000})
				if err != nil {
					b.Fatal(err)
				}
				members = append(members, m)
			}
			seedPosts(b, e, dsn, c.ID, members, 50000)
			who := map[string]access.Principal{
				"member": access.Of(&vaern.Principal{User: vaern.User{ID: 7}, Org: members[3]}),
				"centre": access.Of(&vaern.Principal{User: vaern.User{ID: 1}, Org: c}),
			}
			db := rawDB(b, e, dsn)
			defer db.Close()
			bare := knBare(b, e, db)
			// Each iteration runs the store's search and then the bare query for the same words,
			// so that both meet the same load on a shared machine: ratio is the useful figure.
			for _, name := range []string{"member", "centre", "member-wide", "centre-wide"} {
				v, queries := name, knQueries
				if w, ok := strings.CutSuffix(name, "-wide"); ok {
					v, queries = w, knWideQueries
				}
				b.Run(name, func(b *testing.B) {
					// Each query runs once on both sides before the clock starts: the figure is a
					// running server's (pages and plans cached), not the first search after seeding.
					for _, q := range queries {
						if _, err := st.Posts(ctx, who[v], c.ID, vaern.PostFilter{Query: q, Terms: knowledge.Terms(q), Lang: "da", Limit: 50}); err != nil {
							b.Fatal(err)
						}
						bare(knowledge.Terms(q))
					}
					var lat, base []time.Duration
					i, hits := 0, 0
					for b.Loop() {
						q := queries[i%len(queries)]
						i++
						t0 := time.Now()
						l, err := st.Posts(ctx, who[v], c.ID, vaern.PostFilter{Query: q, Terms: knowledge.Terms(q), Lang: "da", Limit: 50})
						if err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(t0))
						hits += l.Total
						t0 = time.Now()
						bare(knowledge.Terms(q))
						base = append(base, time.Since(t0))
					}
					b.ReportMetric(p99(lat), "p99-ms")
					b.ReportMetric(mean(lat), "mean-ms")
					b.ReportMetric(p99(base), "bare-p99-ms")
					b.ReportMetric(mean(base), "bare-mean-ms")
					b.ReportMetric(mean(lat)/mean(base), "ratio-mean")
					b.ReportMetric(float64(hits)/float64(i), "matches/query")
				})
			}
		})
	}
}

// knBare is the engine's own ranked full-text query over the knowledge texts, the top 50 and the
// count, with no access rule and no joins: the floor the store's search is measured against.
func knBare(b *testing.B, e store.Engine, db *sql.DB) func(terms []string) {
	var list, count string
	if e == store.SQLite {
		list = `SELECT x.post_id, x.title, bm25(knowledge_texts_fts) AS r FROM knowledge_texts_fts JOIN knowledge_texts x ON x.id = knowledge_texts_fts.rowid
			WHERE knowledge_texts_fts MATCH ? ORDER BY r LIMIT 50`
		count = `SELECT COUNT(*) FROM knowledge_texts_fts WHERE knowledge_texts_fts MATCH ?`
	} else {
		list = `SELECT x.post_id, x.title, ts_rank(x.tsv, q) AS r FROM knowledge_texts x, to_tsquery('danish', $1) q WHERE x.tsv @@ q ORDER BY r DESC LIMIT 50`
		count = `SELECT COUNT(*) FROM knowledge_texts x WHERE x.tsv @@ to_tsquery('danish', $1)`
	}
	return func(terms []string) {
		var arg string
		if e == store.SQLite {
			parts := make([]string, len(terms))
			for k, t := range terms {
				parts[k] = `"` + t + `"*`
			}
			arg = strings.Join(parts, " ")
		} else {
			arg = strings.Join(terms, ":* & ") + ":*"
		}
		rows, err := db.Query(list, arg)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
		}
		rows.Close()
		var n int
		if err := db.QueryRow(count, arg).Scan(&n); err != nil {
			b.Fatal(err)
		}
	}
}

func mean(ds []time.Duration) float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return float64(sum.Microseconds()) / 1000 / float64(len(ds))
}
