// Package natsq puts NATS JetStream between the sensors' ingest and the store, so that several
// app nodes share the load and a node that dies loses nothing: the HTTP request is answered only
// after JetStream acknowledged the publish (the batch is then on the stream's disk), and every app
// node pulls from one durable consumer, writes the batch to the store (idempotently, by its
// batch id) and only then acknowledges the message. A node that dies before its ack leaves the
// message to be redelivered to another node (or to itself after a restart); a redelivered batch
// whose write had committed is found by its batch id and counted once.
package natsq

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	json "github.com/goccy/go-json"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/store"
)

// Options name the stream, its subject and the consumer (defaults: VAERN_SENSOR_ALERTS,
// vaern.sensor.alerts, vaern-ingest). Tests use their own names.
type Options struct {
	Stream, Subject, Durable string
	// ChunkAlerts bounds the alerts in one message (default 2000), below JetStream's 1 MB payload.
	ChunkAlerts int
	// AckWait is how long a node may take to write a message before it is redelivered (30 s).
	AckWait time.Duration
	Log     *slog.Logger
}

// Queue is one app node's connection to the stream.
type Queue struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	cons jetstream.Consumer
	opt  Options
}

// Open connects to the NATS server at url and makes sure the stream and the durable consumer exist.
func Open(ctx context.Context, url string, opt Options) (*Queue, error) {
	if opt.Stream == "" {
		opt.Stream = "VAERN_SENSOR_ALERTS"
	}
	if opt.Subject == "" {
		opt.Subject = "vaern.sensor.alerts"
	}
	if opt.Durable == "" {
		opt.Durable = "vaern-ingest"
	}
	if opt.ChunkAlerts <= 0 {
		opt.ChunkAlerts = 2000
	}
	if opt.AckWait <= 0 {
		opt.AckWait = 30 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	nc, err := nats.Connect(url, nats.Name("vaern"), nats.MaxReconnects(-1), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, fmt.Errorf("nats: connect %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: opt.Stream, Subjects: []string{opt.Subject},
		Storage: jetstream.FileStorage, Retention: jetstream.WorkQueuePolicy, Duplicates: 10 * time.Minute})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats: stream %s: %w", opt.Stream, err)
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, opt.Stream, jetstream.ConsumerConfig{Durable: opt.Durable,
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: opt.AckWait, MaxDeliver: -1, MaxAckPending: 64})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats: consumer %s: %w", opt.Durable, err)
	}
	return &Queue{nc: nc, js: js, cons: cons, opt: opt}, nil
}

// Close ends the connection.
func (q *Queue) Close() { q.nc.Close() }

// message is one chunk of a batch on the stream.
type message struct {
	OrgID    int64               `json:"org_id"`
	SensorID int64               `json:"sensor_id"`
	BatchID  string              `json:"batch_id"`
	Rejected int                 `json:"rejected"`
	Alerts   []vaern.SensorAlert `json:"alerts"`
}

// Ingest publishes the batch (in chunks of ChunkAlerts alerts, each its own batch id
// "ID#k") and returns once JetStream acknowledged every chunk: the batch is then durable. The
// sightings are derived again by the consumer from the chunk's alerts.
func (q *Queue) Ingest(ctx context.Context, b store.IngestBatch) (store.IngestResult, error) {
	res := store.IngestResult{Accepted: len(b.Alerts), Rejected: b.Rejected}
	n := max(1, (len(b.Alerts)+q.opt.ChunkAlerts-1)/q.opt.ChunkAlerts)
	dups := 0
	for k := 0; k < n; k++ {
		lo, hi := k*q.opt.ChunkAlerts, min(len(b.Alerts), (k+1)*q.opt.ChunkAlerts)
		m := message{OrgID: b.OrgID, SensorID: b.SensorID, BatchID: b.BatchID, Alerts: b.Alerts[lo:hi]}
		if n > 1 {
			m.BatchID += "#" + strconv.Itoa(k)
		}
		if k == 0 {
			m.Rejected = b.Rejected
		}
		data, err := encode(m)
		if err != nil {
			return res, err
		}
		ack, err := q.js.Publish(ctx, q.opt.Subject, data, jetstream.WithMsgID(strconv.FormatInt(b.SensorID, 10)+"/"+m.BatchID))
		if err != nil {
			return res, fmt.Errorf("%w: nats publish: %v", sensor.ErrQueue, err)
		}
		if ack.Duplicate {
			dups++
		}
	}
	res.Duplicate = dups == n
	return res, nil
}

func encode(m message) ([]byte, error) {
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	if err := json.NewEncoder(z).Encode(m); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decode(data []byte) (message, error) {
	var m message
	z, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return m, err
	}
	raw, err := io.ReadAll(io.LimitReader(z, 256<<20))
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(raw, &m)
	return m, err
}

// Consume pulls batches from the durable consumer and writes them with sink until ctx ends.
// Each message is acknowledged only after its write committed; a failed write is retried later.
func (q *Queue) Consume(ctx context.Context, sink sensor.Sink) error {
	for ctx.Err() == nil {
		batch, err := q.cons.Fetch(16, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			q.opt.Log.Warn("nats: fetch", "err", err)
			sleep(ctx, time.Second)
			continue
		}
		for msg := range batch.Messages() {
			m, err := decode(msg.Data())
			if err != nil {
				q.opt.Log.Error("nats: an unreadable message is dropped", "err", err)
				msg.Term()
				continue
			}
			b := store.IngestBatch{OrgID: m.OrgID, SensorID: m.SensorID, BatchID: m.BatchID, Alerts: m.Alerts, Rejected: m.Rejected,
				Sightings: sensor.Sightings(m.OrgID, m.Alerts)}
			if _, err := sink.Ingest(ctx, b); err != nil {
				if errors.Is(err, store.ErrSensorRevoked) {
					// Revoked between the publish and this write: the revocation wins.
					q.opt.Log.Warn("nats: a batch of a sensor revoked since is dropped", "sensor", m.SensorID, "batch", m.BatchID)
					msg.Term()
					continue
				}
				q.opt.Log.Warn("nats: store a batch (it is delivered again)", "batch", m.BatchID, "err", err)
				msg.NakWithDelay(2 * time.Second)
				continue
			}
			if err := msg.DoubleAck(ctx); err != nil {
				q.opt.Log.Warn("nats: ack (the batch may be delivered again and is then counted once)", "err", err)
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil {
			q.opt.Log.Warn("nats: fetch", "err", err)
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
