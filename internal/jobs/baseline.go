package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	_ "time/tzdata" // deadlines are Copenhagen dates, also on servers without a zoneinfo database

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/store"
)

// Reminder kinds: how long before a round's deadline they go out. Each goes to a person once per
// round.
var reminderKinds = []struct {
	Kind   string
	Before time.Duration
}{
	{"1d", 24 * time.Hour},
	{"7d", 7 * 24 * time.Hour},
}

// deadlineZone is where round dates are meant (Oslo keeps the same time).
var deadlineZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // cannot happen with time/tzdata linked in
	}
	return loc
}()

// BaselineWorker keeps the baseline rounds on schedule: it closes rounds when their deadline has
// passed (and locks reopened assessments again when their extension ends), and reminds whoever
// still has questions open a week and a day before the deadline.
type BaselineWorker struct {
	St      *store.Store
	Cat     *i18n.Catalog
	BaseURL string // for the link to the assessment in reminders
	Log     *slog.Logger
	// Wake, when set, is called after reminders were queued so the mail worker sends them at once.
	Wake func()
	// BenchmarkK is the smallest group the benchmark shows (default 5); closed rounds get their
	// results and aggregates computed with it.
	BenchmarkK int
}

// NewBaselineWorker returns the work of the periodic job BaselineKind.
func NewBaselineWorker(st *store.Store, cat *i18n.Catalog, baseURL string, log *slog.Logger) *BaselineWorker {
	return &BaselineWorker{St: st, Cat: cat, BaseURL: strings.TrimRight(baseURL, "/"), Log: log}
}

// BaselineResult says what one run did.
type BaselineResult struct {
	Closed    []int64 // rounds closed
	Reminders int     // reminders queued
}

// RunOnce closes due rounds and queues due reminders at the store's current time. A failure with
// one round is logged and does not stop the others.
func (w *BaselineWorker) RunOnce(ctx context.Context) (BaselineResult, error) {
	var res BaselineResult
	now := w.St.Now()
	closed, err := w.St.CloseDueRounds(ctx, now)
	if err != nil {
		return res, fmt.Errorf("close due rounds: %w", err)
	}
	res.Closed = closed
	for _, id := range closed {
		w.Log.Info("baseline: round closed at its deadline", "round", id)
	}
	w.computeResults(ctx)
	rounds, err := w.St.OpenRoundsClosingBefore(ctx, now.Add(reminderKinds[len(reminderKinds)-1].Before))
	if err != nil {
		return res, fmt.Errorf("rounds closing soon: %w", err)
	}
	var errs []error
	for _, r := range rounds {
		if now.Before(r.OpensAt) || !now.Before(r.ClosesAt) {
			continue
		}
		n, err := w.remind(ctx, r, now)
		res.Reminders += n
		if err != nil {
			w.Log.Error("baseline: reminders", "round", r.ID, "err", err)
			errs = append(errs, fmt.Errorf("round %d: %w", r.ID, err))
		}
	}
	if res.Reminders > 0 {
		w.Log.Info("baseline: reminders queued", "count", res.Reminders)
		if w.Wake != nil {
			w.Wake()
		}
	}
	return res, errors.Join(errs...)
}

// recipient is one person to remind in one member, with what they still have to do.
type recipient struct {
	user        vaern.User
	coordinator bool // the assessment is not submitted and they coordinate it
	open        int  // questions delegated to them (or their unit) without an answer
}

// remind queues the reminders of the most urgent kind due for round r.
func (w *BaselineWorker) remind(ctx context.Context, r vaern.Round, now time.Time) (int, error) {
	kind := ""
	for _, k := range reminderKinds {
		if r.ClosesAt.Sub(now) <= k.Before {
			kind = k.Kind
			break
		}
	}
	if kind == "" {
		return 0, nil
	}
	_, fw, err := w.St.Framework(ctx, r.FrameworkID)
	if err != nil {
		return 0, err
	}
	assessments, err := w.St.RoundAssessments(ctx, r.ID)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, a := range assessments {
		// Submitted and closed assessments need nothing; a reopened one runs to its own date.
		if a.Status != vaern.AssessmentOpen {
			continue
		}
		org, err := w.St.Org(ctx, r.CentreID, a.OrgID)
		if err != nil {
			return sent, err
		}
		people, err := w.St.OrgUsers(ctx, a.OrgID)
		if err != nil {
			return sent, err
		}
		delegations, err := w.St.Delegations(ctx, a.OrgID, a.ID)
		if err != nil {
			return sent, err
		}
		answers, err := w.St.Answers(ctx, a.OrgID, a.ID)
		if err != nil {
			return sent, err
		}
		answered := map[string]bool{}
		for _, x := range answers {
			// A returned answer is back with the respondent: it still needs work.
			if x.Status != vaern.AnswerReturned {
				answered[fmt.Sprintf("%s|%d", x.QuestionID, x.UnitID)] = true
			}
		}
		byUser := map[int64]*recipient{}
		get := func(m vaern.Member) *recipient {
			rc, ok := byUser[m.ID]
			if !ok {
				rc = &recipient{user: m.User}
				byUser[m.ID] = rc
			}
			return rc
		}
		for _, m := range people {
			if m.Role == vaern.RoleCoordinator {
				get(m).coordinator = true
			}
		}
		for _, slot := range baseline.Slots(fw, baseline.AnsweringUnits(a, delegations)) {
			if answered[fmt.Sprintf("%s|%d", slot.Q.ID, slot.Unit)] {
				continue
			}
			// Each person counts a slot once, even when two delegations hand it to them.
			counted := map[int64]bool{}
			for _, d := range delegations {
				if !baseline.Covers(d, fw, slot.Q, slot.Unit) {
					continue
				}
				for _, m := range people {
					if counted[m.ID] || !(m.ID == d.AssigneeUserID || (d.AssigneeUnitID != 0 && m.UnitID == d.AssigneeUnitID)) {
						continue
					}
					counted[m.ID] = true
					get(m).open++
				}
			}
		}
		for _, m := range people { // in a stable order
			rc, ok := byUser[m.ID]
			if !ok || rc.user.Disabled || rc.user.Email == "" || (!rc.coordinator && rc.open == 0) {
				continue
			}
			mail := w.reminderMail(rc, org, r, a, kind)
			ok, err := w.St.ReminderSent(ctx, r.ID, rc.user.ID, kind, mail)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}

// langFor is the recipient's language: their own choice, else the member's country's.
func langFor(u vaern.User, org vaern.Org) string {
	if u.Lang != "" {
		return u.Lang
	}
	if org.Country == "NO" {
		return "nb"
	}
	return "da"
}

// LastDay is the last calendar day on which answers can be changed: rounds close at the start of
// the following day.
func lastDay(closesAt time.Time) string {
	return closesAt.Add(-time.Nanosecond).In(deadlineZone).Format(time.DateOnly)
}

func (w *BaselineWorker) reminderMail(rc *recipient, org vaern.Org, r vaern.Round, a vaern.Assessment, kind string) vaern.Mail {
	l := w.Cat.For(langFor(rc.user, org))
	name := rc.user.Name
	if name == "" {
		name = rc.user.Email
	}
	var b strings.Builder
	b.WriteString(l.T("bc.mail.reminder.hello", name))
	b.WriteString("\n\n")
	if rc.coordinator {
		b.WriteString(l.T("bc.mail.reminder.coordinator", org.Name, r.Title))
		b.WriteString("\n")
	}
	if rc.open > 0 {
		b.WriteString(l.T("bc.mail.reminder.delegate", rc.open, r.Title))
		b.WriteString("\n")
	}
	b.WriteString(l.T("bc.mail.reminder.deadline", lastDay(r.ClosesAt)))
	b.WriteString("\n\n")
	b.WriteString(l.T("bc.mail.reminder.link", fmt.Sprintf("%s/baseline/%d", w.BaseURL, a.ID)))
	b.WriteString("\n\n")
	b.WriteString(l.T("bc.mail.reminder.footer"))
	return vaern.Mail{To: rc.user.Email, Subject: l.T("bc.mail.reminder_"+kind+".subject", r.Title), Body: b.String()}
}
