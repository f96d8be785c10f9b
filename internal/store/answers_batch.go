package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/vaern/vaern"
)

// Batched saves on PostgreSQL. Autosaves arrive by the hundred per second at a deadline, each a
// short transaction of a handful of round trips; with the load generator, Værn and PostgreSQL on
// the same cores, those round trips, not the work in them, are the cost. So saves that arrive
// while others are being written share one transaction, as SQLite's group commit does: the
// rules' state for every save is read in one query, the rules run for each save (a save they
// refuse gets its own error and writes nothing), each answer and its history row is one
// statement, each organisation's audit chain takes the batch's rows with one head bump, and all
// audit rows go in one statement with the new head hash; one commit, and only then is each caller
// answered. Every answer is committed with its chained audit row in the same transaction, so a
// crash loses either both or neither. If the batch's transaction fails, every save of it is
// retried on its own, so one save's database error never becomes another's.

// maxSaveBatch bounds how many saves share one transaction; saveBatchers is how many batches may
// be written at once (each holds one connection of the pool while it is written).
const (
	maxSaveBatch = 64
	saveBatchers = 4
)

type saveReq struct {
	ctx          context.Context
	a            vaern.Actor
	orgID, asmID int64
	in           AnswerInput
	ans          vaern.Answer
	err          error
	done         chan struct{}
}

func (s *Store) startSaveBatcher() {
	s.saves = make(chan *saveReq, 4*maxSaveBatch)
	for i := 0; i < saveBatchers; i++ {
		s.saversEnd.Add(1)
		go func() {
			defer s.saversEnd.Done()
			s.saveBatcher()
		}()
	}
}

// batchedSave queues one save and waits for its outcome (even if the caller gives up: once
// queued, it may commit, and the answer must say what happened).
func (s *Store) batchedSave(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, in AnswerInput) (vaern.Answer, error) {
	if err := ctx.Err(); err != nil {
		return vaern.Answer{}, err
	}
	r := &saveReq{ctx: ctx, a: a, orgID: orgID, asmID: assessmentID, in: in, done: make(chan struct{})}
	s.closeMu.RLock()
	if s.closed {
		s.closeMu.RUnlock()
		return vaern.Answer{}, ErrClosed
	}
	s.saves <- r
	s.closeMu.RUnlock()
	<-r.done
	return r.ans, r.err
}

func (s *Store) saveBatcher() {
	for first := range s.saves {
		batch := []*saveReq{first}
	drain:
		for len(batch) < maxSaveBatch {
			select {
			case r, ok := <-s.saves:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.saveGroup(batch)
	}
}

func (s *Store) saveGroup(batch []*saveReq) {
	var live []*saveReq
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			close(r.done)
			continue
		}
		live = append(live, r)
	}
	if len(live) > 1 {
		err := s.writeAlone(context.Background(), func(tx *Tx) error { return tx.saveMany(live) })
		if err == nil {
			for _, r := range live {
				close(r.done)
			}
			return
		}
	}
	// One save, or a batch whose transaction failed: each on its own.
	for _, r := range live {
		r.ans, r.err = s.saveAlone(context.WithoutCancel(r.ctx), r.a, r.orgID, r.asmID, r.in)
		close(r.done)
	}
}

// saveMany writes the saves of a batch in tx. A save the rules refuse keeps its error in r.err
// and writes nothing; an error returned fails the whole batch (which is then retried save by save).
func (t *Tx) saveMany(batch []*saveReq) error {
	ctx := context.Background()
	ws, err := t.readAnswerers(ctx, batch)
	if err != nil {
		return err
	}
	now := ms(t.s.now())
	type audited struct {
		r *saveReq
		c Change
		e vaern.AuditEntry
	}
	byChain := map[int64][]*audited{}
	var chains []int64
	// Rows are locked in one order (answers by slot, then the chains' heads by organisation) in
	// every batch, so that two batches written at once never wait for each other in a circle.
	order := make([]int, len(batch))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := batch[order[x]], batch[order[y]]
		if a.asmID != b.asmID {
			return a.asmID < b.asmID
		}
		if a.in.QuestionID != b.in.QuestionID {
			return a.in.QuestionID < b.in.QuestionID
		}
		return a.in.UnitID < b.in.UnitID
	})
	// The rules, save by save; the accepted ones are written in waves of distinct slots (a slot
	// saved twice in one batch goes into a later wave, so the second save updates the first).
	type slot struct {
		asm  int64
		q    string
		unit int64
	}
	var waves [][]int
	waveOf := map[slot]int{}
	roles := make([]vaern.Role, len(batch))
	for _, i := range order {
		r := batch[i]
		r.ans, r.err = vaern.Answer{}, nil
		w, ok := ws[i]
		if !ok {
			r.err = vaern.ErrNotFound
			continue
		}
		if r.in.Session != nil {
			if !w.session {
				r.err = vaern.ErrUnauthorized
				continue
			}
			r.a.Email = w.email // as it is now, for the audit row
		}
		if !w.x.Editable(t.s.now()) {
			r.err = ErrLocked
			continue
		}
		role, err := t.mayAnswer(ctx, r.a, r.orgID, r.asmID, r.in, w)
		if err != nil {
			if isRuleErr(err) {
				r.err = err
				continue
			}
			return err
		}
		roles[i] = role
		k := slot{r.asmID, r.in.QuestionID, r.in.UnitID}
		n := waveOf[k]
		waveOf[k] = n + 1
		if n == len(waves) {
			waves = append(waves, nil)
		}
		waves[n] = append(waves[n], i)
	}
	for _, wave := range waves {
		got, err := t.upsertAnswers(ctx, batch, roles, wave, now)
		if err != nil {
			return err
		}
		for _, i := range wave {
			r := batch[i]
			idv, ok := got[i]
			if !ok {
				r.err = vaern.Invalid("value", "the answer is approved; ask the coordinator to return it before changing it")
				continue
			}
			in := r.in
			r.ans = vaern.Answer{ID: idv[0], Version: int(idv[1]), AssessmentID: r.asmID, OrgID: r.orgID, QuestionID: in.QuestionID,
				UnitID: in.UnitID, Value: in.Value, Comment: in.Comment, Status: vaern.AnswerAnswered, AnsweredBy: r.a.UserID, AnsweredAt: fromMS(now)}
			c := Change{OrgID: r.orgID, Action: "answer.save", ObjectType: "answer", ObjectID: r.ans.ID,
				Detail: map[string]any{"assessment_id": r.asmID, "question": in.QuestionID, "unit_id": in.UnitID, "value": in.Value}}
			e, err := t.auditEntry(c)
			if err != nil {
				return err
			}
			if byChain[r.orgID] == nil {
				chains = append(chains, r.orgID)
			}
			byChain[r.orgID] = append(byChain[r.orgID], &audited{r: r, c: c, e: e})
		}
	}
	slices.Sort(chains)
	for _, chain := range chains {
		rows := byChain[chain]
		shard := t.s.auditShard()
		var last int64
		var prev string
		if err := t.queryRow(ctx, `INSERT INTO audit_heads (chain, shard, seq, hash) VALUES (?, ?, ?, '')
			ON CONFLICT (chain, shard) DO UPDATE SET seq = audit_heads.seq + excluded.seq RETURNING seq, hash`,
			chain, shard, len(rows)).Scan(&last, &prev); err != nil {
			return fmt.Errorf("audit answer.save: head: %w", err)
		}
		var q strings.Builder
		q.WriteString(`WITH row AS (INSERT INTO audit_log (chain, shard, seq, at, actor_id, actor_email, org_id, action,
			object_type, object_id, detail, ip, prev_hash, hash) VALUES `)
		args := make([]any, 0, 14*len(rows)+3)
		for j, x := range rows {
			e := &x.e
			e.Shard, e.Seq, e.PrevHash = shard, last-int64(len(rows))+1+int64(j), prev
			e.ActorID, e.ActorEmail, e.IP, e.ObjectID = x.r.a.UserID, x.r.a.Email, x.r.a.IP, fmt.Sprint(x.c.ObjectID)
			e.Hash = AuditHash(*e)
			prev = e.Hash
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, e.Chain, e.Shard, e.Seq, ms(e.At), e.ActorID, e.ActorEmail, e.OrgID, e.Action, e.ObjectType, e.ObjectID,
				e.Detail, e.IP, e.PrevHash, e.Hash)
		}
		q.WriteString(") UPDATE audit_heads SET hash = ? WHERE chain = ? AND shard = ?")
		args = append(args, prev, chain, shard)
		res, err := t.tx.ExecContext(ctx, t.s.rebind(q.String()), args...)
		if err := affected(res, err); err != nil {
			return fmt.Errorf("audit answer.save: %w", err)
		}
		if t.s.hook != nil {
			for _, x := range rows {
				if err := t.s.hook(ctx, t, x.r.a, x.c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// upsertAnswers writes the answers of one wave (distinct slots) and their history rows in one
// statement, and returns each written save's answer id and version by its index. An approved
// answer is changed only by a coordinator; a save refused so has no entry.
func (t *Tx) upsertAnswers(ctx context.Context, batch []*saveReq, roles []vaern.Role, wave []int, now int64) (map[int][2]int64, error) {
	var q strings.Builder
	q.WriteString("WITH v (i, asm, org, q, unit, value, comment, usr, at, coord) AS (VALUES ")
	args := make([]any, 0, 10*len(wave))
	for j, i := range wave {
		r := batch[i]
		if j > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), " +
			"CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BOOLEAN))")
		args = append(args, i, r.asmID, r.orgID, r.in.QuestionID, r.in.UnitID, r.in.Value, r.in.Comment, r.a.UserID, now,
			roles[i] == vaern.RoleCoordinator)
	}
	q.WriteString(`),
		a AS (INSERT INTO answers (assessment_id, org_id, question_id, unit_id, value, comment, status, answered_by, answered_at)
			SELECT asm, org, q, unit, value, comment, 'answered', usr, at FROM v
			ON CONFLICT (assessment_id, question_id, unit_id) DO UPDATE SET value = excluded.value, comment = excluded.comment,
				status = 'answered', answered_by = excluded.answered_by, answered_at = excluded.answered_at, version = answers.version + 1
			WHERE answers.status <> 'approved' OR EXISTS (SELECT 1 FROM v WHERE v.asm = answers.assessment_id
				AND v.q = answers.question_id AND v.unit = answers.unit_id AND v.coord)
			RETURNING id, version, assessment_id, question_id, unit_id),
		h AS (INSERT INTO answer_history (answer_id, org_id, at, user_id, action, value, comment, status)
			SELECT a.id, v.org, v.at, v.usr, 'save', v.value, v.comment, 'answered'
			FROM a JOIN v ON v.asm = a.assessment_id AND v.q = a.question_id AND v.unit = a.unit_id)
		SELECT v.i, a.id, a.version FROM a JOIN v ON v.asm = a.assessment_id AND v.q = a.question_id AND v.unit = a.unit_id`)
	rows, err := t.tx.QueryContext(ctx, t.s.rebind(q.String()), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int][2]int64{}
	for rows.Next() {
		var i int
		var id, version int64
		if err := rows.Scan(&i, &id, &version); err != nil {
			return nil, err
		}
		out[i] = [2]int64{id, version}
	}
	return out, rows.Err()
}

// isRuleErr tells a refusal by the rules (the save's own outcome) from a database error (the
// batch's).
func isRuleErr(err error) bool {
	var ve *vaern.ValidationError
	return errors.Is(err, vaern.ErrNotFound) || errors.Is(err, vaern.ErrForbidden) || errors.Is(err, vaern.ErrUnauthorized) || errors.As(err, &ve)
}

// readAnswerers reads what mayAnswer needs for every save of a batch in one query, by the save's
// index; a save whose assessment is not its organisation's has no entry. A save with a
// SessionCheck learns there whether its session is still valid.
func (t *Tx) readAnswerers(ctx context.Context, batch []*saveReq) (map[int]answerer, error) {
	var q strings.Builder
	q.WriteString("SELECT v.i, " + assessmentCols + `, COALESCE(m.role, ''), m.unit_id,
		(SELECT COUNT(*) FROM units WHERE org_id = x.org_id AND id = v.unit),
		CASE WHEN v.sess = '' THEN TRUE WHEN ` + strings.NewReplacer("ss.id = ?", "ss.id = v.sess", "ss.user_id = ?", "ss.user_id = v.usr",
		"ss.org_id = ?", "ss.org_id = v.org", "ss.expires_at > ?", "ss.expires_at > v.now", "ss.last_seen_at >= ?", "ss.last_seen_at >= v.since").Replace(sessionValid) + `
			THEN TRUE ELSE FALSE END,
		COALESCE((SELECT email FROM users WHERE id = v.usr), '') FROM (VALUES `)
	args := make([]any, 0, 8*len(batch))
	for i, r := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT))")
		var sess string
		var now, since int64
		if c := r.in.Session; c != nil {
			sess, now, since = c.ID, ms(c.Now), ms(c.Now.Add(-c.Idle))
		}
		args = append(args, i, r.orgID, r.asmID, r.a.UserID, r.in.UnitID, sess, now, since)
	}
	q.WriteString(`) AS v (i, org, asm, usr, unit, sess, now, since) JOIN assessments x ON x.org_id = v.org AND x.id = v.asm
		JOIN rounds r ON r.id = x.round_id JOIN frameworks f ON f.id = r.framework_id
		LEFT JOIN memberships m ON m.org_id = x.org_id AND m.user_id = v.usr`)
	rows, err := t.tx.QueryContext(ctx, t.s.rebind(q.String()), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]answerer{}
	for rows.Next() {
		var i int
		var role, email string
		var unit *int64
		var units int
		var session bool
		x, err := scanAssessment(scanFunc(func(dest ...any) error {
			return rows.Scan(append(append([]any{&i}, dest...), &role, &unit, &units, &session, &email)...)
		}))
		if err != nil {
			return nil, err
		}
		r := batch[i]
		w := answerer{x: x, p: &vaern.Principal{User: vaern.User{ID: r.a.UserID}, Org: vaern.Org{ID: r.orgID}, Role: vaern.Role(role)},
			member: role != "", unitExists: units > 0, session: session, email: email}
		if unit != nil {
			w.p.UnitID = *unit
		}
		out[i] = w
	}
	return out, rows.Err()
}
