package vaern

import "time"

// This file is the knowledge module's shared vocabulary (issue 15): the posts of the knowledge
// base and the network's forum, their language versions, earlier versions, comments, attachments
// and topics, and a search hit. Who sees a post is its TLP label and audience (internal/access).

// PostKind is what a post is.
type PostKind string

const (
	PostArticle  PostKind = "post"     // an article of the knowledge base
	PostDocument PostKind = "document" // a document to read (a guide, a checklist)
	PostTemplate PostKind = "template" // a template to copy and adapt (a policy template)
	PostNews     PostKind = "news"     // news from the centre or the network
	PostThread   PostKind = "thread"   // a forum thread; its replies are comments
)

// PostKinds lists the knowledge base's kinds in the order forms show them (a thread is the
// forum's and is started there).
var PostKinds = []PostKind{PostArticle, PostDocument, PostTemplate, PostNews}

// Valid reports whether k is a kind.
func (k PostKind) Valid() bool {
	for _, x := range append(PostKinds, PostThread) {
		if x == k {
			return true
		}
	}
	return false
}

// PostLangs are the languages a post can be written in, in the order the editor shows them.
var PostLangs = []string{"da", "nb", "en"}

// PostText is a post's title and body in one language.
type PostText struct {
	Title string
	Body  string
}

// Post is a post of the knowledge base or a forum thread.
type Post struct {
	ID       int64
	CentreID int64 // the community: the centre whose network the post belongs to
	OwnerID  int64 // the organisation of its author (the centre or a member)
	Owner    string
	AuthorID int64
	Author   string
	Kind     PostKind
	TopicID  int64
	Topic    string
	// TLP and Audience as the warnings module writes them (Audience in the store's string form:
	// "members", "named:3,15", "group:DK/Region/small", "centre", "people:7").
	TLP      string
	Audience string
	// Texts are the language versions; Lang is the one it was first written in.
	Texts map[string]PostText
	Lang  string
	// The reader's version: Title and Body in ShownLang, which is not the reader's own language
	// when Fallback is set.
	Title, Body string
	ShownLang   string
	Fallback    bool
	Snippet     string // a search hit's matching text, marked as SearchHit.Snippet
	Version     int
	Useful      int
	MineUseful  bool
	Comments    int
	Attachments int
	CreatedAt   time.Time
	UpdatedAt   time.Time
	LastAt      time.Time // the last reply or edit (forum order)
	// Hidden is set while the centre keeps the post from everyone but itself and the author,
	// with the reason the author was given.
	Hidden       bool
	HiddenReason string
}

// PostVersion is an earlier version of a post, kept at every edit.
type PostVersion struct {
	PostID   int64
	Version  int
	Texts    map[string]PostText
	TLP      string
	Audience string
	EditedBy string
	EditedAt time.Time
}

// PostComment is a comment on a post, or a reply in a forum thread.
type PostComment struct {
	ID       int64
	PostID   int64
	OrgID    int64
	Org      string
	AuthorID int64
	Author   string
	Body     string
	At       time.Time
	// Hidden: the centre hid the comment (seen by the centre and its author only), and why.
	Hidden       bool
	HiddenReason string
}

// PostAttachment is a file attached to a post. Data is filled only when the file is downloaded.
type PostAttachment struct {
	ID        int64
	PostID    int64
	Name      string
	Type      string // the content type found by the content check
	Size      int
	Data      []byte
	CreatedAt time.Time
}

// Topic is a subject posts are filed under; forum topics hold the forum's threads.
type Topic struct {
	ID        int64
	CentreID  int64
	Names     map[string]string // per language
	Name      string            // in the reader's language
	Forum     bool
	Posts     int // the posts the reader may see in it
	Following bool
}

// PostFilter selects posts for a list or a search.
type PostFilter struct {
	Query   string   // the search as typed (for the form)
	Terms   []string // its words (knowledge.Terms); a search when set
	Kind    PostKind
	Forum   bool // threads (the forum) instead of the knowledge base's kinds
	TopicID int64
	TLP     string
	Lang    string // the reader's language
	Limit   int
	Offset  int
}

// PostList is a page of posts and how many match in all.
type PostList struct {
	Posts []Post
	Total int
}

// SearchHit is one search result: a post, an advisory or a framework's guidance.
type SearchHit struct {
	Source  string // "post", "advisory", "guidance"
	ID      int64
	Kind    PostKind // posts
	Title   string
	Snippet string // the matching text with the matches between \x02 and \x03 (see knowledge.Highlight)
	TLP     string
	Path    string // where it is read
	Rank    float64
}

// CommunityOf is the centre whose network o belongs to: the centre itself, or a member's centre.
func CommunityOf(o Org) int64 {
	if o.IsCentre() || o.ParentID == 0 {
		return o.ID
	}
	return o.ParentID
}
