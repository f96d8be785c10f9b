package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/store"
)

// baselineApprove approves many answers at once: the ticked ones (item=QUESTION|UNIT), or every
// answer waiting for approval in a focus area (a) and/or for a unit (unit; 0 is the
// organisation). It is a plain form post, so it works without JavaScript.
func (s *Server) baselineApprove(w http.ResponseWriter, r *http.Request) {
	x, err := s.loadAssessment(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.answerErr(w, r, vaern.Invalid("form", "could not be read"))
		return
	}
	if !x.Editable {
		s.answerErr(w, r, store.ErrLocked)
		return
	}
	sel, err := approveSelection(r, x)
	if err != nil {
		s.answerErr(w, r, err)
		return
	}
	ad, err := s.loadAnswered(r.Context(), x.P.Org.ID, x.A)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	am := answerMap(ad.Answers)
	pending := baseline.Pending(x.F, ad.Units, answerStatus(am), sel)
	slots := make([]store.Slot, len(pending))
	for i, sl := range pending {
		slots[i] = store.Slot{QuestionID: sl.Q.ID, UnitID: sl.Unit}
	}
	flash := "rv.flash.none_pending"
	if len(slots) > 0 {
		n, err := s.st.ApproveAnswers(r.Context(), x.P.Actor(s.clientIP(r)), x.P.Org.ID, x.A.ID, slots)
		if err != nil {
			s.answerErr(w, r, err)
			return
		}
		if n > 0 {
			flash = "rv.flash.approved_many"
		}
	}
	s.redirect(w, r, backTo(r, "/baseline/"+strconv.FormatInt(x.A.ID, 10)), flash)
}

// approveSelection reads which answers the bulk approval is about.
func approveSelection(r *http.Request, x *assessment) (baseline.Selection, error) {
	var sel baseline.Selection
	if items := r.PostForm["item"]; len(items) > 0 {
		sel.Items = map[baseline.SlotID]bool{}
		for _, it := range items {
			q, u, ok := strings.Cut(it, "|")
			unit, err := strconv.ParseInt(u, 10, 64)
			if !ok || err != nil {
				return sel, vaern.Invalid("item", "is not a question and unit")
			}
			sel.Items[baseline.SlotID{Q: q, Unit: unit}] = true
		}
		return sel, nil
	}
	if r.PostForm.Has("item_list") {
		// The form of ticked answers was sent with none ticked: approve nothing rather than all.
		return baseline.Selection{Items: map[baseline.SlotID]bool{}}, nil
	}
	if a := r.PostForm.Get("a"); a != "" {
		if _, ok := x.F.Area(a); !ok {
			return sel, vaern.Invalid("a", "is not a focus area of this framework")
		}
		sel.Area = a
	}
	if u := r.PostForm.Get("unit"); u != "" {
		unit, err := strconv.ParseInt(u, 10, 64)
		if err != nil || (unit != 0 && !x.unitOf(unit)) {
			return sel, vaern.ErrNotFound
		}
		sel.ForUnit, sel.Unit = true, unit
	}
	return sel, nil
}

// answerStatus gives the status of an answer for the baseline rules: an answer saved without a
// value counts as not answered (unless approved so), so that it is neither approved in bulk nor
// counted as waiting; the approved ones are those the submission counts.
func answerStatus(am map[slotKey]vaern.Answer) func(q string, unit int64) string {
	return func(q string, unit int64) string {
		a, ok := am[slotKey{q, unit}]
		if !ok || (a.Value == "" && a.Status != vaern.AnswerApproved) {
			return ""
		}
		return a.Status
	}
}
