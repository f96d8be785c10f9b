package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vaern/vaern"
)

// Batched saves on PostgreSQL. Autosaves arrive by the hundred per second at a deadline, each a
// short transaction of a handful of round trips; with the load generator, Værn and PostgreSQL on
// the same cores, those round trips, not the work in them, are the cost. So saves that arrive
// while others are being written share one transaction, as SQLite's group commit does, and that
// transaction takes three round trips however many saves it carries (pgpipe.go): BEGIN with one
// query that reads the rules' state for every save; then, after the rules ran for each save (a
// save they refuse gets its own error and writes nothing), one statement per wave of distinct
// slots that writes the answers, their history rows and moves each organisation's audit chain
// head on by the rows written (almost always one wave); then all audit rows with the heads' new
// hashes, sent together with COMMIT. Only then is each caller answered. Every answer is committed
// with its chained audit row in the same transaction, so a crash loses either both or neither. If
// the batch's transaction fails, every save of it is retried on its own, so one save's database
// error never becomes another's. The statements take their rows as arrays (unnest), so each has
// one text whatever the batch's size and is prepared once per connection.

// maxSaveBatch bounds how many saves share one transaction; saveBatchers is how many batches may
// be written at once (each holds one connection of the pool while it is written). Two keep one
// batch being written while the other waits for its commit to reach the disk, and let saves go on
// while one batch waits for a row lock; more only make the batches smaller (with 64 clients on
// the 2-core box, 4 batchers gave 77-99 % of the bare upsert, 2 gave 103-120 %, 1 gave 104-113 %).
const (
	maxSaveBatch = 64
	saveBatchers = 2
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
	if len(live) == 0 {
		return
	}
	if err := s.savePiped(live); err == nil {
		for _, r := range live {
			close(r.done)
		}
		return
	}
	// A batch whose transaction failed: each save on its own.
	for _, r := range live {
		r.ans, r.err = s.saveAlone(context.WithoutCancel(r.ctx), r.a, r.orgID, r.asmID, r.in)
		close(r.done)
	}
}

// savePiped writes a batch (even of one save) in one transaction of three round trips on one
// connection (see pgpipe.go): BEGIN with the rules' read, the answers (one statement per wave,
// almost always one), and the audit rows with COMMIT.
func (s *Store) savePiped(batch []*saveReq) error {
	ctx := context.Background()
	p, err := s.openPipe(ctx)
	if err != nil {
		return err
	}
	defer p.close()
	t := &Tx{s: s, pipe: p}
	if err := t.saveMany(ctx, batch); err != nil {
		return err
	}
	return p.commit(ctx)
}

// saveMany writes the saves of a batch in t, a pipe's transaction, which it begins. A save the
// rules refuse keeps its error in r.err and writes nothing; an error returned fails the whole
// batch (which is then retried save by save). The audit rows are left queued for the commit.
func (t *Tx) saveMany(ctx context.Context, batch []*saveReq) error {
	ws, err := t.readAnswerers(ctx, batch)
	if err != nil {
		return err
	}
	now := ms(t.s.now())
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
	// Each wave's statement also moves the heads of its organisations' audit chains on by the
	// rows it wrote (all in one shard: the batch holds those heads until it commits, so its rows
	// have consecutive numbers in each chain, whatever the waves).
	type audited struct {
		r *saveReq
		c Change
		e vaern.AuditEntry
	}
	type head struct {
		last int64  // the head's number after the batch's bumps
		prev string // its hash before the batch
		rows []*audited
	}
	heads := map[int64]*head{}
	var chains []int64
	shard := t.s.auditShard()
	for _, wave := range waves {
		got, err := t.upsertAnswers(ctx, batch, roles, wave, now, shard)
		if err != nil {
			return err
		}
		for _, i := range wave {
			r := batch[i]
			sv, ok := got[i]
			if !ok {
				r.err = vaern.Invalid("value", "the answer is approved; ask the coordinator to return it before changing it")
				continue
			}
			in := r.in
			r.ans = vaern.Answer{ID: sv.id, Version: int(sv.version), AssessmentID: r.asmID, OrgID: r.orgID, QuestionID: in.QuestionID,
				UnitID: in.UnitID, Value: in.Value, Comment: in.Comment, Status: vaern.AnswerAnswered, AnsweredBy: r.a.UserID, AnsweredAt: fromMS(now)}
			c := Change{OrgID: r.orgID, Action: "answer.save", ObjectType: "answer", ObjectID: r.ans.ID,
				Detail: map[string]any{"assessment_id": r.asmID, "question": in.QuestionID, "unit_id": in.UnitID, "value": in.Value}}
			e, err := t.auditEntry(c)
			if err != nil {
				return err
			}
			h := heads[r.orgID]
			if h == nil {
				h = &head{prev: sv.hash}
				heads[r.orgID] = h
				chains = append(chains, r.orgID)
			}
			h.last = sv.seq
			h.rows = append(h.rows, &audited{r: r, c: c, e: e})
		}
	}
	if len(chains) == 0 {
		return nil
	}
	slices.Sort(chains)
	var cols auditColumns
	hchain, hhash := make([]int64, 0, len(chains)), make([]string, 0, len(chains))
	for _, chain := range chains {
		h := heads[chain]
		prev := h.prev
		for j, x := range h.rows {
			e := &x.e
			e.Shard, e.Seq, e.PrevHash = shard, h.last-int64(len(h.rows))+1+int64(j), prev
			e.ActorID, e.ActorEmail, e.IP, e.ObjectID = x.r.a.UserID, x.r.a.Email, x.r.a.IP, fmt.Sprint(x.c.ObjectID)
			e.Hash = AuditHash(*e)
			prev = e.Hash
			cols.add(e)
		}
		hchain, hhash = append(hchain, chain), append(hhash, prev)
	}
	want := int64(len(chains))
	t.pipe.queue(pipeStmt{sql: t.s.q(auditRowsInsert), args: append(cols.args(), hchain, hhash, shard),
		check: func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() != want {
				return fmt.Errorf("audit answer.save: %d of %d heads moved", tag.RowsAffected(), want)
			}
			return nil
		}})
	if t.s.hook != nil {
		for _, chain := range chains {
			for _, x := range heads[chain].rows {
				if err := t.s.hook(ctx, t, x.r.a, x.c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// auditRowsInsert writes a batch's audit rows (one array per column) and moves each chain's head
// hash on (the chains and their new hashes, then the shard).
const auditRowsInsert = `WITH row AS (INSERT INTO audit_log (chain, shard, seq, at, actor_id, actor_email, org_id, action,
		object_type, object_id, detail, ip, prev_hash, hash)
		SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]),
			CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[]),
			CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS TEXT[])))
	UPDATE audit_heads SET hash = v.hash FROM unnest(CAST(? AS BIGINT[]), CAST(? AS TEXT[])) AS v (chain, hash)
	WHERE audit_heads.chain = v.chain AND audit_heads.shard = ?`

// auditColumns are audit rows column by column, as auditRowsInsert takes them.
type auditColumns struct {
	chain, shard, seq, at, actor, org                         []int64
	email, action, objType, objID, detail, ip, prevHash, hash []string
}

func (c *auditColumns) add(e *vaern.AuditEntry) {
	c.chain, c.shard, c.seq, c.at = append(c.chain, e.Chain), append(c.shard, e.Shard), append(c.seq, e.Seq), append(c.at, ms(e.At))
	c.actor, c.email, c.org = append(c.actor, e.ActorID), append(c.email, e.ActorEmail), append(c.org, e.OrgID)
	c.action, c.objType, c.objID = append(c.action, e.Action), append(c.objType, e.ObjectType), append(c.objID, e.ObjectID)
	c.detail, c.ip, c.prevHash, c.hash = append(c.detail, e.Detail), append(c.ip, e.IP), append(c.prevHash, e.PrevHash), append(c.hash, e.Hash)
}

func (c *auditColumns) args() []any {
	return []any{c.chain, c.shard, c.seq, c.at, c.actor, c.email, c.org, c.action, c.objType, c.objID, c.detail, c.ip, c.prevHash, c.hash}
}

// savedAnswer is what a wave's statement tells of one written save: the answer's id and version
// and its chain's head after the wave's bump (number and the hash before the batch).
type savedAnswer struct {
	id, version, seq int64
	hash             string
}

// answersUpsert writes a wave's answers (one array per column: the save's index, assessment,
// organisation, question, unit, value, comment, user, coordinator or not; then the time twice and
// the audit shard) with their history rows, and bumps each organisation's audit head by the rows
// written. An approved answer is changed only by a coordinator; a save refused so returns no row.
// The answers are written, and so locked, in slot order, and only then the heads.
const answersUpsert = `WITH v (i, asm, org, q, unit, value, comment, usr, coord) AS (
		SELECT * FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]),
			CAST(? AS TEXT[]), CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS BOOLEAN[]))),
	a AS (INSERT INTO answers (assessment_id, org_id, question_id, unit_id, value, comment, status, answered_by, answered_at)
		SELECT asm, org, q, unit, value, comment, 'answered', usr, CAST(? AS BIGINT) FROM v ORDER BY asm, q, unit
		ON CONFLICT (assessment_id, question_id, unit_id) DO UPDATE SET value = excluded.value, comment = excluded.comment,
			status = 'answered', answered_by = excluded.answered_by, answered_at = excluded.answered_at, version = answers.version + 1
		WHERE answers.status <> 'approved' OR EXISTS (SELECT 1 FROM v WHERE v.asm = answers.assessment_id
			AND v.q = answers.question_id AND v.unit = answers.unit_id AND v.coord)
		RETURNING id, version, org_id, assessment_id, question_id, unit_id),
	h AS (INSERT INTO answer_history (answer_id, org_id, at, user_id, action, value, comment, status)
		SELECT a.id, v.org, CAST(? AS BIGINT), v.usr, 'save', v.value, v.comment, 'answered'
		FROM a JOIN v ON v.asm = a.assessment_id AND v.q = a.question_id AND v.unit = a.unit_id),
	hd AS (INSERT INTO audit_heads (chain, shard, seq, hash)
		SELECT org_id, CAST(? AS BIGINT), COUNT(*), '' FROM a GROUP BY org_id ORDER BY org_id
		ON CONFLICT (chain, shard) DO UPDATE SET seq = audit_heads.seq + excluded.seq RETURNING chain, seq, hash)
	SELECT v.i, a.id, a.version, hd.seq, hd.hash FROM a JOIN v ON v.asm = a.assessment_id AND v.q = a.question_id AND v.unit = a.unit_id
		JOIN hd ON hd.chain = a.org_id`

// upsertAnswers writes the answers of one wave (distinct slots) in one statement and returns what
// became of each written save by its index; a save refused because its answer is approved has no
// entry.
func (t *Tx) upsertAnswers(ctx context.Context, batch []*saveReq, roles []vaern.Role, wave []int, now, shard int64) (map[int]savedAnswer, error) {
	n := len(wave)
	is, asms, orgs, units, usrs := make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n)
	qs, values, comments, coords := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]bool, 0, n)
	for _, i := range wave {
		r := batch[i]
		is, asms, orgs, qs, units = append(is, int64(i)), append(asms, r.asmID), append(orgs, r.orgID), append(qs, r.in.QuestionID), append(units, r.in.UnitID)
		values, comments, usrs = append(values, r.in.Value), append(comments, r.in.Comment), append(usrs, r.a.UserID)
		coords = append(coords, roles[i] == vaern.RoleCoordinator)
	}
	out := map[int]savedAnswer{}
	err := t.pipe.run(ctx, t.s.q(answersUpsert), []any{is, asms, orgs, qs, units, values, comments, usrs, coords, now, now, shard},
		func(rows batchRows) error {
			for rows.Next() {
				var i int
				var sv savedAnswer
				if err := rows.Scan(&i, &sv.id, &sv.version, &sv.seq, &sv.hash); err != nil {
					return err
				}
				out[i] = sv
			}
			return nil
		})
	return out, err
}

// isRuleErr tells a refusal by the rules (the save's own outcome) from a database error (the
// batch's).
func isRuleErr(err error) bool {
	var ve *vaern.ValidationError
	return errors.Is(err, vaern.ErrNotFound) || errors.Is(err, vaern.ErrForbidden) || errors.Is(err, vaern.ErrUnauthorized) || errors.As(err, &ve)
}

// answerersQuery reads what mayAnswer needs for every save of a batch (one array per column: the
// save's index, organisation, assessment, user, unit, session id or ”, the session's now and idle
// limit): a save whose assessment is not its organisation's has no row.
var answerersQuery = "SELECT v.i, " + assessmentCols + `, COALESCE(m.role, ''), m.unit_id,
	(SELECT COUNT(*) FROM units WHERE org_id = x.org_id AND id = v.unit),
	CASE WHEN v.sess = '' THEN TRUE WHEN ` + strings.NewReplacer("ss.id = ?", "ss.id = v.sess", "ss.user_id = ?", "ss.user_id = v.usr",
	"ss.org_id = ?", "ss.org_id = v.org", "ss.expires_at > ?", "ss.expires_at > v.now", "ss.last_seen_at >= ?", "ss.last_seen_at >= v.since").Replace(sessionValid) + `
		THEN TRUE ELSE FALSE END,
	COALESCE((SELECT email FROM users WHERE id = v.usr), '')
	FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]),
		CAST(? AS TEXT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[])) AS v (i, org, asm, usr, unit, sess, now, since)
	JOIN assessments x ON x.org_id = v.org AND x.id = v.asm
	JOIN rounds r ON r.id = x.round_id JOIN frameworks f ON f.id = r.framework_id
	LEFT JOIN memberships m ON m.org_id = x.org_id AND m.user_id = v.usr`

// readAnswerers begins t's pipe with one query that reads what mayAnswer needs for every save of a
// batch, by the save's index; a save whose assessment is not its organisation's has no entry. A
// save with a SessionCheck learns there whether its session is still valid.
func (t *Tx) readAnswerers(ctx context.Context, batch []*saveReq) (map[int]answerer, error) {
	n := len(batch)
	is, orgs, asms, usrs, units := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	sess, nows, sinces := make([]string, n), make([]int64, n), make([]int64, n)
	for i, r := range batch {
		is[i], orgs[i], asms[i], usrs[i], units[i] = int64(i), r.orgID, r.asmID, r.a.UserID, r.in.UnitID
		if c := r.in.Session; c != nil {
			sess[i], nows[i], sinces[i] = c.ID, ms(c.Now), ms(c.Now.Add(-c.Idle))
		}
	}
	out := map[int]answerer{}
	err := t.pipe.begin(ctx, t.s.q(answerersQuery), []any{is, orgs, asms, usrs, units, sess, nows, sinces}, func(rows batchRows) error {
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
				return err
			}
			r := batch[i]
			w := answerer{x: x, p: &vaern.Principal{User: vaern.User{ID: r.a.UserID}, Org: vaern.Org{ID: r.orgID}, Role: vaern.Role(role)},
				member: role != "", unitExists: units > 0, session: session, email: email}
			if unit != nil {
				w.p.UnitID = *unit
			}
			out[i] = w
		}
		return nil
	})
	return out, err
}
