package web

import (
	"sync"

	"github.com/vaern/vaern"
)

// The rendered questions of focus-area pages, kept between requests. What renderQuestions writes
// depends on the framework (and its version), the language, the answers with their evidence and
// the names shown with them (all under the answers' version, store.AssessmentPage), and on what
// the person may do with each question (answer it, review it); the key holds all of these, so
// that a page is only ever reused for the same questions, answers and rights. A save, a review,
// new evidence or a renamed respondent moves the version, and the next page renders anew.

// maxAreaPartBytes bounds the kept pages (about 100–400 KB each).
const maxAreaPartBytes = 32 << 20

type areaPartKey struct {
	assessment, version int64
	framework, fwAt     int64
	lang, area          string
	unit                int64
	rights              string // per question on the page: 'a' may answer, '-' not; then 'r' if reviewing
}

type areaPartCache struct {
	mu   sync.Mutex
	m    map[areaPartKey][]byte
	size int
}

func newAreaPartCache() *areaPartCache { return &areaPartCache{m: map[areaPartKey][]byte{}} }

// areaPartKeyFor is the key of the questions views render to in language lang.
func areaPartKeyFor(info vaern.FrameworkInfo, assessment, version int64, lang, area string, unit int64, views []answerView) areaPartKey {
	rights := make([]byte, 0, len(views)+1)
	review := false
	for _, v := range views {
		if v.MayAnswer {
			rights = append(rights, 'a')
		} else {
			rights = append(rights, '-')
		}
		review = review || v.MayReview
	}
	if review {
		rights = append(rights, 'r')
	}
	return areaPartKey{assessment: assessment, version: version, framework: info.ID, fwAt: info.UpdatedAt.UnixMilli(),
		lang: lang, area: area, unit: unit, rights: string(rights)}
}

// get returns the kept bytes for k (never to be changed by the caller), or nil.
func (c *areaPartCache) get(k areaPartKey) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

// put keeps a copy of part under k; when the budget is spent, the kept pages are dropped first
// (a page rendered again costs one render).
func (c *areaPartCache) put(k areaPartKey, part []byte) {
	if len(part) > maxAreaPartBytes/8 {
		return
	}
	kept := append([]byte(nil), part...)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		c.size -= len(old)
	}
	if c.size+len(kept) > maxAreaPartBytes {
		clear(c.m)
		c.size = 0
	}
	c.m[k] = kept
	c.size += len(kept)
}
