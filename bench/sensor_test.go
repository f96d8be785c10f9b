// Benchmarks of the sensors' ingest, each against a bare baseline in the same run:
//   - parse, check, pseudonymise and derive sightings on one core vs a bare goccy/go-json decode of
//     the same lines into the same fields (go test ./bench/ -run XXX -bench SensorParse -cpu 1);
//   - HTTP ingest (POST /api/v1/sensor/alerts, gzip, 5,000 alerts a batch) into PostgreSQL vs a
//     bare pgx COPY of the same alert rows into the same tables, and into SQLite vs a bare batched
//     insert of them; beside it the bare write of the alerts and the batch's sightings
//     (go test ./bench/ -run XXX -bench SensorIngest -benchtime 10x).
package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	json "github.com/goccy/go-json"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/testserver"
)

// benchEVE makes n EVE lines shaped like the real files: alerts (a fifth with TLS and JA3, a
// tenth with HTTP), half with an internal source, and one flow event in ten.
func benchEVE(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 14))
	var b bytes.Buffer
	for i := range n {
		if i%10 == 9 {
			fmt.Fprintf(&b, `{"timestamp":"2026-12-02T10:%02d:%02d.%06d+0100","flow_id":%d,"in_iface":"eth0","event_type":"flow","src_ip":"10.2.%d.%d","src_port":%d,"dest_ip":"93.184.216.%d","dest_port":443,"proto":"TCP","flow":{"pkts_toserver":12,"pkts_toclient":10,"bytes_toserver":1800,"bytes_toclient":9000,"start":"2026-12-02T10:00:00.000000+0100","end":"2026-12-02T10:00:01.000000+0100","age":1,"state":"closed","reason":"timeout","alerted":false}}`+"\n",
				i/60%60, i%60, i, rng.Int64N(1<<50), rng.IntN(256), 1+rng.IntN(254), 1024+rng.IntN(60000), 1+rng.IntN(254))
			continue
		}
		src := fmt.Sprintf("%d.%d.%d.%d", 20+rng.IntN(180), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
		if rng.IntN(2) == 0 {
			src = fmt.Sprintf("192.168.%d.%d", rng.IntN(16), 1+rng.IntN(254))
		}
		extra := ""
		switch i % 10 {
		case 0, 1:
			extra = `,"tls":{"subject":"CN=cdn.example","issuerdn":"CN=R3","serial":"04:3A","fingerprint":"aa:bb","sni":"cdn-` + fmt.Sprint(rng.IntN(50)) + `.example.com","version":"TLS 1.2","ja3":{"hash":"72a589da586844d7f0818ce684948eea","string":"771,4865-4866,0-23-65281,29-23,0"},"ja4":"t13d1516h2_8daaf6152771_e5627efa2ab1"}`
		case 2:
			extra = `,"http":{"hostname":"update-` + fmt.Sprint(rng.IntN(30)) + `.example.net","url":"/download/setup.exe","http_user_agent":"Mozilla/5.0","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":5120}`
		}
		fmt.Fprintf(&b, `{"timestamp":"2026-12-02T10:%02d:%02d.%06d+0100","flow_id":%d,"in_iface":"eth0","event_type":"alert","src_ip":"%s","src_port":%d,"dest_ip":"10.1.%d.%d","dest_port":%d,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":%d,"signature":"ET SCAN Potential SSH Scan %d","category":"Attempted Information Leak","severity":2}%s}`+"\n",
			i/60%60, i%60, i, rng.Int64N(1<<50), src, 1024+rng.IntN(60000), rng.IntN(16), 1+rng.IntN(254), []int{22, 80, 443, 3389, 5900}[rng.IntN(5)],
			2001000+rng.IntN(400), 1+rng.IntN(20), rng.IntN(400), extra)
	}
	return b.Bytes()
}

// bareEvent is the same fields the ingest reads, for the bare decode.
type bareEvent struct {
	Timestamp string `json:"timestamp"`
	EventType string `json:"event_type"`
	SrcIP     string `json:"src_ip"`
	SrcPort   int    `json:"src_port"`
	DestIP    string `json:"dest_ip"`
	DestPort  int    `json:"dest_port"`
	Proto     string `json:"proto"`
	Alert     *struct {
		SignatureID int64  `json:"signature_id"`
		Signature   string `json:"signature"`
		Category    string `json:"category"`
		Severity    int    `json:"severity"`
	} `json:"alert"`
	HTTP *struct {
		Hostname     string `json:"hostname"`
		URL          string `json:"url"`
		RequestBody  string `json:"http_request_body"`
		ResponseBody string `json:"http_response_body"`
	} `json:"http"`
	TLS *struct {
		SNI string `json:"sni"`
		JA3 *struct {
			Hash string `json:"hash"`
		} `json:"ja3"`
		JA4 string `json:"ja4"`
	} `json:"tls"`
	DNS *struct {
		RRName  string `json:"rrname"`
		Queries []struct {
			RRName string `json:"rrname"`
		} `json:"queries"`
	} `json:"dns"`
	Payload string `json:"payload"`
}

func BenchmarkSensorParse(b *testing.B) {
	const lines = 20000
	data := benchEVE(lines, 1)
	b.Run("bare-goccy", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			for rest := data; len(rest) > 0; {
				j := bytes.IndexByte(rest, '\n')
				var ev bareEvent
				if err := json.Unmarshal(rest[:j], &ev); err != nil {
					b.Fatal(err)
				}
				rest = rest[j+1:]
			}
		}
		b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
	})
	p, _ := sensor.NewPseudonymiser(bytes.Repeat([]byte{3}, 32), nil)
	// Both sides in turn in one loop, a chunk of 2,000 lines at a time (about 10 ms each on an idle
	// core) and in alternating order, so that the load of a shared machine falls on both alike.
	chunks := splitLines(data, 2000)
	bareDecode := func(chunk []byte) {
		for rest := chunk; len(rest) > 0; {
			j := bytes.IndexByte(rest, '\n')
			var ev bareEvent
			if err := json.Unmarshal(rest[:j], &ev); err != nil {
				b.Fatal(err)
			}
			rest = rest[j+1:]
		}
	}
	ingest := func(chunk []byte) {
		res, err := sensor.Parse(chunk, sensor.DefaultLimits, sensor.Options{Pseudo: p})
		if err != nil || res.Rejected != 0 {
			b.Fatalf("%v %+v", err, res.Errors)
		}
		_ = sensor.Sightings(1, res.Alerts)
	}
	b.Run("interleaved", func(b *testing.B) {
		var bare, ours time.Duration
		for n := range b.N {
			for k, c := range chunks {
				t0 := time.Now()
				if (n+k)%2 == 0 {
					bareDecode(c)
					t1 := time.Now()
					ingest(c)
					bare, ours = bare+t1.Sub(t0), ours+time.Since(t1)
				} else {
					ingest(c)
					t1 := time.Now()
					bareDecode(c)
					ours, bare = ours+t1.Sub(t0), bare+time.Since(t1)
				}
			}
		}
		b.ReportMetric(float64(lines*b.N)/bare.Seconds(), "bare-lines/s")
		b.ReportMetric(float64(lines*b.N)/ours.Seconds(), "ingest-lines/s")
		b.ReportMetric(100*bare.Seconds()/ours.Seconds(), "%-of-bare")
	})
	b.Run("parse-check-pseudonymise-sightings", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for range b.N {
			res, err := sensor.Parse(data, sensor.DefaultLimits, sensor.Options{Pseudo: p})
			if err != nil || res.Rejected != 0 {
				b.Fatalf("%v %+v", err, res.Errors)
			}
			_ = sensor.Sightings(1, res.Alerts)
		}
		b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
	})
}

// splitLines cuts NDJSON into pieces of n lines (each ending in a newline).
func splitLines(data []byte, n int) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		end, k := 0, 0
		for k < n && end < len(data) {
			end += bytes.IndexByte(data[end:], '\n') + 1
			k++
		}
		out = append(out, data[:end])
		data = data[end:]
	}
	return out
}

func gz(b *testing.B, data []byte) []byte {
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	z.Write(data)
	z.Close()
	return buf.Bytes()
}

func BenchmarkSensorIngest(b *testing.B) {
	const perBatch = 5000
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			s := testserver.Start(b, e, testserver.Options{})
			ctx := context.Background()
			token, hash := auth.NewToken("vs_")
			sn, err := s.Store.CreateSensor(ctx, vaern.System("bench"), vaern.Sensor{OrgID: s.Fix.A.ID, Name: "bench"}, hash)
			if err != nil {
				b.Fatal(err)
			}
			// Alerts only, so that rows = lines on both sides.
			var lines bytes.Buffer
			for _, l := range bytes.Split(bytes.TrimSpace(benchEVE(perBatch*10/9+10, 2)), []byte("\n")) {
				if bytes.Contains(l, []byte(`"event_type":"alert"`)) && lines.Len() < 1<<30 {
					lines.Write(l)
					lines.WriteByte('\n')
				}
			}
			body := bytes.Join(bytes.SplitN(lines.Bytes(), []byte("\n"), perBatch+1)[:perBatch], []byte("\n"))
			zbody := gz(b, body)
			p, _ := sensor.NewPseudonymiser(bytes.Repeat([]byte{3}, 32), nil)
			res, err := sensor.Parse(body, sensor.DefaultLimits, sensor.Options{Pseudo: p})
			if err != nil || len(res.Alerts) != perBatch {
				b.Fatalf("%v: %d alerts", err, len(res.Alerts))
			}
			// The bare baseline writes the rows the ingest writes: the alert rows and the batch's
			// sighting rows (as sensor.Sightings derives them), into the same tables with the same
			// indexes, plainly (COPY / multi-row INSERT), one transaction a batch. Its sightings are
			// moved back by one hour a round so that they are new rows (no conflict to resolve),
			// while the ingest upserts the same sightings again every round.
			ib := store.IngestBatch{OrgID: s.Fix.A.ID, SensorID: sn.ID, BatchID: "bare"}
			alertRows := make([][]any, len(res.Alerts))
			for i := range res.Alerts {
				alertRows[i] = store.SensorAlertRow(&ib, &res.Alerts[i])
			}
			sightings := sensor.Sightings(s.Fix.A.ID, res.Alerts)
			sightRows := make([][]any, len(sightings))
			bareRound := 0
			bare := func() {
				bareRound++
				for i := range sightings {
					g := sightings[i]
					g.Hour = g.Hour.Add(-time.Duration(bareRound) * time.Hour)
					sightRows[i] = store.SensorSightingRow(&g)
				}
				if err := s.Store.IngestBare(ctx, alertRows, sightRows); err != nil {
					b.Fatal(err)
				}
			}
			client := &http.Client{}
			batch := 0
			post := func() {
				batch++
				req, _ := http.NewRequest("POST", s.URL+"/api/v1/sensor/alerts", bytes.NewReader(zbody))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Encoding", "gzip")
				req.Header.Set("Idempotency-Key", fmt.Sprint("b", batch))
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				msg, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var ans struct{ Accepted int }
				json.Unmarshal(msg, &ans)
				if resp.StatusCode != 200 || ans.Accepted != perBatch {
					b.Fatalf("%d %s", resp.StatusCode, msg)
				}
			}
			b.Logf("%d alerts and %d sightings a batch", perBatch, len(sightings))
			// The alerts alone: the baseline (a bare COPY of the alert rows into the same
			// tables), the primary one. The bare write of the alerts and the sightings is reported
			// beside it.
			bareAlerts := func() {
				if err := s.Store.IngestBare(ctx, alertRows, nil); err != nil {
					b.Fatal(err)
				}
			}
			// All three in turn in one loop, in rotating order, so that the load of a shared machine
			// falls on each alike. The ingest leaves its sightings pending; the store merges them in
			// the background while the loop runs (its cost falls on all three), and what is still
			// pending at the end is merged before the clock stops: the merges' own time is reported
			// and charged to the ingest in the "with merge" ratio.
			b.Run("interleaved", func(b *testing.B) {
				var spent [3]time.Duration // bare alerts only, ingest, bare (alerts and sightings)
				steps := [3]func(){bareAlerts, post, bare}
				mb0, ms0 := s.Store.SightingMergeStats()
				for n := range b.N {
					for k := range 3 {
						i := (n + k) % 3
						t0 := time.Now()
						steps[i]()
						spent[i] += time.Since(t0)
					}
				}
				if _, err := s.Store.MergePendingSightings(ctx); err != nil {
					b.Fatal(err)
				}
				mb1, ms1 := s.Store.SightingMergeStats()
				ta, th, tb := spent[0], spent[1], spent[2]
				merge := ms1 - ms0
				b.ReportMetric(float64(perBatch*b.N)/ta.Seconds(), "bare-alerts-rows/s")
				b.ReportMetric(float64(perBatch*b.N)/th.Seconds(), "ingest-rows/s")
				b.ReportMetric(100*ta.Seconds()/th.Seconds(), "%-of-bare-alerts")
				b.ReportMetric(100*ta.Seconds()/(th+merge).Seconds(), "%-of-bare-alerts-with-merge")
				b.ReportMetric(100*tb.Seconds()/th.Seconds(), "%-of-bare-alerts+sightings")
				b.ReportMetric(float64(mb1-mb0), "batches-merged")
				b.ReportMetric(float64(merge.Milliseconds())/float64(b.N), "merge-ms/batch")
			})
		})
	}
}
