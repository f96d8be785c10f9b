// Package knowledge holds the knowledge base's and the forum's rules: what a post must be, who
// may write one, the attachment type check, the search query's words and the safe highlighting
// of snippets, the reader's language version, and the comparison of versions. The store runs
// Rules inside its transactions.
package knowledge

import (
	"strings"
	"unicode/utf8"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

// Limits of a post's texts.
const (
	MaxTitle   = 300
	MaxBody    = 100_000
	MaxComment = 20_000
	MaxReason  = 1_000
)

// Rules are the module's write guards, run by the store inside the writing transaction.
type Rules struct{}

// MayAuthor reports whether a person may write a post of kind: the centre's analysts always; a
// member's coordinator only when the centre allows that member's people to author (allowed), and
// always in the forum, which is the coordinators' own network.
func (Rules) MayAuthor(role vaern.Role, centre, allowed bool, kind vaern.PostKind) bool {
	if kind == vaern.PostThread {
		return vaern.Can(role, vaern.PermForumPost)
	}
	if !vaern.Can(role, vaern.PermKnowledgeWrite) {
		return false
	}
	return centre || allowed
}

// CleanPost trims and validates a post, naming the first wrong field: at least one language
// version with a title, the kind, the TLP label and the audience (as the access rules take them).
func (Rules) CleanPost(p *vaern.Post, aud access.Audience) error {
	if !p.Kind.Valid() {
		return vaern.Invalid("kind", "must be post, document, template, news or thread")
	}
	texts := map[string]vaern.PostText{}
	for lang, t := range p.Texts {
		if !validLang(lang) {
			return vaern.Invalid("lang", "must be da, nb or en")
		}
		t.Title = strings.TrimSpace(Clean(t.Title))
		t.Body = strings.TrimSpace(Clean(t.Body))
		if t.Title == "" && t.Body == "" {
			continue
		}
		switch {
		case t.Title == "":
			return vaern.Invalid("title_"+lang, "is required when the text is given")
		case utf8.RuneCountInString(t.Title) > MaxTitle:
			return vaern.Invalid("title_"+lang, "is longer than %d characters", MaxTitle)
		case len(t.Body) > MaxBody:
			return vaern.Invalid("body_"+lang, "is longer than %d bytes", MaxBody)
		}
		texts[lang] = t
	}
	if len(texts) == 0 {
		return vaern.Invalid("title", "give a title in at least one language")
	}
	p.Texts = texts
	if _, ok := texts[p.Lang]; !ok {
		for _, l := range vaern.PostLangs {
			if _, ok := texts[l]; ok {
				p.Lang = l
				break
			}
		}
	}
	tlp, ok := access.ParseTLP(p.TLP)
	if !ok || tlp == "" {
		return vaern.Invalid("tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	}
	p.TLP = string(tlp)
	return access.Object{Owner: p.OwnerID, TLP: tlp, Audience: aud}.Validate()
}

// CleanComment trims and validates a comment or a reply.
func (Rules) CleanComment(body string) (string, error) {
	body = strings.TrimSpace(Clean(body))
	switch {
	case body == "":
		return "", vaern.Invalid("body", "is required")
	case len(body) > MaxComment:
		return "", vaern.Invalid("body", "is longer than %d bytes", MaxComment)
	}
	return body, nil
}

// CleanReason trims and validates the reason the centre gives for hiding or deleting a post or a
// comment: the author is told it, and the audit log keeps it, so it cannot be left out.
func (Rules) CleanReason(reason string) (string, error) {
	reason = strings.TrimSpace(Clean(reason))
	switch {
	case reason == "":
		return "", vaern.Invalid("reason", "is required: the author is told why")
	case len(reason) > MaxReason:
		return "", vaern.Invalid("reason", "is longer than %d bytes", MaxReason)
	}
	return reason, nil
}

// MayModerate reports whether a person may hide or delete posts and comments of a community:
// only the community's own centre (acting as the centre), with the moderation permission.
func (Rules) MayModerate(role vaern.Role, centreOrg bool) bool {
	return centreOrg && vaern.Can(role, vaern.PermKnowledgeManage)
}

// CleanTopic trims and validates a topic's names.
func (Rules) CleanTopic(names map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for _, l := range vaern.PostLangs {
		n := strings.TrimSpace(Clean(names[l]))
		if utf8.RuneCountInString(n) > 100 {
			return nil, vaern.Invalid("name_"+l, "is longer than 100 characters")
		}
		if n != "" {
			out[l] = n
		}
	}
	if len(out) == 0 {
		return nil, vaern.Invalid("name_da", "give the topic a name in at least one language")
	}
	return out, nil
}

// SniffAttachment is the attachment type check (SniffAttachment), for the store.
func (Rules) SniffAttachment(name string, data []byte) (string, error) {
	return SniffAttachment(name, data)
}

func validLang(l string) bool { return l == "da" || l == "nb" || l == "en" }
