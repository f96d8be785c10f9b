package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/advisory"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/warnings"
)

// The warnings module's jobs (issue 12):
//
//	warnings.match         matches advisories after an import, a publication or a revision
//	warnings.match-system  matches a member's systems whose identity changed
//	warnings.notify        tells people of new exposure events, once each
//	warnings.escalate      periodic: overdue exposures to the coordinators; a safety net for
//	                       systems waiting to be matched
//	warnings.feed          periodic: fetches the configured KEV and CSAF provider feeds
func warningsJobs(reg *Registry, c Config) {
	run := warnings.NewRunner(c.St, true)
	reg.Handle(store.WarningsMatchKind, Kind{Timeout: 30 * time.Minute, Handle: func(ctx context.Context, r *Run) error {
		var a store.MatchArgs
		if err := r.Decode(&a); err != nil {
			return err
		}
		st, err := run.MatchAdvisories(ctx, a.AdvisoryIDs)
		if err == nil && c.Log != nil {
			c.Log.Info("warnings matched", "advisories", st.Advisories, "assets", st.Assets, "matches", st.Matches, "events", st.Events, "took", st.Took)
		}
		return err
	}})
	reg.Handle(store.WarningsMatchSystemKind, Kind{Timeout: 10 * time.Minute, Handle: func(ctx context.Context, r *Run) error {
		var a store.MatchSystemArgs
		if err := r.Decode(&a); err != nil {
			return err
		}
		// A change made while this runs marks its system again; match until none waits.
		for range 5 {
			st, err := run.MatchPending(ctx, a.OrgID)
			if err != nil || st.Assets == 0 {
				return err
			}
		}
		return nil
	}})
	n := c.Notify
	if n == nil {
		n = notify.New(c.Cat, c.BaseURL)
	}
	wn := &warningsNotifier{n: n, c: c}
	reg.Handle(store.WarningsNotifyKind, Kind{Timeout: 10 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		for {
			k, err := c.St.NotifyExposureEvents(ctx, 500, func(tx *store.Tx, ev store.PendingExposureEvent) error { return wn.tell(ctx, tx, ev) })
			if err != nil || k < 500 {
				return err
			}
		}
	}})
	reg.Handle(store.WarningsEscalateKind, Kind{Timeout: 10 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		_, err := c.St.EscalateOverdue(ctx)
		orgs, err2 := c.St.PendingOrgs(ctx)
		for _, org := range orgs {
			if _, e := run.MatchPending(ctx, org); e != nil {
				err2 = errors.Join(err2, e)
			}
		}
		return errors.Join(err, err2)
	}})
	reg.Every(store.WarningsEscalateKind, time.Hour, nil)
	client := c.FeedClient
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Minute}
	}
	reg.Handle(store.WarningsFeedKind, Kind{Timeout: 30 * time.Minute, Handle: func(ctx context.Context, _ *Run) error {
		return FetchFeeds(ctx, c.St, client)
	}})
	reg.Every(store.WarningsFeedKind, 6*time.Hour, nil)
}

// FetchFeeds fetches every configured feed once: a KEV catalogue by its address, a CSAF provider
// through its provider-metadata.json (documents already held unchanged are skipped). What it
// reads is imported, published and queued for matching; each feed records its outcome.
func FetchFeeds(ctx context.Context, st *store.Store, client *http.Client) error {
	feeds, err := st.WarningFeeds(ctx)
	if err != nil {
		return err
	}
	centre, err := st.Centre(ctx)
	if err != nil {
		return err
	}
	actor := vaern.System("feed")
	var errs []error
	for _, f := range feeds {
		if !f.Enabled {
			continue
		}
		known := map[string]string{}
		_ = json.Unmarshal([]byte(f.Known), &known)
		result, err := fetchFeed(ctx, st, client, actor, centre.ID, f, known)
		if err != nil {
			result = "error: " + warnings.ErrorText(err)
			errs = append(errs, fmt.Errorf("feed %s: %w", f.URL, err))
		}
		b, _ := json.Marshal(known)
		if err := st.FeedFetched(ctx, f.ID, string(b), result); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func fetchFeed(ctx context.Context, st *store.Store, client *http.Client, actor vaern.Actor, centreID int64, f store.WarningFeed, known map[string]string) (string, error) {
	switch f.Kind {
	case "kev":
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
		if err != nil {
			return "", err
		}
		if et := known[f.URL]; et != "" {
			req.Header.Set("If-None-Match", et)
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusNotModified {
			return "unchanged", nil
		}
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("the feed answered %s", resp.Status)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, advisory.Limits.MaxBytes+1))
		if err != nil {
			return "", err
		}
		im, err := warnings.ImportFile(ctx, st, actor, centreID, f.URL, data, false, true)
		if err != nil {
			return "", err
		}
		if et := resp.Header.Get("ETag"); et != "" {
			known[f.URL] = et
		}
		return fmt.Sprintf("%d advisories, %d new or changed", len(im.Saved), len(im.Changed())), nil
	case "csaf":
		docs, err := advisory.FetchProvider(ctx, client, f.URL, func(u string) (string, bool) {
			v, ok := known[u]
			return v, ok
		})
		if err != nil {
			return "", err
		}
		imported, failed := 0, 0
		for _, d := range docs {
			if _, err := warnings.ImportFile(ctx, st, actor, centreID, d.URL, d.Data, false, true); err != nil {
				failed++
				continue
			}
			imported++
			known[d.URL] = d.SHA256
			if d.ETag != "" {
				known[d.URL] = d.ETag
			}
		}
		return fmt.Sprintf("%d documents imported, %d refused", imported, failed), nil
	}
	return "", fmt.Errorf("unknown feed kind %q", f.Kind)
}

// warningsNotifier turns exposure events into notifications.
type warningsNotifier struct {
	n *notify.Notifier
	c Config
}

func (w *warningsNotifier) tell(ctx context.Context, tx *store.Tx, ev store.PendingExposureEvent) error {
	var kind string
	switch ev.Kind {
	case "opened", "reopened":
		kind = notify.WarningExposure
		if ev.Tier == vaern.TierConfirm {
			kind = notify.WarningConfirm
		}
		if ev.Tier == vaern.TierTriage {
			return nil // never a member notification
		}
	case "closed":
		kind = notify.WarningClosed
	case "status":
		kind = notify.WarningStatus
	case "escalated":
		kind = notify.WarningOverdue
	default:
		return nil
	}
	k, _ := notify.Lookup(kind)
	all, err := tx.Recipients(ctx, ev.OrgID)
	if err != nil {
		return err
	}
	var to []vaern.Recipient
	switch kind {
	case notify.WarningOverdue:
		to = notify.Coordinators(k, all, 0)
	case notify.WarningStatus:
		to = append(notify.People(k, all, ev.ActorID, ev.SystemOwnerID), notify.Coordinators(k, all, ev.ActorID)...)
		to = uniqueRecipients(to)
	default:
		to = notify.Owners(k, all, ev.SystemOwnerID, ev.DataOwnerID)
	}
	due := ""
	if !ev.Due.IsZero() {
		due = ev.Due.In(notify.Zone).Format(time.DateOnly)
	}
	explain := func(lang string) string {
		if e, ok := warnings.EvidenceOf(store.ExposureRow{EvidenceJSON: ev.EvidenceJSON}); ok {
			l := w.c.Cat.For(lang)
			return warnings.EvidenceText(l.T, e)
		}
		return ev.Evidence
	}
	path := "/warnings/exposures/" + strconv.FormatInt(ev.ExposureID, 10)
	var texts map[string]vaern.AdvisoryText
	_ = json.Unmarshal([]byte(ev.AdvisoryTextsJSON), &texts)
	title := func(lang string) string {
		if t := texts[lang].Title; t != "" {
			return t
		}
		return ev.AdvisoryTitle
	}
	args := func(r vaern.Recipient) []any {
		l := w.c.Cat.For(r.Lang)
		d := due
		if d == "" {
			d = l.T("wn.no_due")
		}
		return []any{ev.SystemName, ev.AdvisorySourceID, title(r.Lang), d, explain(r.Lang), l.T("wn.status." + string(ev.To))}
	}
	if _, err := w.n.Send(ctx, tx, notify.Event{Kind: kind, OrgID: ev.OrgID, Path: path, To: to, Args: args,
		Dedupe: "warnings:event:" + strconv.FormatInt(ev.ID, 10),
		Data: map[string]any{"exposure_id": ev.ExposureID, "advisory_id": ev.AdvisoryID, "system_id": ev.SystemID,
			"source_id": ev.AdvisorySourceID, "tier": string(ev.Tier), "status": string(ev.To), "due": due}}); err != nil {
		return err
	}
	// An owner outside Værn (a contact with an e-mail) is warned by e-mail.
	if (kind == notify.WarningExposure || kind == notify.WarningConfirm) && ev.SystemOwnerID == 0 && ev.OwnerContactEmail != "" {
		lang := "da"
		if len(all) > 0 {
			lang = all[0].Lang
		}
		title, body := w.n.Texts(kind, lang, args(vaern.Recipient{Lang: lang}))
		l := w.c.Cat.For(lang)
		return tx.EnqueueMail(ctx, vaern.Mail{To: ev.OwnerContactEmail, Subject: title,
			Body: l.T("nt.mail.hello", ev.OwnerContactName) + "\n\n" + body + "\n\n" + l.T("wn.mail.contact")})
	}
	return nil
}

func uniqueRecipients(rs []vaern.Recipient) []vaern.Recipient {
	seen := map[int64]bool{}
	var out []vaern.Recipient
	for _, r := range rs {
		if !seen[r.UserID] {
			seen[r.UserID] = true
			out = append(out, r)
		}
	}
	return out
}
