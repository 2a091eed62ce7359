//go:build sqlite_fts5

package knowledge_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// TestPutOriginIdentity: an article without an ID or URL is known by the
// file it came from, so an edited file updates its article, and the same
// text from another file is a duplicate that changes nothing.
func TestPutOriginIdentity(t *testing.T) {
	ctx := context.Background()
	fromFile := func(origin, body string) knowledge.Article {
		return knowledge.Article{Title: "Lighthouse keeper retires", Origin: origin, Body: body}
	}
	first := "The keeper of the Saltmarsh lighthouse retired on Friday. She served 31 years."
	edited := "The keeper of the Saltmarsh lighthouse retired on Friday. She served 32 years."

	t.Run("EditedFileUpdates", func(t *testing.T) {
		st := knowledgetest.MustOpenDB(t)
		a := fromFile("/news/lighthouse.txt", first)
		mustPut(t, st, a)
		in := []knowledge.Article{fromFile("/news/lighthouse.txt", edited)}
		got, err := st.Put(ctx, in)
		if err != nil || !slices.Equal(got, []knowledge.PutStatus{knowledge.Updated}) {
			t.Fatalf("Put edited = %v, %v; want [updated]", got, err)
		}
		if in[0].ID != knowledge.DeriveID(a) {
			t.Errorf("edited article got ID %q, want the first one's %q", in[0].ID, knowledge.DeriveID(a))
		}
		if n, _ := mustCount(t, st); n != 1 {
			t.Errorf("%d articles stored, want 1", n)
		}
		_, sents, err := st.Article(ctx, in[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, s := range sents {
			text = append(text, s.Text)
		}
		if joined := strings.Join(text, " "); strings.Contains(joined, "31 years") || !strings.Contains(joined, "32 years") {
			t.Errorf("sentences after the edit: %q", joined)
		}
		if ps := mustSearch(t, st, "How many years did the lighthouse keeper serve?", knowledge.SearchOptions{Limit: 10}); len(ps) != 1 {
			t.Errorf("search found %d passages, want 1 (no stale copy)", len(ps))
		}
		checkIndexes(t, st)
	})
	t.Run("SameTextOtherFileIsDuplicate", func(t *testing.T) {
		st := knowledgetest.MustOpenDB(t)
		a := []knowledge.Article{fromFile("/news/lighthouse.txt", first)}
		mustPut(t, st, a...)
		before, _, err := st.Article(ctx, a[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		copied := fromFile("/news/copy-of-lighthouse.txt", first)
		copied.Source = "Other Gazette"
		in := []knowledge.Article{copied}
		got, err := st.Put(ctx, in)
		if err != nil || !slices.Equal(got, []knowledge.PutStatus{knowledge.Duplicate}) {
			t.Fatalf("Put copy = %v, %v; want [duplicate]", got, err)
		}
		if in[0].ID != a[0].ID {
			t.Errorf("duplicate names %q, want the stored %q", in[0].ID, a[0].ID)
		}
		after, _, err := st.Article(ctx, a[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Origin != "/news/lighthouse.txt" || after.Source != before.Source {
			t.Errorf("a duplicate changed the stored article: origin %q, source %q", after.Origin, after.Source)
		}
		if n, _ := mustCount(t, st); n != 1 {
			t.Errorf("%d articles stored, want 1", n)
		}
	})
	t.Run("ContentIdentifiedAdoptsOrigin", func(t *testing.T) {
		// An article stored without any origin, as earlier versions stored
		// files, is the same article when its file is loaded again, and the
		// file's origin then identifies it for later edits.
		st := knowledgetest.MustOpenDB(t)
		old := []knowledge.Article{{Title: "Lighthouse keeper retires", Body: first}}
		mustPut(t, st, old...)
		in := []knowledge.Article{fromFile("/news/lighthouse.txt", first)}
		got, err := st.Put(ctx, in)
		if err != nil || !slices.Equal(got, []knowledge.PutStatus{knowledge.Updated}) || in[0].ID != old[0].ID {
			t.Fatalf("Put from its file = %v (ID %q), %v; want [updated] with ID %q", got, in[0].ID, err, old[0].ID)
		}
		in = []knowledge.Article{fromFile("/news/lighthouse.txt", edited)}
		if got, err := st.Put(ctx, in); err != nil || !slices.Equal(got, []knowledge.PutStatus{knowledge.Updated}) || in[0].ID != old[0].ID {
			t.Fatalf("Put edited = %v (ID %q), %v; want [updated] with ID %q", got, in[0].ID, err, old[0].ID)
		}
		if n, _ := mustCount(t, st); n != 1 {
			t.Errorf("%d articles stored, want 1", n)
		}
	})
	t.Run("GivenIDIgnoresOrigin", func(t *testing.T) {
		st := knowledgetest.MustOpenDB(t)
		a := fromFile("/news/all.jsonl:1", first)
		a.ID = "keeper"
		mustPut(t, st, a)
		// The line moved; the ID still names the article.
		b := fromFile("/news/all.jsonl:7", edited)
		b.ID = "keeper"
		in := []knowledge.Article{b}
		if got, err := st.Put(ctx, in); err != nil || !slices.Equal(got, []knowledge.PutStatus{knowledge.Updated}) {
			t.Fatalf("Put = %v, %v; want [updated]", got, err)
		}
		stored, _, err := st.Article(ctx, "keeper")
		if err != nil {
			t.Fatal(err)
		}
		if stored.Origin != "" {
			t.Errorf("an article with an ID kept origin %q", stored.Origin)
		}
	})
}

// TestPutAuthorAndInvisibleCharacters: the author is stored and read back;
// bidirectional controls and zero-width characters never reach the store.
func TestPutAuthorAndInvisibleCharacters(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	in := []knowledge.Article{{
		ID: "mill", Title: "Mill\u202e reopens", Source: "Valley\u200b Post", Author: "Jane\u2066 Rivera",
		KeyPoints: []string{"The mill\u200d reopens."},
		Body:      "The old mill reopened on Saturday.\u202a Visitors queued\u2060 outside.",
	}}
	mustPut(t, st, in...)
	a, sents, err := st.Article(ctx, "mill")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Mill reopens" || a.Source != "Valley Post" || a.Author != "Jane Rivera" {
		t.Errorf("stored title %q, source %q, author %q", a.Title, a.Source, a.Author)
	}
	for _, s := range append([]string{a.Body}, a.KeyPoints...) {
		if strings.ContainsFunc(s, knowledge.Invisible) {
			t.Errorf("stored text %q holds invisible characters", s)
		}
	}
	for _, s := range sents {
		if strings.ContainsFunc(s.Text, knowledge.Invisible) {
			t.Errorf("sentence %q holds invisible characters", s.Text)
		}
	}
	if got := knowledge.RemoveInvisible("مرحبا\u200fبك"); got != "مرحبابك" {
		t.Errorf("RemoveInvisible = %q", got)
	}
}
