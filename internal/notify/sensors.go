package notify

import (
	"context"
	"fmt"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// earlyAdvisoryNotice tells the members an advisory drafted from an early warning is addressed to
// that the centre published it. It names no product, so the register matcher warns nobody; this
// is how the members hear of it. Other advisories pass: their exposures tell the owners.
func (n *Notifier) earlyAdvisoryNotice(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	x, ok, err := tx.EarlyAdvisoryForNotice(ctx, objectID(c))
	if err != nil || !ok {
		return err
	}
	k, _ := Lookup(EarlyWarningAdvisory)
	for _, org := range x.Members {
		all, err := tx.Recipients(ctx, org)
		if err != nil {
			return err
		}
		to := Everyone(k, all)
		if x.People != nil {
			to = People(k, all, 0, x.People...)
		}
		if len(to) == 0 {
			continue
		}
		if _, err := n.Send(ctx, tx, Event{Kind: EarlyWarningAdvisory, OrgID: org, Path: fmt.Sprintf("/warnings/advisories/%d", x.AdvisoryID),
			Dedupe: fmt.Sprintf("early_warning_advisory:%d:org:%d", x.AdvisoryID, org), To: to,
			Args: func(r vaern.Recipient) []any { return []any{advisoryTitle(x.Advisory, r.Lang), x.Value} },
			Data: map[string]any{"advisory_id": x.AdvisoryID, "early_warning_id": x.WarningID}}); err != nil {
			return err
		}
	}
	return nil
}

// advisoryTitle is the advisory's title in lang: the analyst's wording, else the source's.
func advisoryTitle(adv vaern.Advisory, lang string) string {
	if t, ok := adv.Texts[lang]; ok && t.Title != "" {
		return t.Title
	}
	return adv.Title
}
