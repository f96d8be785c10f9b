package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/vaern/vaern"
)

// Change describes one audited change: what was done to which object, with details as a JSON value.
type Change struct {
	OrgID      int64 // the organisation the change belongs to; its chain holds the row
	Action     string
	ObjectType string
	ObjectID   any
	Detail     any
}

// Audit appends a row to the organisation's hash chain inside the transaction of the change itself,
// so there is never a change without its audit row or the other way round.
//
// The head row is bumped with an upsert first: on PostgreSQL that takes the row lock that serialises
// appends to one chain across app nodes; on SQLite the single writer serialises them anyway. Holding
// that lock until commit would let only one transaction of an organisation commit at a time, so on
// PostgreSQL each organisation's chain has several shards, each a complete hash chain of its own,
// and a transaction appends to one picked at random.
func (t *Tx) Audit(ctx context.Context, a vaern.Actor, c Change) error {
	e, err := t.auditEntry(c)
	if err != nil {
		return err
	}
	err = t.queryRow(ctx, auditHeadBump, e.Chain, e.Shard).Scan(&e.Seq, &e.PrevHash)
	if err != nil {
		return fmt.Errorf("audit %s: head: %w", c.Action, err)
	}
	return t.auditSeal(ctx, a, c, e)
}

// auditHeadBump takes the next sequence number of a chain's shard and returns it with the hash of
// the row before. On PostgreSQL it takes the head's row lock until the transaction ends.
const auditHeadBump = `INSERT INTO audit_heads (chain, shard, seq, hash) VALUES (?, ?, 1, '')
		ON CONFLICT (chain, shard) DO UPDATE SET seq = audit_heads.seq + 1 RETURNING seq, hash`

// auditEntry is the audit row of c before it has its place in the chain (Seq, PrevHash, Hash).
func (t *Tx) auditEntry(c Change) (vaern.AuditEntry, error) {
	detail := ""
	if c.Detail != nil {
		b, err := json.Marshal(c.Detail)
		if err != nil {
			return vaern.AuditEntry{}, fmt.Errorf("audit %s: %w", c.Action, err)
		}
		detail = string(b)
	}
	e := vaern.AuditEntry{
		Chain: c.OrgID, Shard: t.s.auditShard(), At: t.s.now(), OrgID: c.OrgID,
		Action: c.Action, ObjectType: c.ObjectType, Detail: detail,
	}
	// At is truncated to what is stored so that the hash can be recomputed from the row.
	e.At = fromMS(ms(e.At))
	return e, nil
}

// auditSeal writes e, whose head has been bumped (e.Seq, e.PrevHash), with its hash and moves the
// head's hash on, then tells the change hook. On PostgreSQL the row and the head go in one
// statement (one round trip fewer on every audited write).
func (t *Tx) auditSeal(ctx context.Context, a vaern.Actor, c Change, e vaern.AuditEntry) error {
	e.ActorID, e.ActorEmail, e.IP = a.UserID, a.Email, a.IP
	if c.ObjectID != nil {
		e.ObjectID = fmt.Sprint(c.ObjectID)
	}
	e.Hash = AuditHash(e)
	const insert = `INSERT INTO audit_log (chain, shard, seq, at, actor_id, actor_email, org_id, action,
		object_type, object_id, detail, ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	args := []any{e.Chain, e.Shard, e.Seq, ms(e.At), e.ActorID, e.ActorEmail, e.OrgID, e.Action, e.ObjectType, e.ObjectID,
		e.Detail, e.IP, e.PrevHash, e.Hash}
	if t.s.engine == Postgres {
		res, err := t.exec(ctx, "WITH row AS ("+insert+") UPDATE audit_heads SET hash = ? WHERE chain = ? AND shard = ?",
			append(args, e.Hash, e.Chain, e.Shard)...)
		if err := affected(res, err); err != nil {
			return fmt.Errorf("audit %s: %w", c.Action, err)
		}
	} else {
		if _, err := t.exec(ctx, insert, args...); err != nil {
			return fmt.Errorf("audit %s: %w", c.Action, err)
		}
		if _, err := t.exec(ctx, "UPDATE audit_heads SET hash = ? WHERE chain = ? AND shard = ?", e.Hash, e.Chain, e.Shard); err != nil {
			return fmt.Errorf("audit %s: head: %w", c.Action, err)
		}
	}
	if t.s.hook != nil {
		return t.s.hook(ctx, t, a, c)
	}
	return nil
}

// AuditHash is the SHA-256 over the previous row's hash and every field of the row, encoded as a
// JSON array so that no two different rows can produce the same input.
func AuditHash(e vaern.AuditEntry) string {
	b, _ := json.Marshal([]any{e.PrevHash, e.Chain, e.Shard, e.Seq, ms(e.At), e.ActorID, e.ActorEmail, e.OrgID,
		e.Action, e.ObjectType, e.ObjectID, e.Detail, e.IP})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// AuditLog lists an organisation's audit rows, newest first.
func (s *Store) AuditLog(ctx context.Context, orgID int64, beforeID int64, limit int) ([]vaern.AuditEntry, error) {
	if beforeID <= 0 {
		beforeID = 1 << 62
	}
	rows, err := s.query(ctx, `SELECT `+auditCols+` FROM audit_log WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
		orgID, beforeID, limit)
	return collect(rows, err, scanAudit)
}

const auditCols = `id, chain, shard, seq, at, actor_id, actor_email, org_id, action, object_type, object_id, detail, ip, prev_hash, hash`

func scanAudit(r scanner) (vaern.AuditEntry, error) {
	var e vaern.AuditEntry
	var at int64
	err := r.Scan(&e.ID, &e.Chain, &e.Shard, &e.Seq, &at, &e.ActorID, &e.ActorEmail, &e.OrgID, &e.Action, &e.ObjectType,
		&e.ObjectID, &e.Detail, &e.IP, &e.PrevHash, &e.Hash)
	e.At = fromMS(at)
	return e, err
}

// AuditProblem is one finding of VerifyAudit.
type AuditProblem struct {
	Chain int64
	Shard int64
	Seq   int64
	RowID int64
	Kind  string // changed, removed, inserted
	What  string
}

func (p AuditProblem) String() string {
	chain := fmt.Sprintf("chain %d", p.Chain)
	if p.Shard != 0 {
		chain += fmt.Sprintf(" shard %d", p.Shard)
	}
	if p.RowID != 0 {
		return fmt.Sprintf("%s seq %d (row id %d): %s: %s", chain, p.Seq, p.RowID, p.Kind, p.What)
	}
	return fmt.Sprintf("%s seq %d: %s: %s", chain, p.Seq, p.Kind, p.What)
}

type chainKey struct{ chain, shard int64 }

// VerifyAudit walks every chain and reports each row that was changed, inserted or removed.
// It returns the number of rows checked.
func (s *Store) VerifyAudit(ctx context.Context) (int, []AuditProblem, error) {
	heads := map[chainKey]vaern.AuditEntry{}
	hrows, err := s.query(ctx, "SELECT chain, shard, seq, hash FROM audit_heads")
	if err != nil {
		return 0, nil, err
	}
	for hrows.Next() {
		var h vaern.AuditEntry
		if err := hrows.Scan(&h.Chain, &h.Shard, &h.Seq, &h.Hash); err != nil {
			hrows.Close()
			return 0, nil, err
		}
		heads[chainKey{h.Chain, h.Shard}] = h
	}
	hrows.Close()

	rows, err := s.query(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY chain, shard, seq`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var probs []AuditProblem
	n := 0
	cur := chainKey{-1, -1}
	var wantSeq int64
	var prevHash string
	seen := map[chainKey]bool{}
	finish := func() {
		if cur.chain < 0 {
			return
		}
		h, ok := heads[cur]
		switch {
		case !ok:
			probs = append(probs, AuditProblem{Chain: cur.chain, Shard: cur.shard, Kind: "inserted", What: "chain has no head: its rows were added outside Værn"})
		case h.Seq > wantSeq-1:
			probs = append(probs, AuditProblem{Chain: cur.chain, Shard: cur.shard, Seq: wantSeq, Kind: "removed",
				What: fmt.Sprintf("rows %d..%d are missing at the end of the chain", wantSeq, h.Seq)})
		case h.Seq < wantSeq-1:
			probs = append(probs, AuditProblem{Chain: cur.chain, Shard: cur.shard, Seq: h.Seq + 1, Kind: "inserted",
				What: fmt.Sprintf("rows after seq %d were added outside Værn", h.Seq)})
		case h.Hash != prevHash:
			probs = append(probs, AuditProblem{Chain: cur.chain, Shard: cur.shard, Seq: h.Seq, Kind: "changed", What: "last row does not match the chain head"})
		}
	}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return n, probs, err
		}
		n++
		if k := (chainKey{e.Chain, e.Shard}); k != cur {
			finish()
			cur, wantSeq, prevHash = k, 1, ""
			seen[cur] = true
		}
		if e.Seq != wantSeq {
			if e.Seq > wantSeq {
				probs = append(probs, AuditProblem{Chain: e.Chain, Shard: e.Shard, Seq: wantSeq, Kind: "removed",
					What: fmt.Sprintf("rows %d..%d are missing (next present row is id %d)", wantSeq, e.Seq-1, e.ID)})
			} else {
				probs = append(probs, AuditProblem{Chain: e.Chain, Shard: e.Shard, Seq: e.Seq, RowID: e.ID, Kind: "inserted", What: "sequence number out of order"})
				// A row that does not belong in the sequence must not become the link the next
				// genuine row is checked against, or that row would be reported too.
				continue
			}
		}
		switch {
		case AuditHash(e) != e.Hash:
			probs = append(probs, AuditProblem{Chain: e.Chain, Shard: e.Shard, Seq: e.Seq, RowID: e.ID, Kind: "changed",
				What: "row content does not match its hash"})
		case e.PrevHash != prevHash && e.Seq == wantSeq:
			probs = append(probs, AuditProblem{Chain: e.Chain, Shard: e.Shard, Seq: e.Seq, RowID: e.ID, Kind: "inserted",
				What: "row does not link to the row before it"})
		}
		prevHash = e.Hash
		wantSeq = e.Seq + 1
	}
	if err := rows.Err(); err != nil {
		return n, probs, err
	}
	finish()
	for c, h := range heads {
		if !seen[c] && h.Seq > 0 {
			probs = append(probs, AuditProblem{Chain: c.chain, Shard: c.shard, Seq: 1, Kind: "removed", What: fmt.Sprintf("all %d rows of the chain are missing", h.Seq)})
		}
	}
	return n, probs, nil
}

// auditShard picks the shard of the organisation's chain a new audit row goes to: the shards in
// turn, so that the transactions running at the same time in this process (at most the pool's
// size, which the default number of shards matches) each hold a different head lock instead of
// queueing behind one picked twice at random.
func (s *Store) auditShard() int64 {
	if s.auditShards <= 1 {
		return 0
	}
	return int64(s.shardNext.Add(1) % uint64(s.auditShards))
}
