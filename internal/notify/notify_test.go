package notify

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
)

func ids(rs []vaern.Recipient) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.UserID)
	}
	return out
}

func same(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWhoGetsWhat: each rule keeps those who may act on the kind, never the actor, never a
// disabled person.
func TestWhoGetsWhat(t *testing.T) {
	const unit, other = 10, 11
	people := []vaern.Recipient{
		{UserID: 1, Role: vaern.RoleCoordinator, Email: "k@x.dk"},
		{UserID: 2, Role: vaern.RoleRespondent, UnitID: unit, Email: "r@x.dk"},
		{UserID: 3, Role: vaern.RoleViewer, UnitID: unit, Email: "v@x.dk"},
		{UserID: 4, Role: vaern.RoleRespondent, UnitID: unit, Email: "d@x.dk", Disabled: true},
		{UserID: 5, Role: vaern.RoleRespondent, UnitID: other, Email: "o@x.dk"},
		{UserID: 6, Role: vaern.RoleCoordinator, Email: "k2@x.dk"},
	}
	kind := func(name string) Kind { k, _ := Lookup(name); return k }
	cases := []struct {
		name string
		got  []vaern.Recipient
		want []int64
	}{
		{"delegated to a respondent", Delegates(people, 1, 2, 0), []int64{2}},
		{"delegated to a viewer: nobody, a viewer cannot answer", Delegates(people, 1, 3, 0), nil},
		{"delegated to a disabled person: nobody", Delegates(people, 1, 4, 0), nil},
		{"delegated to a unit: who can answer in it", Delegates(people, 1, 0, unit), []int64{2}},
		{"delegated to an empty unit", Delegates(people, 1, 0, 99), nil},
		{"a coordinator delegating to themselves is not told", Delegates(people, 1, 1, 0), nil},
		{"round opened: the coordinators", Coordinators(kind(RoundOpened), people, 0), []int64{1, 6}},
		{"round opened by a coordinator's own hand: the other", Coordinators(kind(RoundOpened), people, 6), []int64{1}},
		{"answer returned to its respondent", People(kind(AnswerReturned), people, 1, 2), []int64{2}},
		{"answer approved, given by the approver: nobody", People(kind(AnswerApproved), people, 1, 1), nil},
		{"action owner may be a viewer: they read the plan", People(kind(ActionOwner), people, 1, 3), []int64{3}},
		{"risk review: the system owner", Owners(kind(RiskReview), people, 2, 5), []int64{2}},
		{"risk review: a viewer owner cannot edit, the data owner can", Owners(kind(RiskReview), people, 3, 5), []int64{5}},
		{"risk review: no one who can act, the coordinators", Owners(kind(RiskReview), people, 3, 0), []int64{1, 6}},
		{"agreement review: someone outside the list is never told", Owners(kind(DPAReview), people, 77, 0), []int64{1, 6}},
	}
	for _, c := range cases {
		if got := ids(c.got); !same(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMode(t *testing.T) {
	normal, _ := Lookup(Delegated)
	legal, _ := Lookup(DPAReview)
	r := vaern.Recipient{Email: "a@b.dk"}
	cases := []struct {
		k      Kind
		chosen string
		r      vaern.Recipient
		want   string
	}{
		{normal, vaern.NotifyImmediate, r, vaern.NotifyImmediate},
		{normal, vaern.NotifyDigest, r, vaern.NotifyDigest},
		{normal, vaern.NotifyOff, r, vaern.NotifyOff},
		{normal, "", r, vaern.NotifyImmediate},
		{legal, vaern.NotifyOff, r, vaern.NotifyImmediate}, // a legal deadline is always sent
		{legal, vaern.NotifyDigest, r, vaern.NotifyDigest},
		{legal, vaern.NotifyImmediate, vaern.Recipient{Email: "a@b.dk", Disabled: true}, vaern.NotifyOff},
		{legal, vaern.NotifyImmediate, vaern.Recipient{}, vaern.NotifyOff},
	}
	for _, c := range cases {
		if got := Mode(c.k, c.chosen, c.r); got != c.want {
			t.Errorf("Mode(%s, %q, %+v) = %q, want %q", c.k.Name, c.chosen, c.r, got, c.want)
		}
	}
	if !IsLegal(DPAReview) || IsLegal(Delegated) || IsLegal("no.such.kind") {
		t.Error("IsLegal")
	}
	for _, k := range For(vaern.RoleViewer) {
		if k.Name == Delegated || k.Name == RoundOpened {
			t.Errorf("a viewer can choose e-mails for %s, which never reach them", k.Name)
		}
	}
	// The centre hears of the incidents members report to it, of the service requests members
	// address to it and of the early warnings it raises, and of nothing of a member's own; the
	// knowledge base and the forum are the whole network's, the centre's too.
	for _, k := range For(vaern.RoleCentreAdmin) {
		if k.Name != IncidentCentre && k.Name != ServiceRequest && k.Name != EarlyWarning && k.Module != "knowledge" {
			t.Errorf("centre admins get member notifications of kind %s", k.Name)
		}
	}
}

// TestTexts: every kind has its title, text and label in every language, the arguments fill them,
// and no Danish or Norwegian text is left in English.
func TestTexts(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := New(cat, "https://vaern.example.dk/")
	for _, k := range Kinds {
		for _, l := range i18n.Langs {
			for _, key := range []string{"nt." + k.Name + ".title", "nt." + k.Name + ".body", "nt.kind." + k.Name} {
				if !cat.Has(l, key) {
					t.Errorf("%s lacks %s", l, key)
				}
			}
			title, body := n.Texts(k.Name, l, []any{"A", "B", "C", "D", "E", "F"})
			if strings.Contains(title+body, "%!") || strings.Contains(title+body, "⟦") {
				t.Errorf("%s %s: %q / %q", l, k.Name, title, body)
			}
		}
		if k.Name != RoundDeadline && cat.For("da").T("nt."+k.Name+".body") == cat.For("en").T("nt."+k.Name+".body") {
			t.Errorf("%s: Danish text is the English one", k.Name)
		}
	}
	m := n.Digest(vaern.User{Email: "a@b.dk", Lang: "nb"}, "", []vaern.Notification{{Title: "Én", URL: "/x"}, {Title: "To"}})
	if !strings.Contains(m.Subject, "2 varsler") || !strings.Contains(m.Body, "https://vaern.example.dk/x") || !strings.Contains(m.Body, "- To") {
		t.Errorf("digest %q\n%s", m.Subject, m.Body)
	}
}

func TestCheckURL(t *testing.T) {
	cases := []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"https://hooks.example.dk/vaern", false, true},
		{"https://hooks.example.dk:8443/x?y=1", false, true},
		{"https://203.0.114.9/x", false, true},
		{"http://hooks.example.dk/vaern", false, false},
		{"http://127.0.0.1:8080/", true, false}, // http never, not even in tests
		{"ftp://hooks.example.dk/", false, false},
		{"https://user:pw@hooks.example.dk/", false, false},
		{"https://127.0.0.1/", false, false},
		{"https://127.0.0.1:4443/", true, true},
		{"https://10.1.2.3/", false, false},
		{"https://192.168.1.1/", false, false},
		{"https://172.16.0.1/", false, false},
		{"https://169.254.169.254/latest/meta-data", false, false}, // cloud metadata
		{"https://100.64.0.1/", false, false},
		{"https://[::1]/", false, false},
		{"https://[fd00::1]/", false, false},
		{"https://[fe80::1]/", false, false},
		{"https://[::ffff:10.0.0.1]/", false, false},
		{"https://0.0.0.0/", false, false},
		{"https://localhost/", false, false},
		{"https://intranet/", false, false},
		{"https://printer.local/", false, false},
		{"https://", false, false},
		{"not a url", false, false},
	}
	for _, c := range cases {
		err := CheckURL(c.url, c.allowPrivate)
		if (err == nil) != c.ok {
			t.Errorf("CheckURL(%q, %v) = %v, want ok=%v", c.url, c.allowPrivate, err, c.ok)
		}
	}
	if Public(netip.MustParseAddr("10.0.0.1")) || !Public(netip.MustParseAddr("8.8.8.8")) || !Public(netip.MustParseAddr("2a00:1450::1")) {
		t.Error("Public")
	}
}

func TestSignature(t *testing.T) {
	secret := NewSecret()
	if !strings.HasPrefix(secret, "whsec_") || len(secret) != 6+64 || secret == NewSecret() {
		t.Fatalf("secret %q", secret)
	}
	body := []byte(`{"id":1,"kind":"baseline.delegated"}`)
	at := time.Unix(1_800_000_000, 0)
	h := Sign(secret, at, body)
	if !strings.HasPrefix(h, "t=1800000000,v1=") {
		t.Fatalf("header %q", h)
	}
	if err := Verify(secret, h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"other body":   Verify(secret, h, []byte(`{"id":2}`), at, 5*time.Minute),
		"other secret": Verify(NewSecret(), h, body, at, 5*time.Minute),
		"replayed":     Verify(secret, h, body, at.Add(time.Hour), 5*time.Minute),
		"malformed":    Verify(secret, "v1=abc", body, at, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
