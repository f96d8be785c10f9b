package store

import (
	"slices"
	"strings"
	"sync"

	"github.com/vaern/vaern"
)

// The focus-area page's answers, kept between requests. An assessment's answers carry a version
// (migration 0026: raised by triggers in every transaction that changes an answer, its evidence,
// or the name of a person who answered or reviewed one). The page sends the version it holds; the
// database answers with no row while the version is unchanged, and with the version and every
// answer, read in one statement (one snapshot), once it has moved. So a page read while nobody
// saves compares one row instead of reading a hundred answers and their people, and a save is
// seen by the next page read on every node, since the version lives in the database.

// maxCachedAssessments bounds the cache: about 10–60 KB an assessment.
const maxCachedAssessments = 2048

type answersCache struct {
	mu sync.Mutex
	m  map[answersKey]*cachedAnswers
}

// answersKey is the organisation and the assessment: an entry is only ever found by the
// organisation it was read for.
type answersKey struct{ org, assessment int64 }

// cachedAnswers is one assessment's answers and their evidence at a version; never changed once
// stored.
type cachedAnswers struct {
	version  int64
	answers  []vaern.Answer
	evidence []vaern.Evidence
}

func newAnswersCache() *answersCache { return &answersCache{m: map[answersKey]*cachedAnswers{}} }

func (c *answersCache) get(k answersKey) *cachedAnswers {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

// put keeps answers at version unless a newer version is already kept (versions only grow).
func (c *answersCache) put(k answersKey, version int64, answers []vaern.Answer, evidence []vaern.Evidence) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[k]; old != nil && old.version >= version {
		return
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= maxCachedAssessments {
		for other := range c.m { // any one: a page read again costs one full read
			delete(c.m, other)
			break
		}
	}
	c.m[k] = &cachedAnswers{version: version, answers: answers, evidence: evidence}
}

// answersSince reads an organisation's assessment's answers (with the SQL Answers reads them
// with) and their evidence (as EvidenceFor), in one statement and so one snapshot, unless their
// version is still the one given: then it has no row. Otherwise the first column of every row is
// the version and the second says what the row is: 'a' an answer (answerCols), 'e' a piece of
// evidence (evidenceCols), 'v' only the version (one such row, so that an assessment without
// answers is told from one unchanged). Arguments: assessment, organisation, assessment, version
// (-1 for none held), three times. Rows come answers first by slot, then evidence by id.
var answersSince = `SELECT v.version, 'a', ` + answerCols + `, 0, 0, 0, '', '', '', '', 0, '', 0, 0
	FROM (` + answersVersion + `) v CROSS JOIN` + strings.TrimPrefix(answerFrom, " FROM") + `
	WHERE a.org_id = ? AND a.assessment_id = ? AND v.version <> ?
	UNION ALL
	SELECT v.version, 'e', ` + noAnswer + `, ` + prefixCols(evidenceCols, "e.") + `
	FROM (` + answersVersion + `) v CROSS JOIN evidence e JOIN answers a ON a.id = e.answer_id
	WHERE e.org_id = ? AND a.assessment_id = ? AND v.version <> ?
	UNION ALL
	SELECT v.version, 'v', ` + noAnswer + `, 0, 0, 0, '', '', '', '', 0, '', 0, 0
	FROM (` + answersVersion + `) v CROSS JOIN assessments x
	WHERE x.org_id = ? AND x.id = ? AND v.version <> ?
	ORDER BY 2, 6, 7, 19` // kind, question, unit, evidence id

// noAnswer stands for answerCols in the rows that are not answers.
const noAnswer = `0, 0, 0, '', 0, '', '', '', '', 0, '', 0, 0, '', 0, 0`

// answersVersion is an assessment's answers' version (argument: the assessment).
const answersVersion = `SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS version FROM answer_versions WHERE assessment_id = ?`

// addAnswers queues the read of an assessment's answers and evidence through the cache; after the
// batch ran and finish was called, *dst and *ev hold them (copies the caller may change) and *ver
// their version.
func (b *readBatch) addAnswers(c *answersCache, orgID, assessmentID int64, dst *[]vaern.Answer, ev *[]vaern.Evidence, ver *int64) (finish func()) {
	k := answersKey{orgID, assessmentID}
	held := c.get(k)
	since := int64(-1)
	if held != nil {
		since = held.version
	}
	var answers []vaern.Answer
	var evidence []vaern.Evidence
	var version int64
	read := false
	b.add(func(rows batchRows) error {
		for rows.Next() {
			read = true
			var kind string
			var e vaern.Evidence
			a, err := scanAnswer(scanFunc(func(dest ...any) error {
				var err error
				e, err = scanEvidence(scanFunc(func(evDest ...any) error {
					return rows.Scan(append(append([]any{&version, &kind}, dest...), evDest...)...)
				}))
				return err
			}))
			if err != nil {
				return err
			}
			switch kind {
			case "a":
				answers = append(answers, a)
			case "e":
				evidence = append(evidence, e)
			}
		}
		return nil
	}, answersSince, assessmentID, orgID, assessmentID, since, assessmentID, orgID, assessmentID, since, assessmentID, orgID, assessmentID, since)
	return func() {
		switch {
		case read:
			c.put(k, version, answers, evidence)
			*dst, *ev, *ver = slices.Clone(answers), slices.Clone(evidence), version
		case held != nil:
			*dst, *ev, *ver = slices.Clone(held.answers), slices.Clone(held.evidence), held.version
		}
	}
}
