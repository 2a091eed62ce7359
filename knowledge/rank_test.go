package knowledge_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// TestSearchFindsArticleBelowSentenceMatches checks that the article that
// holds the question's words is found even when more than a hundred
// sentences of other articles each match more of the question's words than
// any one of its sentences does.
func TestSearchFindsArticleBelowSentenceMatches(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	var batch []knowledge.Article
	for i := range 150 {
		batch = append(batch, knowledge.Article{
			ID: fmt.Sprintf("crowd-%03d", i), Title: fmt.Sprintf("Notice %d", i),
			Body: fmt.Sprintf("The ferry timetable changed again in week %d. Nothing else changed.", i),
		})
	}
	batch = append(batch, knowledge.Article{
		ID: "answer", Title: "Glacier survey",
		Body: "Surveyors measured the glacier from a ferry. The ice retreated forty metres. " +
			"The timetable of the survey slipped. Funding came from the ministry.",
	})
	mustPut(t, st, batch...)
	ps := mustSearch(t, st, "Which ferry timetable did the glacier survey use for the ice?", knowledge.SearchOptions{})
	if len(ps) == 0 || ps[0].Article.ID != "answer" {
		t.Fatalf("best passages %v, want the glacier article first", passageIDs(ps))
	}
}

// TestSearchUsesEveryTerm checks that a long question's commonest word
// still counts: two articles hold the same eleven of its twelve words, and
// the one that also holds the twelfth, a word many other articles hold,
// comes first, whichever was loaded first.
func TestSearchUsesEveryTerm(t *testing.T) {
	words := strings.Fields("mayor harbour bridge repair budget council vote million contract engineers steel river")
	common := words[len(words)-1] // "river", which many articles hold
	for _, order := range []string{"WithFirst", "WithoutFirst"} {
		t.Run(order, func(t *testing.T) {
			st := knowledgetest.MustOpenDB(t)
			var batch []knowledge.Article
			for i := range 40 {
				batch = append(batch, knowledge.Article{
					ID: fmt.Sprintf("river-%02d", i), Title: fmt.Sprintf("River notes %d", i),
					Body: fmt.Sprintf("The %s rose %d centimetres overnight.", common, i),
				})
			}
			body := func(ws []string) string {
				return "The story covers the " + strings.Join(ws, " and the ") + "."
			}
			with := knowledge.Article{ID: "with", Title: "Report A", Body: body(words)}
			without := knowledge.Article{ID: "without", Title: "Report B", Body: body(append(words[:len(words)-1:len(words)-1], "weather"))}
			if order == "WithFirst" {
				batch = append(batch, with, without)
			} else {
				batch = append(batch, without, with)
			}
			mustPut(t, st, batch...)
			q := "What did the " + strings.Join(words, " ") + " say?"
			if n := len(knowledge.Terms(q)); n != 12 {
				t.Fatalf("question has %d terms, want 12", n)
			}
			ps := mustSearch(t, st, q, knowledge.SearchOptions{})
			if got := passageArticles(ps); len(got) < 2 || got[0] != "with" || got[1] != "without" {
				t.Fatalf("articles %v, want with, then without", got)
			}
		})
	}
}

// TestSearchLongPageDoesNotOutrankTopic checks that a long page that
// mentions each of the question's words once, among much else, does not
// outrank the short article about them.
func TestSearchLongPageDoesNotOutrankTopic(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	r := rand.New(rand.NewPCG(7, 7))
	filler := strings.Fields("market school police court train airport farmer price energy water forest strike union factory museum festival bank tax border army ship")
	var long strings.Builder
	for i := range 300 {
		fmt.Fprintf(&long, "The %s and the %s met on day %d. ", filler[r.IntN(len(filler))], filler[r.IntN(len(filler))], i)
		switch i {
		case 40:
			long.WriteString("A lighthouse stood on the coast. ")
		case 120:
			long.WriteString("Someone mentioned a keeper. ")
		case 200:
			long.WriteString("The word restoration appeared in a list. ")
		}
	}
	mustPut(t, st,
		knowledge.Article{ID: "digest", Title: "Weekly digest", Body: long.String()},
		knowledge.Article{ID: "topic", Title: "Lighthouse restoration begins",
			Body: "The lighthouse restoration began on Monday. The keeper welcomed the restoration. " +
				"The lighthouse will reopen in spring."},
	)
	for _, a := range sampleArticles() {
		mustPut(t, st, a)
	}
	ps := mustSearch(t, st, "Who is the keeper of the lighthouse restoration?", knowledge.SearchOptions{})
	if got := passageArticles(ps); len(got) == 0 || got[0] != "topic" {
		t.Fatalf("articles %v, want the lighthouse article first", got)
	}
}

// TestSearchLoadOrder checks that the order articles were loaded in does
// not change what a search returns, even among articles that match equally.
func TestSearchLoadOrder(t *testing.T) {
	var batch []knowledge.Article
	for i := range 30 {
		batch = append(batch, generatedArticle(i))
	}
	for i := range 6 { // equal matches: six articles alike but for a number
		batch = append(batch, knowledge.Article{ID: fmt.Sprintf("twin-%d", i), Title: fmt.Sprintf("Harbour ferry %d", i+1),
			Body: "The harbour ferry runs every hour."})
	}
	reversed := slices.Clone(batch)
	slices.Reverse(reversed)
	shuffled := slices.Clone(batch)
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	queries := []string{"harbour ferry", "When does the ferry run?", "council budget storm", "Who met the minister near the bridge?"}
	var want [][]string
	for n, order := range [][]knowledge.Article{batch, reversed, shuffled} {
		st := knowledgetest.MustOpenDB(t)
		for _, a := range order { // one at a time, so keys follow the order
			mustPut(t, st, a)
		}
		for i, q := range queries {
			got := passageIDs(mustSearch(t, st, q, knowledge.SearchOptions{Limit: 10}))
			if n == 0 {
				want = append(want, got)
				continue
			}
			if !slices.Equal(got, want[i]) {
				t.Errorf("load order %d, %q:\n got %v\nwant %v", n, q, got, want[i])
			}
		}
	}
}

// TestSearchSeesChangesToCommonWords checks that what search keeps of a
// common word between questions never outlives a change to the articles,
// whether this store or another process made it.
func TestSearchSeesChangesToCommonWords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "news.db")
	st, err := knowledge.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var batch []knowledge.Article
	for i := range 1200 { // more than the cache's least, so "harbour" is kept
		batch = append(batch, knowledge.Article{ID: fmt.Sprintf("h-%04d", i), Title: fmt.Sprintf("Notice %d", i),
			Body: fmt.Sprintf("The harbour opened gate %d today.", i)})
	}
	for i := range 1300 { // and fewer than half hold it, so it ranks alone
		batch = append(batch, knowledge.Article{ID: fmt.Sprintf("q-%04d", i), Title: fmt.Sprintf("Notice %d", i),
			Body: fmt.Sprintf("The quay opened gate %d today.", i)})
	}
	mustPut(t, st, batch...)
	query := "harbour harbour dredging"
	first := func() string {
		ps := mustSearch(t, st, query, knowledge.SearchOptions{Limit: 1})
		if len(ps) == 0 {
			return ""
		}
		return ps[0].Article.ID
	}
	first() // fills the cache
	mustPut(t, st, knowledge.Article{ID: "dredge", Title: "Harbour dredging", Body: "Harbour dredging starts. The harbour dredging crews arrived at the harbour."})
	if got := first(); got != "dredge" {
		t.Fatalf("after a put: first %q, want dredge", got)
	}
	// Another process removes it.
	other, err := knowledge.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Remove(t.Context(), "dredge"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	for _, p := range mustSearch(t, st, query, knowledge.SearchOptions{Limit: 10}) {
		if p.Article.ID == "dredge" {
			t.Fatalf("removed article found: %v", p.Sentences)
		}
	}
	// And one where the common word is the whole match: an added article
	// that uses it most comes first.
	mustPut(t, st, knowledge.Article{ID: "harbours", Title: "Harbour harbour", Body: "Harbour news: the harbour, the harbour and the harbour."})
	if got := passageArticles(mustSearch(t, st, "harbour", knowledge.SearchOptions{Limit: 1})); len(got) == 0 || got[0] != "harbours" {
		t.Errorf("after a second put: %v, want harbours first", got)
	}
}

// TestSearchFavoursNamedPeriod checks that a month the question names
// favours the articles published in it over newer ones, and that without
// it the newer comes first.
func TestSearchFavoursNamedPeriod(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	asOf := time.Date(2025, 6, 20, 12, 0, 0, 0, time.UTC)
	body := "The council voted on the zorblax tramway extension."
	mustPut(t, st,
		knowledge.Article{ID: "march", Title: "Council vote", Published: time.Date(2025, 3, 12, 9, 0, 0, 0, time.UTC), Body: body + " It was the first reading."},
		knowledge.Article{ID: "june", Title: "Council vote", Published: time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC), Body: body + " It was the final reading."},
	)
	for q, want := range map[string]string{
		"How did the council vote on the zorblax tramway?":           "june",
		"How did the council vote on the zorblax tramway in March?":  "march",
		"How did the council vote on the zorblax tramway this week?": "june",
	} {
		got := passageArticles(mustSearch(t, st, q, knowledge.SearchOptions{AsOf: asOf}))
		if len(got) != 2 || got[0] != want {
			t.Errorf("%q: %v, want %s first", q, got, want)
		}
	}
}

// TestSearchOfWordsMostArticlesHold checks that in a large store a question
// whose every word more than half the articles hold finds nothing — those
// words can't say which article it is about — while the same words beside
// one that picks an article out find it, and in a store of a few hundred
// articles the common words alone still rank.
func TestSearchOfWordsMostArticlesHold(t *testing.T) {
	articles := func(n int) []knowledge.Article {
		var out []knowledge.Article
		for i := range n {
			out = append(out, knowledge.Article{
				ID: fmt.Sprintf("r%04d", i), Title: fmt.Sprintf("Council report %d", i), Source: "Gazette",
				Published: testTime.Add(-time.Duration(i) * time.Hour),
				Body:      fmt.Sprintf("The council met again on Tuesday. Residents said the meeting went well. The %s motion was tabled.", spell(i)),
			})
		}
		return out
	}
	large := knowledgetest.MustOpenDB(t)
	mustPut(t, large, articles(2_100)...)
	if got := mustSearch(t, large, "What did the council residents say on Tuesday?", knowledge.SearchOptions{}); len(got) != 0 {
		t.Errorf("words every article holds found %d passages, first from %s", len(got), got[0].Article.ID)
	}
	want := "r0042"
	got := mustSearch(t, large, "What did the council say about the "+spell(42)+" motion?", knowledge.SearchOptions{})
	if len(got) == 0 || got[0].Article.ID != want {
		t.Errorf("a word one article holds, beside common ones, found %v, want %s first", passageIDs(got), want)
	}
	small := knowledgetest.MustOpenDB(t)
	mustPut(t, small, articles(300)...)
	if got := mustSearch(t, small, "What did the council residents say on Tuesday?", knowledge.SearchOptions{}); len(got) == 0 {
		t.Error("in a store of 300 articles, words every article holds found nothing")
	}
}

// spell returns a word made of letters for n, unique to n.
func spell(n int) string {
	b := []byte("zq")
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(b)
		}
	}
}
