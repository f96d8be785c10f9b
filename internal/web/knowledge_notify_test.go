package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/testserver"
)

// TestKnowledgeNotifications: a person who follows a forum topic is told of a new thread in it
// that they may see, and not of one they may not; the thread's author is told of a reply. The
// notices go into the daily digest unless the person chose otherwise.
func TestKnowledgeNotifications(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		c := s.Fix.Centre.ID
		topic := knTopicOf(t, s, true)
		bUser := s.Fix.Users["B:coordinator"]
		_, vB := knAuthor(s, s.Fix.B)
		if err := s.Store.Follow(ctx, vB, c, topic, true); err != nil {
			t.Fatal(err)
		}
		aA, vA := knAuthor(s, s.Fix.A)
		post := func(tlp, aud, title string) int64 {
			id, err := s.Store.CreatePost(ctx, aA, vA, c, vaern.Post{Kind: vaern.PostThread, TopicID: topic, Lang: "da", TLP: tlp, Audience: aud,
				Texts: map[string]vaern.PostText{"da": {Title: title, Body: "Spørgsmål"}}})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		post("AMBER+STRICT", fmt.Sprintf("named:%d", s.Fix.A.ID), "Kun for Aarhus")
		open := post("GREEN", "members", "Hvem bruger passkeys?")
		notes, err := s.Store.Notifications(ctx, s.Fix.B.ID, bUser.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 1 || notes[0].Kind != notify.KnowledgePost || notes[0].URL != fmt.Sprintf("/forum/%d", open) || notes[0].Mail != vaern.NotifyDigest {
			t.Fatalf("B's notices: %+v", notes)
		}
		// B replies; A, the thread's author, hears of it.
		aB, _ := knAuthor(s, s.Fix.B)
		if _, err := s.Store.AddComment(ctx, aB, vB, c, open, "Det gør vi i Bergen."); err != nil {
			t.Fatal(err)
		}
		notes, err = s.Store.Notifications(ctx, s.Fix.A.ID, s.Fix.Users["A:coordinator"].ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 1 || notes[0].Kind != notify.KnowledgeReply {
			t.Fatalf("A's notices: %+v", notes)
		}
	})
}
