package store

import (
	"slices"
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

// cachedAnswers is one assessment's answers at a version; never changed once stored.
type cachedAnswers struct {
	version int64
	answers []vaern.Answer
}

func newAnswersCache() *answersCache { return &answersCache{m: map[answersKey]*cachedAnswers{}} }

func (c *answersCache) get(k answersKey) *cachedAnswers {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

// put keeps answers at version unless a newer version is already kept (versions only grow).
func (c *answersCache) put(k answersKey, version int64, answers []vaern.Answer) {
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
	c.m[k] = &cachedAnswers{version: version, answers: answers}
}

// answersSince reads an organisation's assessment's answers (as Answers reads them) unless their
// version is still the one given: then it has no row. Otherwise every row has the version first,
// then an answer; an assessment without answers has one row whose answer is all zero (id 0).
// Arguments: assessment, organisation, assessment, version (-1 for none held).
const answersSince = `SELECT v.version, COALESCE(a.id, 0), COALESCE(a.assessment_id, 0), COALESCE(a.org_id, 0),
	COALESCE(a.question_id, ''), COALESCE(a.unit_id, 0), COALESCE(a.value, ''), COALESCE(a.comment, ''), COALESCE(a.status, ''),
	COALESCE(a.review_comment, ''), COALESCE(a.answered_by, 0), COALESCE(u.name, ''), COALESCE(a.answered_at, 0),
	COALESCE(a.reviewed_by, 0), COALESCE(NULLIF(rv.name, ''), rv.email, ''), COALESCE(a.reviewed_at, 0), COALESCE(a.version, 0)
	FROM (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS version FROM answer_versions WHERE assessment_id = ?) v
	CROSS JOIN assessments x
	LEFT JOIN answers a ON a.assessment_id = x.id AND a.org_id = x.org_id
	LEFT JOIN users u ON u.id = a.answered_by LEFT JOIN users rv ON rv.id = a.reviewed_by
	WHERE x.org_id = ? AND x.id = ? AND v.version <> ?
	ORDER BY a.question_id, a.unit_id`

// addAnswers queues the read of an assessment's answers through the cache; after the batch ran and
// finish was called, *dst holds them (a copy the caller may change) and *ver their version.
func (b *readBatch) addAnswers(c *answersCache, orgID, assessmentID int64, dst *[]vaern.Answer, ver *int64) (finish func()) {
	k := answersKey{orgID, assessmentID}
	held := c.get(k)
	since := int64(-1)
	if held != nil {
		since = held.version
	}
	var fresh []vaern.Answer
	var version int64
	read := false
	b.add(func(rows batchRows) error {
		for rows.Next() {
			read = true
			a, err := scanAnswer(scanFunc(func(dest ...any) error {
				return rows.Scan(append([]any{&version}, dest...)...)
			}))
			if err != nil {
				return err
			}
			if a.ID != 0 {
				fresh = append(fresh, a)
			}
		}
		return nil
	}, answersSince, assessmentID, orgID, assessmentID, since)
	return func() {
		switch {
		case read:
			c.put(k, version, fresh)
			*dst, *ver = slices.Clone(fresh), version
		case held != nil:
			*dst, *ver = slices.Clone(held.answers), held.version
		}
	}
}
