package crashtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

const alertsPerBatch = 40

// seedSensor makes a database with a member and one sensor, and returns the sensor's token.
func seedSensor(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	st, org := seedMember(t, dsn)
	defer st.Close()
	sys := vaern.System("crashtest")
	token, hash := auth.NewToken("vs_")
	if _, err := st.CreateSensor(ctx, sys, vaern.Sensor{OrgID: org.ID, Name: "Rådhus"}, hash); err != nil {
		t.Fatal(err)
	}
	return token
}

func startNode(t *testing.T, dsn, logPath string, extra ...string) *server {
	t.Helper()
	addr := freePort(t)
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), append([]string{"serve", "--addr", addr, "--database", dsn, "--log-level", "warn"}, extra...)...)
	cmd.Env = append(os.Environ(), "VAERN_SQLITE_FAST=false")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.done:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("the node ended at start (%v):\n%s", err, log)
		default:
		}
		if time.Now().After(deadline) {
			s.kill()
			t.Fatal("the node did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func batchBody(id int) []byte {
	var b bytes.Buffer
	for i := range alertsPerBatch {
		fmt.Fprintf(&b, `{"timestamp":"2026-12-02T10:%02d:%02d.%06d+0100","event_type":"alert","src_ip":"10.1.%d.%d","src_port":%d,"dest_ip":"198.51.100.%d","dest_port":443,"proto":"TCP","alert":{"signature_id":%d,"signature":"ET test","category":"test","severity":2}}`+"\n",
			id%60, i%60, id, id%250, i+1, 40000+i, i%250+1, 2000000+id)
	}
	return b.Bytes()
}

// ingestUnderKills posts batches from several clients while nodes are killed with SIGKILL and
// started again; each batch is sent until some node acknowledges it (as the shipper does, with
// the same batch id). At the end every acknowledged batch must be stored exactly once.
func ingestUnderKills(t *testing.T, dsn, token string, nodes int, extra ...string) {
	dir := t.TempDir()
	var mu sync.Mutex
	live := make([]*server, nodes)
	for i := range live {
		live[i] = startNode(t, dsn, filepath.Join(dir, fmt.Sprintf("node%d.log", i)), extra...)
	}
	defer func() {
		for _, s := range live {
			if s != nil {
				s.kill()
			}
		}
	}()
	const batches = 30
	var next, acked atomic.Int64
	client := &http.Client{Timeout: 20 * time.Second}
	post := func(id int) bool {
		mu.Lock()
		s := live[id%nodes]
		if s == nil {
			for _, o := range live {
				if o != nil {
					s = o
				}
			}
		}
		mu.Unlock()
		if s == nil {
			return false
		}
		req, _ := http.NewRequest("POST", s.base+"/api/v1/sensor/alerts", bytes.NewReader(batchBody(id)))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("batch-%d", id))
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var a struct{ Accepted int }
		json.NewDecoder(resp.Body).Decode(&a)
		return resp.StatusCode == 200 && a.Accepted == alertsPerBatch
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id := int(next.Add(1))
				if id > batches {
					return
				}
				deadline := time.Now().Add(60 * time.Second)
				for !post(id) {
					if time.Now().After(deadline) {
						t.Errorf("batch %d was never acknowledged", id)
						return
					}
					time.Sleep(30 * time.Millisecond)
				}
				acked.Add(1)
			}
		}()
	}
	// Kill a node in the middle of the stream, and start it again while the others go on.
	for acked.Load() < batches/3 {
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	victim := live[0]
	live[0] = nil
	mu.Unlock()
	victim.kill()
	if nodes > 1 {
		for acked.Load() < batches/2 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	restarted := startNode(t, dsn, filepath.Join(dir, "node0-again.log"), extra...)
	mu.Lock()
	live[0] = restarted
	mu.Unlock()
	wg.Wait()
	if acked.Load() != batches {
		t.Fatalf("%d of %d batches acknowledged", acked.Load(), batches)
	}
	// Every acknowledged batch is stored once (with NATS, once the consumers have caught up).
	driver := "sqlite"
	if strings.HasPrefix(dsn, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var alerts, distinct, batchRows int64
	deadline := time.Now().Add(60 * time.Second)
	for {
		db.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(DISTINCT batch_id) FROM sensor_alerts").Scan(&alerts, &distinct)
		db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sensor_batches").Scan(&batchRows)
		if alerts >= batches*alertsPerBatch || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if alerts != batches*alertsPerBatch || distinct != batches || batchRows != batches {
		t.Errorf("stored %d alerts in %d batches (%d batch rows), want %d in %d: acknowledged batches lost or counted twice",
			alerts, distinct, batchRows, batches*alertsPerBatch, batches)
	}
	// Every batch's sightings are merged exactly once: the nodes merged in the background while
	// they were killed, and what a killed node left pending is merged now.
	var pending int64
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sensor_batches WHERE sightings IS NOT NULL").Scan(&pending)
	st, err := store.Open(ctx, dsn, wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.MergePendingSightings(ctx); err != nil {
		t.Fatal(err)
	}
	var signatures, left int64
	db.QueryRowContext(ctx, "SELECT COALESCE(SUM(count), 0) FROM sensor_sightings WHERE kind = 'signature'").Scan(&signatures)
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sensor_batches WHERE sightings IS NOT NULL").Scan(&left)
	t.Logf("%d batches were still pending after the kills; merged now", pending)
	if signatures != batches*alertsPerBatch || left != 0 {
		t.Errorf("the signature sightings count %d alerts with %d batches pending, want %d and none: sightings lost or merged twice",
			signatures, left, batches*alertsPerBatch)
	}
}

// TestSensorIngestSIGKILL: without NATS, a node killed in the middle of the stream loses no
// acknowledged batch and counts none twice (SQLite).
func TestSensorIngestSIGKILL(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	token := seedSensor(t, dsn)
	ingestUnderKills(t, dsn, token, 1)
}

// TestSensorIngestNATS: two app nodes share a JetStream stream and its durable consumer on
// PostgreSQL; one is killed in the middle of the stream and started again. Nothing acknowledged
// is lost, nothing is counted twice. Needs NATS JetStream on 127.0.0.1:4222.
func TestSensorIngestNATS(t *testing.T) {
	c, err := net.DialTimeout("tcp", "127.0.0.1:4222", time.Second)
	if err != nil {
		t.Skip("NATS is not reachable on 127.0.0.1:4222: the JetStream ingest test is skipped")
	}
	c.Close()
	dsn := storetest.DSN(t, store.Postgres)
	token := seedSensor(t, dsn)
	b := make([]byte, 4)
	rand.Read(b)
	stream := "VAERN_TEST_" + hex.EncodeToString(b)
	t.Cleanup(func() { deleteStream(stream) })
	ingestUnderKills(t, dsn, token, 2, "--nats", "nats://127.0.0.1:4222", "--nats-stream", stream)
}

// deleteStream removes a test's stream from the NATS server.
func deleteStream(name string) {
	nc, err := nats.Connect("nats://127.0.0.1:4222", nats.Timeout(2*time.Second))
	if err != nil {
		return
	}
	defer nc.Close()
	if js, err := jetstream.New(nc); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		js.DeleteStream(ctx, name)
	}
}
