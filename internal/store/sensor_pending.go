package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vaern/vaern"
)

// Pending sightings. An ingest derives its batch's hourly sightings but does not upsert them into
// sensor_sightings: it keeps them, compactly encoded, in the batch's row of sensor_batches, in the
// transaction that stores the alerts (so they are as durable as the alerts and the batch id). A
// merge later folds the pending batches' sightings together (a sensor's batches of one hour share
// most of theirs), upserts them once, and clears the batches' column in the same transaction: a
// batch is merged exactly once, whether the process dies before, during or after the merge.
//
// The merge runs shortly after an ingest (in the background, on every node: batches are claimed
// with SKIP LOCKED on PostgreSQL), periodically as a job (batches left by a node that died), and
// first thing in every reader of sensor_sightings that must be fresh: correlation
// (SightingsSince), the centre's views and retention.

// pendingMergeBatches bounds how many batches one merge transaction takes.
const pendingMergeBatches = 32

// sightingMergeDelay is how long the background merge waits after an ingest before it merges, so
// that the batches arriving meanwhile share one merge.
const sightingMergeDelay = 5 * time.Second

// sightingMerger is the store's background merge: started by the first ingest, stopped by Close.
type sightingMerger struct {
	once    sync.Once
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	stopped sync.Once

	delay   atomic.Int64 // nanoseconds; 0: sightingMergeDelay
	batches atomic.Int64 // batches merged by this store (any caller)
	spent   atomic.Int64 // nanoseconds spent merging
}

// kickMerge tells the background merge that a batch is pending.
func (s *Store) kickMerge() {
	m := &s.merger
	m.once.Do(func() {
		m.kick, m.stop, m.done = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go s.mergeLoop()
	})
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

func (s *Store) mergeLoop() {
	m := &s.merger
	defer close(m.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-m.stop; cancel() }()
	for {
		select {
		case <-m.stop:
			return
		case <-m.kick:
		}
		select {
		case <-m.stop:
			return
		case <-time.After(s.mergeDelay()):
		}
		// An error leaves the batches pending: the next kick, the periodic job or a reader merges
		// them.
		_, _ = s.MergePendingSightings(ctx)
	}
}

func (s *Store) mergeDelay() time.Duration {
	if d := s.merger.delay.Load(); d > 0 {
		return time.Duration(d)
	}
	return sightingMergeDelay
}

// SetSightingMergeDelay sets how long the background merge waits after an ingest (tests that
// watch batches pending set it long).
func (s *Store) SetSightingMergeDelay(d time.Duration) { s.merger.delay.Store(int64(d)) }

// stopMerger ends the background merge (Close) and waits for it.
func (s *Store) stopMerger() {
	m := &s.merger
	m.stopped.Do(func() {
		m.once.Do(func() {}) // no background merge starts after this
		if m.stop != nil {
			close(m.stop)
			<-m.done
		}
	})
}

// SightingMergeStats says how many batches this store merged and the time the merges took
// (benchmarks).
func (s *Store) SightingMergeStats() (batches int64, spent time.Duration) {
	return s.merger.batches.Load(), time.Duration(s.merger.spent.Load())
}

// MergePendingSightings merges every pending batch's sightings into sensor_sightings, a few
// batches a transaction, and returns how many batches it merged. Batches another node is merging
// at the moment are left to it (PostgreSQL).
func (s *Store) MergePendingSightings(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.mergePendingOnce(ctx)
		total += n
		if err != nil || n < pendingMergeBatches {
			return total, err
		}
	}
}

// freshSightings merges the pending sightings before a reader that shows them.
func (s *Store) freshSightings(ctx context.Context) error {
	if _, err := s.MergePendingSightings(ctx); err != nil {
		return fmt.Errorf("merge pending sightings: %w", err)
	}
	return nil
}

type pendingBatch struct {
	sensorID int64
	batchID  string
	data     []byte
}

func (s *Store) mergePendingOnce(ctx context.Context) (int, error) {
	t0 := time.Now()
	var merged int
	const pick = `SELECT sensor_id, batch_id, sightings FROM sensor_batches WHERE sightings IS NOT NULL ORDER BY received_at LIMIT `
	scan := func(rows *sql.Rows, err error) ([]pendingBatch, error) {
		return collect(rows, err, func(r scanner) (pendingBatch, error) {
			var p pendingBatch
			return p, r.Scan(&p.sensorID, &p.batchID, &p.data)
		})
	}
	var err error
	if s.engine == Postgres {
		err = s.writeOnConn(ctx, func(tx *Tx, conn *sql.Conn) error {
			list, err := scan(tx.query(ctx, fmt.Sprintf("%s%d FOR UPDATE SKIP LOCKED", pick, pendingMergeBatches)))
			if err != nil || len(list) == 0 {
				return err
			}
			sightings, err := foldPending(list)
			if err != nil {
				return err
			}
			sensors, ids := make([]int64, len(list)), make([]string, len(list))
			for i, p := range list {
				sensors[i], ids[i] = p.sensorID, p.batchID
			}
			err = onPgx(conn, func(pc *pgx.Conn) error {
				if err := upsertSightingsPg(ctx, pc, sightings); err != nil {
					return err
				}
				_, err := pc.Exec(ctx, `UPDATE sensor_batches b SET sightings = NULL FROM unnest($1::bigint[], $2::text[]) AS u(sensor_id, batch_id)
					WHERE b.sensor_id = u.sensor_id AND b.batch_id = u.batch_id`, sensors, ids)
				return err
			})
			merged = len(list)
			return err
		})
	} else {
		err = s.Write(ctx, func(tx *Tx) error {
			merged = 0
			list, err := scan(tx.query(ctx, fmt.Sprintf("%s%d", pick, pendingMergeBatches)))
			if err != nil || len(list) == 0 {
				return err
			}
			sightings, err := foldPending(list)
			if err != nil {
				return err
			}
			if err := tx.execRows(ctx, sightingUpsert, len(sightings), func(args []any, i int) []any {
				return appendSightingRow(args, &sightings[i])
			}); err != nil {
				return fmt.Errorf("add sightings: %w", err)
			}
			for _, p := range list {
				if _, err := tx.exec(ctx, "UPDATE sensor_batches SET sightings = NULL WHERE sensor_id = ? AND batch_id = ?", p.sensorID, p.batchID); err != nil {
					return err
				}
			}
			merged = len(list)
			return nil
		})
	}
	if err != nil {
		return 0, err
	}
	if merged > 0 {
		s.merger.batches.Add(int64(merged))
		s.merger.spent.Add(int64(time.Since(t0)))
	}
	return merged, nil
}

// foldPending decodes the batches' sightings and folds them into one list with each (kind,
// value, org, hour) once, as the upsert would fold them.
func foldPending(list []pendingBatch) ([]vaern.Sighting, error) {
	var all []vaern.Sighting
	for _, p := range list {
		var err error
		if all, err = decodeSightings(all, p.data); err != nil {
			return nil, fmt.Errorf("pending sightings of batch %q of sensor %d: %w", p.batchID, p.sensorID, err)
		}
	}
	return mergeSightings(all)
}

// The encoding of a batch's sightings: a version byte, the number of sightings, a table of the
// kinds and signatures (each written once), then per sighting the kind and signature as table
// indices, the value, the organisation, the hour, first and last seen relative to the hour, the
// count and the signature id, integers as varints.
const pendingVersion = 1

// encodeSightings appends list's encoding to dst.
func encodeSightings(dst []byte, list []vaern.Sighting) []byte {
	dst = append(dst, pendingVersion)
	dst = binary.AppendUvarint(dst, uint64(len(list)))
	index := map[string]uint64{}
	var table []string
	ref := func(s string) uint64 {
		i, ok := index[s]
		if !ok {
			i = uint64(len(table))
			index[s] = i
			table = append(table, s)
		}
		return i
	}
	refs := make([]uint64, 2*len(list))
	for i := range list {
		refs[2*i], refs[2*i+1] = ref(list[i].Kind), ref(list[i].Signature)
	}
	dst = binary.AppendUvarint(dst, uint64(len(table)))
	for _, s := range table {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	for i := range list {
		g := &list[i]
		hour := ms(g.Hour.UTC().Truncate(time.Hour))
		first := ms(g.FirstSeen)
		dst = binary.AppendUvarint(dst, refs[2*i])
		dst = binary.AppendUvarint(dst, refs[2*i+1])
		dst = binary.AppendUvarint(dst, uint64(len(g.Value)))
		dst = append(dst, g.Value...)
		dst = binary.AppendVarint(dst, g.OrgID)
		dst = binary.AppendVarint(dst, hour)
		dst = binary.AppendVarint(dst, first-hour)
		dst = binary.AppendVarint(dst, ms(g.LastSeen)-first)
		dst = binary.AppendVarint(dst, max(g.Count, 1))
		dst = binary.AppendVarint(dst, g.SignatureID)
	}
	return dst
}

var errPendingCorrupt = errors.New("the encoding is cut short or damaged")

// decodeSightings appends the sightings encoded in data to dst.
func decodeSightings(dst []vaern.Sighting, data []byte) ([]vaern.Sighting, error) {
	if len(data) == 0 || data[0] != pendingVersion {
		return nil, fmt.Errorf("unknown encoding version")
	}
	p := data[1:]
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			bad = true
			return 0
		}
		p = p[n:]
		return v
	}
	sv := func() int64 {
		v, n := binary.Varint(p)
		if n <= 0 {
			bad = true
			return 0
		}
		p = p[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(p)) {
			bad = true
			return ""
		}
		s := string(p[:n])
		p = p[n:]
		return s
	}
	count := uv()
	tn := uv()
	if bad || tn > uint64(len(p)) || count > uint64(len(p)) {
		return nil, errPendingCorrupt
	}
	table := make([]string, tn)
	for i := range table {
		table[i] = str()
	}
	at := func(i uint64) string {
		if i >= uint64(len(table)) {
			bad = true
			return ""
		}
		return table[i]
	}
	dst = append(dst, make([]vaern.Sighting, count)...)
	out := dst[len(dst)-int(count):]
	for i := range out {
		g := &out[i]
		g.Kind = at(uv())
		g.Signature = at(uv())
		g.Value = str()
		g.OrgID = sv()
		hour := sv()
		first := hour + sv()
		last := first + sv()
		g.Count = sv()
		g.SignatureID = sv()
		g.Hour, g.FirstSeen, g.LastSeen = fromMS(hour), fromMS(first), fromMS(last)
		if bad {
			return nil, errPendingCorrupt
		}
	}
	if len(p) != 0 {
		return nil, errPendingCorrupt
	}
	return dst, nil
}
