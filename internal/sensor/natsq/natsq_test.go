package natsq

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

const natsURL = "nats://127.0.0.1:4222"

// openTestQueue opens a queue on a stream, subject and durable consumer of the test's own, removed
// when the test ends; the test is skipped when no NATS server answers on 127.0.0.1:4222.
func openTestQueue(t *testing.T, name string, ackWait time.Duration) *Queue {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:4222", time.Second)
	if err != nil {
		t.Skip("NATS is not reachable on 127.0.0.1:4222 (start nats-server -js, as .ci/run does): the JetStream queue test is skipped")
	}
	c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q, err := Open(ctx, natsURL, Options{Stream: name, Subject: strings.ToLower(strings.ReplaceAll(name, "_", ".")), Durable: "ingest",
		ChunkAlerts: 2, AckWait: ackWait})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// recordingSink writes to the store and records what each call was given and answered.
type recordingSink struct {
	st *store.Store
	// before, when set, runs before the write of a batch id; after, after a committed write.
	// Either may fail the call.
	before, after func(batchID string) error

	mu         sync.Mutex
	deliveries map[string]int
	duplicates map[string]int
}

func (s *recordingSink) Ingest(ctx context.Context, b store.IngestBatch) (store.IngestResult, error) {
	if s.before != nil {
		if err := s.before(b.BatchID); err != nil {
			return store.IngestResult{}, err
		}
	}
	res, err := s.st.Ingest(ctx, b)
	s.mu.Lock()
	s.deliveries[b.BatchID]++
	if err == nil && res.Duplicate {
		s.duplicates[b.BatchID]++
	}
	s.mu.Unlock()
	if err == nil && s.after != nil {
		err = s.after(b.BatchID)
	}
	return res, err
}

func (s *recordingSink) seen(id string) (deliveries, duplicates int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliveries[id], s.duplicates[id]
}

// TestQueueAtLeastOnceCountedOnce: a batch published through JetStream reaches the store through
// the durable consumer shared by two nodes. Node A writes a chunk and dies before its ack (its
// connection closes after the commit): JetStream delivers that chunk again, to node B, whose
// write finds the batch id and stores nothing twice. A batch published again with the same id is
// dropped by the stream's duplicate window.
func TestQueueAtLeastOnceCountedOnce(t *testing.T) {
	b := make([]byte, 4)
	rand.Read(b)
	name := "VAERN_UNIT_" + hex.EncodeToString(b)
	qa := openTestQueue(t, name, 2*time.Second)
	t.Cleanup(func() { deleteStream(name) })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	st := storetest.Open(t, store.SQLite)
	sys := vaern.System("natsq-test")
	centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "CENTRE", Name: "Centret", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	sn, err := st.CreateSensor(ctx, sys, vaern.Sensor{OrgID: org.ID, Name: "Rådhus"}, "natsq-token-hash")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-time.Minute).Truncate(time.Millisecond)
	alerts := make([]vaern.SensorAlert, 5) // three messages of at most two alerts: ids b1#0, b1#1, b1#2
	for i := range alerts {
		alerts[i] = vaern.SensorAlert{Time: at.Add(time.Duration(i) * time.Second), SignatureID: 2001219, Signature: "ET SCAN test",
			Proto: "TCP", SrcIP: "198.51.100.7", DestIP: "p:57.3.9.1", DstInternal: true}
	}
	batch := store.IngestBatch{OrgID: org.ID, SensorID: sn.ID, BatchID: "b1", Alerts: alerts, Rejected: 1}

	res, err := qa.Ingest(ctx, batch)
	if err != nil || res.Accepted != 5 || res.Duplicate {
		t.Fatalf("publish: %+v %v", res, err)
	}
	// The shipper retries the same batch (its answer was lost): the stream keeps one copy.
	if res, err := qa.Ingest(ctx, batch); err != nil || !res.Duplicate {
		t.Fatalf("publish again: %+v %v, want a duplicate", res, err)
	}

	// Node A: stores the first chunk it is given, then dies before acknowledging it.
	const victim = "b1#1"
	ctxA, stopA := context.WithCancel(ctx)
	diedAfter := make(chan string, 1)
	sinkA := &recordingSink{st: st, deliveries: map[string]int{}, duplicates: map[string]int{}}
	sinkA.before = func(id string) error {
		if id != victim {
			return errors.New("node A only takes the victim chunk") // Nak: delivered again later
		}
		return nil
	}
	sinkA.after = func(id string) error {
		qa.nc.Close() // the node is gone: no ack, no nak reaches the server
		stopA()
		diedAfter <- id
		return errors.New("node A died after its commit")
	}
	doneA := make(chan struct{})
	go func() { qa.Consume(ctxA, sinkA); close(doneA) }()
	select {
	case id := <-diedAfter:
		if id != victim {
			t.Fatalf("node A died after %s", id)
		}
	case <-ctx.Done():
		t.Fatal("node A never got the victim chunk")
	}
	<-doneA

	// Node B: the same durable consumer; it gets everything, the victim chunk again after the ack
	// wait.
	qb := openTestQueue(t, name, 2*time.Second)
	defer qb.Close()
	sinkB := &recordingSink{st: st, deliveries: map[string]int{}, duplicates: map[string]int{}}
	ctxB, stopB := context.WithCancel(ctx)
	doneB := make(chan struct{})
	go func() { qb.Consume(ctxB, sinkB); close(doneB) }()
	for {
		info, err := qb.cons.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := sinkB.seen(victim); info.NumPending == 0 && info.NumAckPending == 0 && d > 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the stream was not drained: %d pending, %d unacknowledged", info.NumPending, info.NumAckPending)
		case <-time.After(100 * time.Millisecond):
		}
	}
	stopB()
	<-doneB

	if d, dup := sinkB.seen(victim); d != 1 || dup != 1 {
		t.Errorf("node B got %s %d times, %d of them found stored already; want once, as a duplicate", victim, d, dup)
	}
	for _, id := range []string{"b1#0", "b1#2"} {
		if d, dup := sinkB.seen(id); d != 1 || dup != 0 {
			t.Errorf("node B got %s %d times (%d duplicates), want once", id, d, dup)
		}
	}
	page, err := st.SensorAlerts(ctx, org.ID, store.AlertFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Alerts) != 5 {
		t.Errorf("%d alerts stored, want 5: every chunk once", len(page.Alerts))
	}
	g, err := st.SightingsSince(ctx, at.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range g {
		if s.Count != 5 {
			t.Errorf("sighting %s %s counts %d alerts, want 5 (the redelivered chunk counted once)", s.Kind, s.Value, s.Count)
		}
	}
	if len(g) == 0 {
		t.Error("no sightings stored")
	}
	// Nothing is left for a third node.
	left, err := qb.cons.Fetch(16, jetstream.FetchMaxWait(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	for m := range left.Messages() {
		t.Errorf("a message is left on the stream: %d bytes", len(m.Data()))
	}
}

// deleteStream removes a test's stream from the NATS server.
func deleteStream(name string) {
	nc, err := nats.Connect(natsURL, nats.Timeout(2*time.Second))
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
