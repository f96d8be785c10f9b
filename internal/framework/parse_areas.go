package framework

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

func (d *decoder) areas(n *node) []*Area {
	if n.kind != kSeq {
		d.add(n.line, "areas", "must be a list of areas")
		return nil
	}
	if len(n.items) == 0 {
		d.add(n.line, "areas", "must contain at least one area")
		return nil
	}
	areaSeen := map[string]int{}
	questionSeen := map[string]int{}
	var areas []*Area
	for i, item := range n.items {
		p := index("areas", i)
		o := d.object(item, p, "an area", "id", "title", "description", "questions")
		if o == nil {
			continue
		}
		a := &Area{}
		idOK := false
		if v, ok := d.required(o, "id"); ok {
			if id, ok := d.pattern(v, join(p, "id"), areaIDPattern, maxAreaIDLen,
				fmt.Sprintf("use upper-case letters and digits, starting with a letter, at most %d characters", maxAreaIDLen)); ok {
				if first, dup := areaSeen[id]; dup {
					d.add(v.line, join(p, "id"), "area %s is already defined on line %d", id, first)
				} else {
					areaSeen[id] = v.line
				}
				a.ID = id
				idOK = true
			}
		}
		if v, ok := d.required(o, "title"); ok {
			a.Title = d.text(v, join(p, "title"))
		}
		if v, ok := o.get("description"); ok {
			a.Description = d.text(v, join(p, "description"))
		}
		if v, ok := d.required(o, "questions"); ok {
			if v.kind != kSeq {
				d.add(v.line, join(p, "questions"), "must be a list of questions")
			} else if len(v.items) == 0 {
				d.add(v.line, join(p, "questions"), "must contain at least one question")
			} else {
				for j, qn := range v.items {
					areaID := ""
					if idOK {
						areaID = a.ID
					}
					if q := d.question(qn, index(join(p, "questions"), j), areaID, questionSeen); q != nil {
						a.Questions = append(a.Questions, q)
					}
				}
			}
		}
		areas = append(areas, a)
	}
	return areas
}

func (d *decoder) question(n *node, p, areaID string, seen map[string]int) *Question {
	o := d.object(n, p, "a question", "id", "text", "help", "audience", "scope", "answer", "not_relevant", "weight", "target", "levels", "recommendations", "choices", "refs")
	if o == nil {
		return nil
	}
	q := &Question{}
	if v, ok := d.required(o, "id"); ok {
		if id, ok := d.pattern(v, join(p, "id"), questionIDPattern, 64, "use AREA-NN, e.g. GOV-01"); ok {
			q.ID = id
			if first, dup := seen[id]; dup {
				d.add(v.line, join(p, "id"), "question %s is already defined on line %d", id, first)
			} else {
				seen[id] = v.line
			}
			if areaID != "" && !strings.HasPrefix(id, areaID+"-") {
				d.add(v.line, join(p, "id"), "%s must start with its area id (%s-)", id, areaID)
			}
		}
	}
	if v, ok := d.required(o, "text"); ok {
		q.Text = d.text(v, join(p, "text"))
	}
	if v, ok := o.get("help"); ok {
		q.Help = d.text(v, join(p, "help"))
	}
	if v, ok := d.required(o, "audience"); ok {
		if s, ok := d.str(v, join(p, "audience")); ok {
			switch Audience(s) {
			case AudienceManagement, AudienceIT, AudienceDepartment, AudienceSystemOwner:
				q.Audience = Audience(s)
			default:
				d.add(v.line, join(p, "audience"), "unknown audience %q (use management, it, department or system-owner)", s)
			}
		}
	}
	if v, ok := d.required(o, "scope"); ok {
		if s, ok := d.str(v, join(p, "scope")); ok {
			switch Scope(s) {
			case ScopeOrganisation, ScopeUnit:
				q.Scope = Scope(s)
			default:
				d.add(v.line, join(p, "scope"), "unknown scope %q (use organisation or unit)", s)
			}
		}
	}
	if v, ok := d.required(o, "answer"); ok {
		if s, ok := d.str(v, join(p, "answer")); ok {
			switch at := AnswerType(s); {
			case d.mapping && (at == AnswerText || at == AnswerChoice || at == AnswerNumber):
				q.Answer = at
			case d.mapping:
				d.add(v.line, join(p, "answer"), "unknown answer type %q for a mapping question (use text, choice or number)", s)
			case at == AnswerMaturity || at == AnswerYesPartlyNo:
				q.Answer = at
			default:
				d.add(v.line, join(p, "answer"), "unknown answer type %q (use maturity or yes-partly-no)", s)
			}
		}
	}
	if d.mapping {
		d.mappingQuestion(o, n, p, q)
		return q
	}
	if v, ok := o.get("choices"); ok {
		d.add(v.line, join(p, "choices"), "choices are only used by choice questions of a mapping framework")
	}
	if v, ok := o.get("not_relevant"); ok {
		if b, ok := d.boolean(v, join(p, "not_relevant")); ok {
			q.NotRelevant = &b
		}
	}
	if v, ok := d.required(o, "weight"); ok {
		if v.kind != kNumber || math.IsNaN(v.num) || math.IsInf(v.num, 0) {
			d.add(v.line, join(p, "weight"), "must be a number greater than 0")
		} else if v.num <= 0 {
			d.add(v.line, join(p, "weight"), "must be greater than 0, not %s", v.str)
		} else {
			q.Weight = v.num
		}
	}
	targetOK := false
	v, hasTarget := o.get("target")
	switch {
	case q.Answer == AnswerYesPartlyNo && hasTarget:
		d.add(v.line, join(p, "target"), "must be left out for yes-partly-no questions (their target is always yes)")
	case q.Answer == AnswerMaturity && !hasTarget:
		d.add(n.line, join(p, "target"), "is required for maturity questions")
	case hasTarget:
		if t, ok := d.integer(v, join(p, "target")); ok {
			if t < 1 || t > 5 {
				d.add(v.line, join(p, "target"), "must be a level from 1 to 5, not %d", t)
			} else if q.Answer == AnswerMaturity {
				q.Target = t
				targetOK = true
			}
		}
	}
	if v, ok := o.get("levels"); ok {
		if q.Answer == AnswerYesPartlyNo {
			d.add(v.line, join(p, "levels"), "levels are only used by maturity questions")
		} else {
			q.Levels = d.levels(v, join(p, "levels"))
		}
	}
	if v, ok := d.required(o, "recommendations"); ok {
		q.Recommendations = d.recommendations(v, join(p, "recommendations"), q.Answer, q.Target, targetOK)
	}
	if v, ok := o.get("refs"); ok {
		q.Refs = d.refs(v, join(p, "refs"))
	}
	return q
}

// mappingQuestion reads the rest of a mapping framework's question: its choices (choice
// questions only), refs, and none of the scoring keys. A mapping is answered once per member.
func (d *decoder) mappingQuestion(o *object, n *node, p string, q *Question) {
	if q.Scope == ScopeUnit {
		d.add(n.line, join(p, "scope"), "a mapping question is answered once per member: use organisation")
	}
	for _, k := range []string{"not_relevant", "weight", "target", "levels", "recommendations"} {
		if v, ok := o.get(k); ok {
			d.add(v.line, join(p, k), "must be left out in a mapping framework (it is not scored)")
		}
	}
	v, has := o.get("choices")
	switch {
	case q.Answer == AnswerChoice && !has:
		d.add(n.line, join(p, "choices"), "is required for choice questions")
	case q.Answer != AnswerChoice && has:
		d.add(v.line, join(p, "choices"), "choices are only used by choice questions")
	case has:
		q.Choices = d.choices(v, join(p, "choices"))
	}
	if v, ok := o.get("refs"); ok {
		q.Refs = d.refs(v, join(p, "refs"))
	}
}

func (d *decoder) choices(n *node, p string) []Choice {
	if n.kind != kSeq || len(n.items) == 0 {
		d.add(n.line, p, "must be a list of at least one {id, label}")
		return nil
	}
	var out []Choice
	seen := map[string]int{}
	for i, item := range n.items {
		ip := index(p, i)
		co := d.object(item, ip, "id and label", "id", "label")
		if co == nil {
			continue
		}
		var c Choice
		if v, ok := d.required(co, "id"); ok {
			if id, ok := d.pattern(v, join(ip, "id"), frameworkIDPattern, 64, "use lower-case letters, digits and '-'"); ok {
				if first, dup := seen[id]; dup {
					d.add(v.line, join(ip, "id"), "choice %s is already defined on line %d", id, first)
				} else {
					seen[id] = v.line
				}
				c.ID = id
			}
		}
		if v, ok := d.required(co, "label"); ok {
			c.Label = d.text(v, join(ip, "label"))
		}
		out = append(out, c)
	}
	return out
}

func (d *decoder) levels(n *node, p string) map[int]Text {
	if n.kind != kMap {
		d.add(n.line, p, "must be a mapping from level (0..5) to text")
		return nil
	}
	levels := map[int]Text{}
	for _, e := range n.entries {
		lv, err := strconv.Atoi(e.key)
		if err != nil || lv < 0 || lv > 5 || strconv.Itoa(lv) != e.key {
			d.add(e.line, join(p, e.key), "unknown level (use 0 to 5)")
			continue
		}
		levels[lv] = d.text(e.val, join(p, e.key))
	}
	for lv := 0; lv <= 5; lv++ {
		if _, ok := levels[lv]; !ok && !hasKey(n, strconv.Itoa(lv)) {
			d.add(n.line, join(p, strconv.Itoa(lv)), "is missing (question-specific levels must define all of 0 to 5)")
		}
	}
	return levels
}

func hasKey(n *node, key string) bool {
	for _, e := range n.entries {
		if e.key == key {
			return true
		}
	}
	return false
}

func (d *decoder) recommendations(n *node, p string, answer AnswerType, target int, targetOK bool) map[string]Text {
	if n.kind != kMap {
		d.add(n.line, p, "must be a mapping from answer (a level below the target, or no/partly) to text")
		return nil
	}
	var want []string
	switch answer {
	case AnswerMaturity:
		if targetOK {
			for lv := 0; lv < target; lv++ {
				want = append(want, strconv.Itoa(lv))
			}
		}
	case AnswerYesPartlyNo:
		want = []string{RecommendNo, RecommendPartly}
	}
	checkKeys := answer == AnswerYesPartlyNo || (answer == AnswerMaturity && targetOK)
	recs := map[string]Text{}
	for _, e := range n.entries {
		field := join(p, e.key)
		if checkKeys && !contains(want, e.key) {
			switch {
			case answer == AnswerYesPartlyNo:
				d.add(e.line, field, "unknown key (yes-partly-no questions take recommendations for no and partly)")
			case isLevelKey(e.key):
				d.add(e.line, field, "not needed: level %s is not below the target %d", e.key, target)
			default:
				d.add(e.line, field, "unknown key (maturity questions take recommendations for the levels 0 to %d)", target-1)
			}
			continue
		}
		recs[e.key] = d.text(e.val, field)
	}
	for _, k := range want {
		if !hasKey(n, k) {
			if answer == AnswerMaturity {
				d.add(n.line, join(p, k), "is missing (every level below the target %d needs a recommendation)", target)
			} else {
				d.add(n.line, join(p, k), "is missing (yes-partly-no questions need recommendations for no and partly)")
			}
		}
	}
	return recs
}

func isLevelKey(k string) bool {
	return len(k) == 1 && k[0] >= '0' && k[0] <= '5'
}

func (d *decoder) refs(n *node, p string) []Ref {
	if n.kind != kSeq {
		d.add(n.line, p, "must be a list of references such as \"iso27001:A.5.1\"")
		return nil
	}
	var refs []Ref
	seen := map[string]int{}
	for i, item := range n.items {
		ip := index(p, i)
		s, ok := d.str(item, ip)
		if !ok {
			continue
		}
		r, ok := ParseRef(s)
		if !ok {
			d.add(item.line, ip, "%q is not a reference: write scheme:id, e.g. iso27001:A.5.1", s)
			continue
		}
		if err := r.Valid(); err != nil {
			d.add(item.line, ip, "%s", err.Error())
			continue
		}
		if first, dup := seen[s]; dup {
			d.add(item.line, ip, "%s is already listed on line %d", s, first)
			continue
		}
		seen[s] = item.line
		refs = append(refs, r)
	}
	return refs
}
