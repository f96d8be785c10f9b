package sensor

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// Store is what ingest reads and writes; *store.Store satisfies it.
type Store interface {
	SensorByToken(ctx context.Context, tokenHash string) (vaern.Sensor, error)
	SensorSettingsOf(ctx context.Context, orgID int64) (store.SensorSettings, error)
}

// Sink takes a parsed batch: the store itself (ingest writes directly) or a queue in front of it
// (NATS JetStream, internal/sensor/natsq). It returns only once the batch is durable.
type Sink interface {
	Ingest(ctx context.Context, b store.IngestBatch) (store.IngestResult, error)
}

// Errors of a batch, for the HTTP answer.
var (
	ErrBadToken = errors.New("the sensor token is unknown or revoked")
	ErrRate     = errors.New("too many batches from this sensor")
	// ErrQueue is a queue in front of the store (NATS) that did not take the batch: try again.
	ErrQueue = errors.New("the ingest queue is unavailable")
)

// RateError is ErrRate with the time to wait.
type RateError struct{ Wait time.Duration }

func (e *RateError) Error() string {
	return fmt.Sprintf("%v: at most the stated rate; try again in %s", ErrRate, e.Wait.Round(time.Second))
}
func (e *RateError) Is(t error) bool { return t == ErrRate }

// Answer is the answer to one batch.
type Answer struct {
	BatchID   string         `json:"batch_id"`
	Accepted  int            `json:"accepted"`
	Rejected  int            `json:"rejected"`
	Duplicate bool           `json:"duplicate"`
	Other     map[string]int `json:"other"`
	Errors    []LineError    `json:"errors"`
}

// Ingester runs a batch through the steps: the sensor by its token, the per-sensor rate, the
// member's settings, parse and pseudonymise, sightings, and the sink.
type Ingester struct {
	St     Store
	Sink   Sink
	Limits Limits
	Rate   *Limiter
	Hash   func(token string) string
	Now    func() time.Time

	mu     sync.Mutex
	pseudo map[int64]pseudoEntry // per member, rebuilt when the settings change
	stamps map[int64]int64       // per member, the newest settings stamp an authentication read
}

// ingestLookup is a store that finds a sensor and its member's settings stamp in one query
// (*store.Store does): an ingest whose pseudonymiser is of that stamp then reads no settings.
type ingestLookup interface {
	SensorForIngest(ctx context.Context, tokenHash string) (vaern.Sensor, int64, error)
}

type pseudoEntry struct {
	stamp   int64 // the settings' updated_at in Unix milliseconds
	updated time.Time
	ranges  string
	p       *Pseudonymiser
	payload bool
}

// Authenticate finds the active sensor of a token and takes one from its rate.
func (in *Ingester) Authenticate(ctx context.Context, token string) (vaern.Sensor, error) {
	if token == "" {
		return vaern.Sensor{}, ErrBadToken
	}
	var sn vaern.Sensor
	var err error
	if l, ok := in.St.(ingestLookup); ok {
		var stamp int64
		if sn, stamp, err = l.SensorForIngest(ctx, in.Hash(token)); err == nil {
			in.mu.Lock()
			if old, seen := in.stamps[sn.OrgID]; !seen || stamp > old {
				if in.stamps == nil {
					in.stamps = map[int64]int64{}
				}
				in.stamps[sn.OrgID] = stamp
			}
			in.mu.Unlock()
		}
	} else {
		sn, err = in.St.SensorByToken(ctx, in.Hash(token))
	}
	if errors.Is(err, vaern.ErrNotFound) {
		return sn, ErrBadToken
	}
	if err != nil {
		return sn, err
	}
	now := time.Now()
	if in.Now != nil {
		now = in.Now()
	}
	if ok, wait := in.Rate.Allow(sn.ID, now); !ok {
		return sn, &RateError{Wait: max(wait, time.Second)}
	}
	return sn, nil
}

// Ingest reads one batch of the sensor. An empty batch id gets a random one (that batch then has
// no protection against being counted twice when retried).
func (in *Ingester) Ingest(ctx context.Context, sn vaern.Sensor, batchID string, body []byte) (Answer, error) {
	if batchID == "" {
		b := make([]byte, 12)
		rand.Read(b)
		batchID = "auto-" + hex.EncodeToString(b)
	}
	if len(batchID) > 200 || bytes.ContainsAny([]byte(batchID), "\x00\r\n") {
		return Answer{}, vaern.Invalid("batch_id", "must be at most 200 characters on one line")
	}
	p, keep, err := in.pseudonymiser(ctx, sn.OrgID)
	if err != nil {
		return Answer{}, err
	}
	res, err := Parse(body, in.Limits, Options{Pseudo: p, KeepPayload: keep})
	if err != nil {
		return Answer{}, err
	}
	b := store.IngestBatch{OrgID: sn.OrgID, SensorID: sn.ID, BatchID: batchID, Alerts: res.Alerts, Rejected: res.Rejected,
		Sightings: Sightings(sn.OrgID, res.Alerts)}
	r, err := in.Sink.Ingest(ctx, b)
	if err != nil {
		if errors.Is(err, store.ErrSensorRevoked) {
			return Answer{}, ErrBadToken
		}
		return Answer{}, err
	}
	ans := Answer{BatchID: batchID, Accepted: r.Accepted, Rejected: r.Rejected, Duplicate: r.Duplicate, Other: res.Other, Errors: res.Errors}
	if ans.Other == nil {
		ans.Other = map[string]int{}
	}
	if ans.Errors == nil {
		ans.Errors = []LineError{}
	}
	return ans, nil
}

// pseudonymiser returns the member's server-side pseudonymiser (the second line: the shipper
// already replaced what it knew with the member's own key).
func (in *Ingester) pseudonymiser(ctx context.Context, orgID int64) (*Pseudonymiser, bool, error) {
	// Settings saved since never have the stamp the authentication just read (it only grows).
	in.mu.Lock()
	if e, ok := in.pseudo[orgID]; ok && e.stamp >= 0 && e.stamp == in.stamps[orgID] {
		in.mu.Unlock()
		return e.p, e.payload, nil
	}
	in.mu.Unlock()
	st, err := in.St.SensorSettingsOf(ctx, orgID)
	if err != nil {
		return nil, false, err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if e, ok := in.pseudo[orgID]; ok && e.updated.Equal(st.UpdatedAt) && e.ranges == st.Ranges {
		return e.p, e.payload, nil
	}
	ranges, err := ParseRanges(st.Ranges)
	if err != nil {
		return nil, false, fmt.Errorf("the member's ranges: %w", err)
	}
	p, err := NewPseudonymiser(st.Key, ranges)
	if err != nil {
		return nil, false, err
	}
	if in.pseudo == nil {
		in.pseudo = map[int64]pseudoEntry{}
	}
	stamp := int64(0) // the settings' updated_at as the stamp of SensorForIngest
	if !st.UpdatedAt.IsZero() {
		stamp = st.UpdatedAt.UnixMilli()
	}
	in.pseudo[orgID] = pseudoEntry{stamp: stamp, updated: st.UpdatedAt, ranges: st.Ranges, p: p, payload: st.KeepPayload}
	return p, st.KeepPayload, nil
}
