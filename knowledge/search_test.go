package knowledge_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// TestSearchLondonTalks is the acceptance question of the knowledge base.
func TestSearchLondonTalks(t *testing.T) {
	articles := append(sampleArticles(), knowledgetest.SharedArticle(t, knowledgetest.London))
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, articles...)
	london := articles[len(articles)-1] // with the ID Put gave it
	// The article says it twice: in a key point, which the question is
	// meant to find, and in the body, which also has "talks".
	const keyPoint = "General Keith Kellogg will represent the US at the discussions"
	const eitherSentence = "General Keith Kellogg will represent the US"

	for _, opts := range []knowledge.SearchOptions{{}, {Window: 1}, {Window: 2, PerArticle: 1}, {Limit: 1}} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			ps := mustSearch(t, st, "Who will represent the US at the London talks?", opts)
			if len(ps) == 0 {
				t.Fatal("no passages")
			}
			for i, p := range ps {
				t.Logf("passage %d (%.3f) %s: %v", i, p.Score, p.Article.ID, p.Sentences)
			}
			if ps[0].Article.ID != london.ID {
				t.Errorf("top passage from %q, want %q", ps[0].Article.Title, london.Title)
			}
			if top := matchedTexts(t, st, ps[0]); !containsAny(top, eitherSentence) {
				t.Errorf("top passage's matched sentences %q do not say %q", top, eitherSentence)
			}
			if opts.Limit == 1 || opts.PerArticle == 1 {
				return // room for one passage of the article only
			}
			found := false
			for _, p := range ps {
				found = found || containsAny(matchedTexts(t, st, p), keyPoint)
			}
			if !found {
				t.Errorf("no passage matched the key point %q", keyPoint)
			}
		})
	}
}

// matchedTexts returns the texts of a passage's matched sentences.
func matchedTexts(tb testing.TB, st *knowledge.Store, p knowledge.Passage) []string {
	tb.Helper()
	sents, err := st.Sentences(context.Background(), p.Matched)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, s := range sents {
		out = append(out, s.Text)
	}
	return out
}

func containsAny(texts []string, sub string) bool {
	return slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, sub) })
}

// TestSearchInvariants checks the shape of results over many queries and
// options.
func TestSearchInvariants(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, sampleArticles()...)
	for i := range 40 {
		mustPut(t, st, generatedArticle(i))
	}
	queries := []string{"storm harbour", "budget parks schools", "vaccine children doses", "the storm", "river council market", "Who is he?", "train airport day 7"}
	for _, opts := range []knowledge.SearchOptions{
		{},
		{Limit: 1},
		{Limit: 20, PerArticle: 1},
		{Limit: 20, PerArticle: 5, Window: 3},
		{Window: -1},
		{Limit: -3, PerArticle: -1},
	} {
		for _, q := range queries {
			t.Run(fmt.Sprintf("%+v/%s", opts, q), func(t *testing.T) {
				ps := mustSearch(t, st, q, opts)
				if len(ps) == 0 {
					t.Error("no passages")
				}
			})
		}
	}
	// The right article comes first for a plain question.
	for q, want := range map[string]string{
		"When will the harbour reopen?":           "harbour",
		"How did the council vote on the budget?": "budget",
		"When do the first vaccine doses ship?":   "vaccine",
		"When is the election date?":              "election",
	} {
		if ps := mustSearch(t, st, q, knowledge.SearchOptions{}); len(ps) == 0 || ps[0].Article.ID != want {
			t.Errorf("%q: top %v, want article %s", q, passageIDs(ps), want)
		}
	}
}

func TestSearchNoMatch(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	for _, q := range []string{"storm", ""} {
		if ps := mustSearch(t, st, q, knowledge.SearchOptions{}); len(ps) != 0 {
			t.Errorf("empty store, %q: %v", q, passageIDs(ps))
		}
	}
	mustPut(t, st, sampleArticles()...)
	for _, q := range []string{"xylophone", "", "?!", "   "} {
		if ps := mustSearch(t, st, q, knowledge.SearchOptions{}); len(ps) != 0 {
			t.Errorf("%q: %v, want nothing", q, passageIDs(ps))
		}
	}
}

// TestSearchStopWords checks that stop words do not change a ranking.
func TestSearchStopWords(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	articles := sampleArticles()
	if london, ok := knowledgetest.LookupSharedArticle(t, knowledgetest.London); ok {
		articles = append(articles, london)
	}
	mustPut(t, st, articles...)
	for _, tt := range []struct{ plain, withStopWords string }{
		{"Kellogg", "the Kellogg"},
		{"Kellogg", "the of and Kellogg"},
		{"storm harbour", "What did the storm do to the harbour?"},
		{"council budget", "Which of the council's budget was it about?"},
		{"represent US London talks", "Who will represent the US at the London talks?"},
	} {
		t.Run(tt.withStopWords, func(t *testing.T) {
			want := mustSearch(t, st, tt.plain, knowledge.SearchOptions{Limit: 10})
			got := mustSearch(t, st, tt.withStopWords, knowledge.SearchOptions{Limit: 10})
			if !slices.Equal(passageIDs(got), passageIDs(want)) {
				t.Errorf("%q ranks %v, %q ranks %v", tt.withStopWords, passageIDs(got), tt.plain, passageIDs(want))
			}
			for i := range min(len(got), len(want)) {
				if got[i].Score != want[i].Score {
					t.Errorf("passage %d: score %v, want %v", i, got[i].Score, want[i].Score)
				}
			}
		})
	}
	// A question of stop words alone still searches, and safely.
	mustSearch(t, st, "the of and", knowledge.SearchOptions{})
}

func TestSearchRecency(t *testing.T) {
	old := knowledge.Article{
		ID: "old", Title: "Harvest report one", Published: testTime.Add(-60 * 24 * time.Hour),
		Body: "The zorblax harvest broke records this year.",
	}
	recent := knowledge.Article{
		ID: "new", Title: "Harvest report two", Published: testTime.Add(-24 * time.Hour),
		Body: "The zorblax harvest broke records this year.",
	}
	undated := knowledge.Article{
		ID: "undated", Title: "Harvest report three",
		Body: "The zorblax harvest broke records this year.",
	}
	for _, tt := range []struct {
		name  string
		order []knowledge.Article
	}{
		{name: "OldLoadedFirst", order: []knowledge.Article{old, undated, recent}},
		{name: "NewLoadedFirst", order: []knowledge.Article{recent, undated, old}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := knowledgetest.MustOpenDB(t)
			st.Now = (&clock{testTime}).Now
			mustPut(t, st, append(sampleArticles(), tt.order...)...)
			// News questions are about now: of equal matches, the newer
			// comes first, and an undated one sits between.
			for _, opts := range []knowledge.SearchOptions{{}, {RecencyHalfLife: 7 * 24 * time.Hour}} {
				ps := mustSearch(t, st, "zorblax harvest", opts)
				if got := passageArticles(ps); !slices.Equal(got, []string{"new", "undated", "old"}) {
					t.Fatalf("%+v: ranking %v, want new, undated, old", opts, got)
				}
				if !(ps[0].Score > ps[1].Score && ps[1].Score > ps[2].Score) {
					t.Errorf("%+v: scores %v, %v, %v, want decreasing", opts, ps[0].Score, ps[1].Score, ps[2].Score)
				}
			}
			// As of a time before the new article, it is left out; the
			// undated one stays.
			ps := mustSearch(t, st, "zorblax harvest", knowledge.SearchOptions{AsOf: testTime.Add(-10 * 24 * time.Hour)})
			if got := passageArticles(ps); !slices.Equal(got, []string{"undated", "old"}) {
				t.Errorf("as of ten days ago: %v, want undated, old", got)
			}
			// A day's slack for time zones.
			ps = mustSearch(t, st, "zorblax harvest", knowledge.SearchOptions{AsOf: testTime.Add(-36 * time.Hour)})
			if got := passageArticles(ps); !slices.Contains(got, "new") {
				t.Errorf("as of half a day before the new article: %v, want it kept", got)
			}
		})
	}
}

// TestSearchRecencyKeepsTheOnlyAnswer checks that favouring recent articles
// does not bury the one article about a question under newer ones that only
// share some of its words.
func TestSearchRecencyKeepsTheOnlyAnswer(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	st.Now = (&clock{testTime}).Now
	var batch []knowledge.Article
	for i := range 30 {
		a := generatedArticle(i)
		a.Published = testTime.Add(-time.Duration(i) * time.Hour)
		a.Body += " The harvest was late this year."
		batch = append(batch, a)
	}
	batch = append(batch, knowledge.Article{
		ID: "archive", Title: "Zorblax harvest fails", Published: testTime.Add(-3 * 365 * 24 * time.Hour),
		Body: "The zorblax harvest failed after the drought. Farmers lost half the zorblax crop.",
	})
	mustPut(t, st, batch...)
	for _, q := range []string{"Why did the zorblax harvest fail?", "What happened to the zorblax harvest this week?"} {
		ps := mustSearch(t, st, q, knowledge.SearchOptions{})
		if len(ps) == 0 || ps[0].Article.ID != "archive" {
			t.Errorf("%q: %v, want the archive article first", q, passageIDs(ps))
		}
	}
}

// passageArticles returns the distinct articles of passages, in order.
func passageArticles(ps []knowledge.Passage) []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.Article.ID) {
			out = append(out, p.Article.ID)
		}
	}
	return out
}

// hostileQueries are user texts that must never break a search.
var hostileQueries = []string{
	"",
	`"`, `""`, `"unbalanced`, `say "hello" world`, `'single'`,
	"*", "storm*", "-", "-storm", "storm -harbour", ":", "title:storm", "body : x", "^", "^storm",
	"NEAR", "NEAR(storm harbour)", "NEAR(storm harbour, 2)", "storm NEAR harbour",
	"AND", "OR", "NOT", "storm AND harbour", "storm OR", "NOT storm", "AND OR NOT",
	"(", ")", "(storm", "storm)", "((storm) OR (harbour))", "{}", "{title body}: storm", "{", "[storm]",
	"+storm", "storm + harbour", "a/b\\c", "%_%", "\x00", "storm\x00harbour", "\t\n\r",
	"🌊 storm 🌊", "🏳️‍🌈", "👍🏽", "naïve café", "Ünïcödé", "İstanbul", "ǅ", "ﬁnance", "日本語のニュース", "مرحبا", "\u200b\u200d\ufeff",
	"\xff\xfe", "storm \xc3\x28 harbour", "\xed\xa0\x80",
	"'; DROP TABLE articles; --", "rank", "bm25", "sentences_fts",
	strings.Repeat("storm ", 2000),
	strings.Repeat("x", 10_000),
	strings.Repeat(`"(*NEAR^:-`, 1000),
	strings.Repeat("a", 63) + " " + strings.Repeat("b", 64),
}

func TestSearchHostileQueries(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, sampleArticles()...)
	for i, q := range hostileQueries {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			mustSearch(t, st, q, knowledge.SearchOptions{})
			if _, err := st.SearchPlain(context.Background(), q, 10); err != nil {
				t.Errorf("SearchPlain %q: %v", q, err)
			}
		})
	}
	// Operators are words like any other: they find text that has them.
	mustPut(t, st, knowledge.Article{ID: "ops", Title: "Operators", Body: "Near the shore, not far, the river and the road meet."})
	ps := mustSearch(t, st, "NEAR shore", knowledge.SearchOptions{})
	if len(ps) == 0 || ps[0].Article.ID != "ops" {
		t.Errorf("NEAR shore: %v, want article ops", passageIDs(ps))
	}
}

// FuzzSearch checks that no user text makes Search fail or return
// malformed passages.
func FuzzSearch(f *testing.F) {
	for _, q := range hostileQueries {
		f.Add(q)
	}
	f.Add("Who will represent the US at the London talks?")
	st := knowledgetest.MustOpenDB(f)
	articles := sampleArticles()
	if london, ok := knowledgetest.LookupSharedArticle(f, knowledgetest.London); ok {
		articles = append(articles, london)
	}
	for i := range 20 {
		articles = append(articles, generatedArticle(i))
	}
	mustPut(f, st, articles...)
	opts := knowledge.SearchOptions{Limit: 4, PerArticle: 1, Window: 1, RecencyHalfLife: time.Hour}
	f.Fuzz(func(t *testing.T, q string) {
		ps, err := st.Search(context.Background(), q, opts)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		checkPassages(t, ps, opts)
	})
}

// TestSearchWhileLoading searches in a loop while another goroutine loads
// thousands of articles in batches.
func TestSearchWhileLoading(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 2,000 articles")
	}
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, sampleArticles()...)
	const articles, batch = 2000, 100

	var wg sync.WaitGroup
	done := make(chan struct{})
	var loadErr error
	wg.Go(func() {
		defer close(done)
		for start := 0; start < articles; start += batch {
			var b []knowledge.Article
			for i := start; i < start+batch; i++ {
				b = append(b, generatedArticle(i))
			}
			if _, err := st.Put(ctx, b); err != nil {
				loadErr = fmt.Errorf("batch at %d: %w", start, err)
				return
			}
		}
	})
	searches := 0
	var searchErr error
	wg.Go(func() {
		queries := []string{"storm harbour", "market river", "budget council", "farmer price energy", "day 1500", "Who will represent the US?"}
		for {
			select {
			case <-done:
				return
			default:
			}
			q := queries[searches%len(queries)]
			ps, err := st.Search(ctx, q, knowledge.SearchOptions{})
			if err != nil {
				searchErr = fmt.Errorf("search %d %q: %w", searches, q, err)
				return
			}
			checkPassages(t, ps, knowledge.SearchOptions{})
			if _, _, err := st.Count(ctx); err != nil {
				searchErr = err
				return
			}
			searches++
		}
	})
	wg.Wait()
	if loadErr != nil {
		t.Errorf("load: %v", loadErr)
	}
	if searchErr != nil {
		t.Errorf("search: %v", searchErr)
	}
	t.Logf("%d searches during the load", searches)
	if searches == 0 {
		t.Error("no search ran during the load")
	}
	if n, _ := mustCount(t, st); n != articles+len(sampleArticles()) {
		t.Errorf("%d articles stored, want %d", n, articles+len(sampleArticles()))
	}
	checkIndexes(t, st)
}

// TestSearchWhileRemoving searches while the articles it finds are removed
// and loaded again: a search that meets a vanished article must skip it,
// not fail.
func TestSearchWhileRemoving(t *testing.T) {
	if testing.Short() {
		t.Skip("races searches against removals")
	}
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	const n = 60
	for i := range n {
		mustPut(t, st, generatedArticle(i))
	}
	deadline := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	var writeErr, searchErr error
	searches := 0
	wg.Go(func() {
		for i := 0; time.Now().Before(deadline); i++ {
			a := generatedArticle(i % n)
			if err := st.Remove(ctx, a.ID); err != nil && !errors.Is(err, knowledge.ErrNotFound) {
				writeErr = err
				return
			}
			if _, err := st.Put(ctx, []knowledge.Article{a}); err != nil {
				writeErr = err
				return
			}
		}
	})
	wg.Go(func() {
		for time.Now().Before(deadline) {
			ps, err := st.Search(ctx, "market river council harbour", knowledge.SearchOptions{Limit: 10, PerArticle: 3})
			if err != nil {
				searchErr = fmt.Errorf("after %d searches: %w", searches, err)
				return
			}
			checkPassages(t, ps, knowledge.SearchOptions{Limit: 10, PerArticle: 3})
			searches++
		}
	})
	wg.Wait()
	if writeErr != nil {
		t.Errorf("remove and put: %v", writeErr)
	}
	if searchErr != nil {
		t.Errorf("search: %v", searchErr)
	}
	t.Logf("%d searches", searches)
}

// TestSearchWindow checks which neighbours join a matching sentence: within
// the window, those tied to it by a word that refers back.
func TestSearchWindow(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, knowledge.Article{
		ID: "quokka", Title: "Escape",
		Body: "Alpha one. A quokka escaped on Monday. He was found later. It was hungry. Markets rose.",
	})
	one := []string{"A quokka escaped on Monday.", "He was found later."}
	for _, tt := range []struct {
		name string
		opts knowledge.SearchOptions
		want []string
	}{
		{name: "None", opts: knowledge.SearchOptions{Window: -1}, want: []string{"A quokka escaped on Monday."}},
		{name: "Zero", opts: knowledge.SearchOptions{Window: 0}, want: []string{"A quokka escaped on Monday."}},
		{name: "One", opts: knowledge.SearchOptions{Window: 1}, want: one},
		{name: "Two", opts: knowledge.SearchOptions{Window: 2}, want: []string{"A quokka escaped on Monday.", "He was found later.", "It was hungry."}},
		{name: "Wide", opts: knowledge.SearchOptions{Window: 10}, want: []string{"A quokka escaped on Monday.", "He was found later.", "It was hungry."}},
		// SearchOptions documents a default window of 0.
		{name: "Default", opts: knowledge.SearchOptions{}, want: []string{"A quokka escaped on Monday."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps := mustSearch(t, st, "quokka", tt.opts)
			if len(ps) != 1 {
				t.Fatalf("%d passages, want 1", len(ps))
			}
			var got []string
			for _, s := range ps[0].Sentences {
				got = append(got, s.Text)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("passage %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSearchLead checks that the best passage, and only it, carries the
// sentences after its match, stopping short of another passage of its
// article and at the article's end.
func TestSearchLead(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st,
		knowledge.Article{ID: "zoo", Title: "Zoo", Body: "A quokka escaped on Monday. Keepers searched all night. Visitors stayed away. A second quokka hid in a bin. Nobody saw it."},
		knowledge.Article{ID: "bush", Title: "Bush", Body: "Wild animals roam. One quokka was seen near the river."},
	)
	texts := func(p knowledge.Passage) []string {
		var out []string
		for _, s := range p.Sentences {
			out = append(out, s.Text)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		opts knowledge.SearchOptions
		want [][]string
	}{
		{name: "None", opts: knowledge.SearchOptions{Limit: 3}, want: [][]string{
			{"A quokka escaped on Monday."}, {"A second quokka hid in a bin."}, {"One quokka was seen near the river."}}},
		{name: "One", opts: knowledge.SearchOptions{Limit: 3, Lead: 1}, want: [][]string{
			{"A quokka escaped on Monday.", "Keepers searched all night."}, {"A second quokka hid in a bin."}, {"One quokka was seen near the river."}}},
		// The third sentence after the match begins the article's other passage.
		{name: "StopsShortOfNextPassage", opts: knowledge.SearchOptions{Limit: 3, Lead: 5}, want: [][]string{
			{"A quokka escaped on Monday.", "Keepers searched all night.", "Visitors stayed away."}, {"A second quokka hid in a bin."}, {"One quokka was seen near the river."}}},
		{name: "ArticleEnd", opts: knowledge.SearchOptions{Limit: 1, PerArticle: 1, Lead: 9}, want: [][]string{
			{"A quokka escaped on Monday.", "Keepers searched all night.", "Visitors stayed away.", "A second quokka hid in a bin.", "Nobody saw it."}}},
		{name: "Negative", opts: knowledge.SearchOptions{Limit: 1, Lead: -2}, want: [][]string{{"A quokka escaped on Monday."}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps := mustSearch(t, st, "quokka escaped zoo", tt.opts)
			var got [][]string
			for _, p := range ps {
				got = append(got, texts(p))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("passages\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestSearchCancelled cancels searches at random points: none may leave its
// read transaction open on a pooled connection, where it would block WAL
// checkpoints and fail the next write on that connection.
func TestSearchCancelled(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	var batch []knowledge.Article
	for i := range 300 {
		batch = append(batch, generatedArticle(i))
	}
	mustPut(t, st, batch...)
	queries := []string{"storm harbour", "market river budget council", "farmer price energy day"}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 100 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%20)*50*time.Microsecond)
				st.Search(ctx, queries[(w+i)%len(queries)], knowledge.SearchOptions{})
				cancel()
			}
		})
	}
	wg.Wait()
	// Every pooled connection is free of a transaction: writes and a full
	// checkpoint go through.
	for i := range 8 {
		mustPut(t, st, generatedArticle(1000+i))
	}
	var busy, logFrames, checkpointed int
	if err := st.DB().QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed); err != nil {
		t.Fatal(err)
	}
	if busy != 0 {
		t.Errorf("checkpoint blocked by an open read transaction")
	}
	checkIndexes(t, st)
}

// TestSearchArticleAboutTerm checks that an article about a query's word
// outranks one that merely holds a rarer word of the query once: articles
// are weighed by how often they use the query's words.
func TestSearchArticleAboutTerm(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	var batch []knowledge.Article
	for i := range 20 {
		batch = append(batch, generatedArticle(i))
	}
	batch = append(batch,
		knowledge.Article{ID: "ferry", Title: "Harbour timetable", Body: "The ferry leaves the pier at noon. Tickets cost more this year than last. The harbour opens early on weekdays."},
		knowledge.Article{ID: "quokkas", Title: "Island quokkas", Body: "Quokkas thrive on the island all year. A grown quokka weighs very little. Rangers count every quokka each spring. Quokka numbers grew again this season. Visitors photograph quokkas near the jetty."},
		knowledge.Article{ID: "mention", Title: "Holiday notes", Body: "We saw a quokka once on holiday. The weather was mild all week."},
	)
	mustPut(t, st, batch...)
	ps := mustSearch(t, st, "How do quokkas travel by ferry?", knowledge.SearchOptions{Limit: 3})
	if len(ps) == 0 || ps[0].Article.ID != "quokkas" {
		t.Fatalf("best article %v, want quokkas", passageIDs(ps))
	}
}

// TestSearchRespellsUnknownWords checks that a question's word the index
// does not hold is read as the indexed word it nearly spells: another form
// of it, or a misspelling.
func TestSearchRespellsUnknownWords(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st,
		knowledge.Article{ID: "env", Title: "Policy", Body: "The environment ministry met on Monday. Budgets were cut."},
		knowledge.Article{ID: "bias", Title: "Work", Body: "The study found discrimination in hiring. Wages rose."},
		knowledge.Article{ID: "other", Title: "Sport", Body: "The team won on Monday."},
	)
	checkBestArticles(t, st, []bestArticle{
		{"enviroment ministry", "env"},                   // misspelt
		{"Which employers were discriminatory?", "bias"}, // another form
		{"Envirnoment", ""},                              // too far from any indexed word
		{"zzzzzz", ""},
		{"envir0nment", ""}, // digits are not respelt
	})
}

// bestArticle is a query and the ID of the article it should find first,
// "" for none.
type bestArticle struct{ query, want string }

// checkBestArticles searches for each query and checks the first passage's article.
func checkBestArticles(t *testing.T, st *knowledge.Store, cases []bestArticle) {
	t.Helper()
	for _, tt := range cases {
		ps := mustSearch(t, st, tt.query, knowledge.SearchOptions{})
		var got string
		if len(ps) > 0 {
			got = ps[0].Article.ID
		}
		if got != tt.want {
			t.Errorf("%q: best article %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestSearchIrregularForms(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st,
		knowledge.Article{ID: "court", Title: "Court", Body: "In all those years the attorney never lost a case before the county court, colleagues recalled."},
		knowledge.Article{ID: "trees", Title: "Autumn", Body: "Trees lose their leaves."},
		knowledge.Article{ID: "election", Title: "Result", Body: "The mayor won the city's election last week by a wide margin over three rivals."},
		knowledge.Article{ID: "polls", Title: "Polls", Body: "A rival could win."},
	)
	checkBestArticles(t, st, []bestArticle{
		{"How many cases did she lose?", "court"},  // "lost"
		{"Who will win the election?", "election"}, // "won"
	})
}

// TestSearchPassagesShare checks how passages share out the limit: an
// article's share first, the other articles' matches next, and only then
// more of the same article; no sentence is shown twice; and a key point is
// not joined to the body's first sentence.
func TestSearchPassagesShare(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st,
		knowledge.Article{
			ID: "buses", Title: "Night service",
			KeyPoints: []string{"Four overnight bus routes start on February 1."},
			Body: "The transit authority will run four overnight bus routes from February 1. " +
				"The routes connect the airport and two hospitals. Riders asked for them in a survey. " +
				"The buses run every 30 minutes. Fares are unchanged. " +
				"The authority expects the service to cost $3.2 million a year.",
		},
		knowledge.Article{ID: "ferry", Title: "Ferry", Body: "The overnight ferry was cancelled."},
	)
	opts := knowledge.SearchOptions{Limit: 5, PerArticle: 2, Window: 1}
	ps := mustSearch(t, st, "How much will the overnight buses cost?", opts)
	checkPassages(t, ps, opts)
	var articles []string
	var all []string
	for _, p := range ps {
		articles = append(articles, p.Article.ID)
		for _, sn := range p.Sentences {
			all = append(all, sn.Text)
		}
	}
	if want := []string{"buses", "buses", "ferry", "buses", "buses"}; !slices.Equal(articles, want) {
		for _, p := range ps {
			t.Log(p.Article.ID, p.Sentences)
		}
		t.Errorf("passages from %q, want %q", articles, want)
	}
	if !slices.Contains(all, "The authority expects the service to cost $3.2 million a year.") {
		t.Errorf("the cost sentence is missing from %q", all)
	}
	// The key point stands alone: its neighbour is the body, not more of
	// what it says.
	for _, p := range ps {
		if slices.ContainsFunc(p.Sentences, func(s knowledge.Sentence) bool { return s.KeyPoint }) && len(p.Sentences) != 1 {
			t.Errorf("key point passage %+v, want the key point alone", p.Sentences)
		}
	}
	if !slices.ContainsFunc(ps, func(p knowledge.Passage) bool { return p.Sentences[0].KeyPoint }) {
		t.Errorf("no passage is the key point")
	}
}

// TestSearchPassageOverlappingAnother checks a passage whose match a better
// passage's neighbours already show in part: it keeps only what is new, and
// lists as matched only the sentences it shows.
func TestSearchPassageOverlappingAnother(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	mustPut(t, st, knowledge.Article{ID: "zoo", Title: "Zoo",
		Body: "The quokka escaped at dawn. He ran. He hid near a quokka pen. A quokka keeper found him. Lunch was late."})
	opts := knowledge.SearchOptions{Limit: 5, PerArticle: 2, Window: 2}
	ps := mustSearch(t, st, "When did the quokka escape at dawn?", opts)
	checkPassages(t, ps, opts)
	var got [][]string
	for _, p := range ps {
		var texts []string
		for _, sn := range p.Sentences {
			texts = append(texts, sn.Text)
		}
		got = append(got, texts)
	}
	want := [][]string{
		{"The quokka escaped at dawn.", "He ran.", "He hid near a quokka pen."},
		{"A quokka keeper found him."},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("passages %q, want %q", got, want)
	}
}

// TestSearchPrefersSentencesToHeadings checks that a full sentence holding
// the question's words comes before a heading of two or three words that
// holds them too: a heading names a topic but says nothing of it.
func TestSearchPrefersSentencesToHeadings(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	var batch []knowledge.Article
	for i := range 20 {
		batch = append(batch, generatedArticle(i))
	}
	batch = append(batch, knowledge.Article{
		ID: "results", Title: "Town news", Source: "Gazette",
		Body: "Ward results. Roads reopened after the storm on Monday. " +
			"The ward results gave the Greens four of the seven council seats this year.",
	})
	mustPut(t, st, batch...)
	ps := mustSearch(t, st, "What were the ward results?", knowledge.SearchOptions{Limit: 2})
	if len(ps) == 0 || !strings.Contains(ps[0].Sentences[0].Text, "Greens") {
		t.Fatalf("passages %v, want the sentence with the results first", passageIDs(ps))
	}
}

// TestSearchFavoursAStorysOpening checks that of two sentences of an
// article that hold the question's words, the one in its lead comes first
// even when the one in the background further down matches a little more:
// news states its main facts first.
func TestSearchFavoursAStorysOpening(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	var batch []knowledge.Article
	for i := range 20 {
		batch = append(batch, generatedArticle(i))
	}
	body := []string{"The council approved the harbour bridge plan on Monday after a long debate."}
	for i := range 11 {
		body = append(body, fmt.Sprintf("Residents of ward %d spoke for and against it at the meeting.", i+1))
	}
	body = append(body, "The harbour bridge plan, a council plan for the harbour, dates from 2019.")
	batch = append(batch, knowledge.Article{ID: "bridge", Title: "Town hall", Source: "Gazette", Body: strings.Join(body, " ")})
	mustPut(t, st, batch...)
	ps := mustSearch(t, st, "What happened to the council's harbour bridge plan?", knowledge.SearchOptions{Limit: 2})
	if len(ps) == 0 || !strings.Contains(ps[0].Sentences[0].Text, "approved") {
		t.Fatalf("passages %v, want the lead's sentence first", passageIDs(ps))
	}
}

// TestSearchPassagesStayCompact checks that a passage does not run on
// through the sentences after its match that only repeat a word of the
// question: the other story asked about is shown next, and the weaker
// sentences still get passages of their own when there is room.
func TestSearchPassagesStayCompact(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	later := []string{"The strike held on Tuesday.", "The strike held on Wednesday.",
		"The strike held on Thursday.", "The strike held on Friday."}
	mustPut(t, st,
		knowledge.Article{ID: "docks", Title: "Port news", Source: "Gazette",
			Body: "Dock workers in Rotterdam began a strike over pay on Monday. " + strings.Join(later, " ")},
		knowledge.Article{ID: "ferries", Title: "Ferry crews", Source: "Courier",
			Body: "Ferry crews joined the dock strike in sympathy with the workers."},
	)
	question := "Why did dock workers in Rotterdam begin a strike?"
	opts := knowledge.SearchOptions{Limit: 2, PerArticle: 1}
	ps := mustSearch(t, st, question, opts)
	checkPassages(t, ps, opts)
	if len(ps) != 2 || ps[0].Article.ID != "docks" || ps[1].Article.ID != "ferries" {
		t.Fatalf("passages %v, want the docks story, then the ferries", passageIDs(ps))
	}
	if n := len(ps[0].Sentences); n > 2 {
		t.Errorf("the first passage runs on for %d sentences: %v", n, ps[0].Sentences)
	}
	// With room for them, every day of the strike is shown.
	opts = knowledge.SearchOptions{Limit: 10, PerArticle: 1}
	ps = mustSearch(t, st, question, opts)
	checkPassages(t, ps, opts)
	var shown []string
	for _, p := range ps {
		for _, sn := range p.Sentences {
			shown = append(shown, sn.Text)
		}
	}
	for _, s := range later {
		if !slices.Contains(shown, s) {
			t.Errorf("%q is not shown in %q", s, shown)
		}
	}
}

// TestSearchShowsAStoryOnce checks that of two articles that are one story
// twice (a wire story two outlets carry, each with its own headline and
// blurbs), passages come from one only, while two articles of one site
// that share only its blurbs are both shown.
func TestSearchShowsAStoryOnce(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	wire := "The city council approved the new harbour bridge on Monday by seven votes to two. " +
		"Construction of the bridge is set to begin in the spring and last three years. " +
		"Opponents of the bridge said the council had ignored the cost to the harbour's fishermen. " +
		"The mayor said the bridge would cut the commute across the harbour by twenty minutes. "
	blurb := "Sign up for our morning newsletter to get the day's top stories. " +
		"Subscribe today and support local journalism in our region. "
	mustPut(t, st,
		knowledge.Article{ID: "gazette", Title: "Council backs harbour bridge", Source: "Gazette", Body: wire + blurb},
		knowledge.Article{ID: "courier", Title: "Harbour bridge approved", Source: "Courier",
			Body: "From wire reports in the region today. " + wire},
		knowledge.Article{ID: "gazette-ferry", Title: "Ferry fares rise", Source: "Gazette",
			Body: "Ferry fares across the harbour rise by a tenth next month, the operator said on Monday. " +
				"The operator blamed fuel costs and said the bridge vote changed nothing for now. " + blurb},
	)
	ps := mustSearch(t, st, "What did the council decide about the harbour bridge?", knowledge.SearchOptions{Limit: 10})
	got := passageArticles(ps)
	copies := 0
	for _, id := range got {
		if id == "gazette" || id == "courier" {
			copies++
		}
	}
	if copies != 1 || !slices.Contains(got, "gazette-ferry") {
		t.Errorf("passages from %v, want one of gazette and courier, and gazette-ferry", got)
	}
}

// TestSearchPassagesFromAsManyArticlesAsAsked checks that a search for
// more passages than ten articles give at their share reads as many
// articles as passages are asked for: each may be the only one of its
// article.
func TestSearchPassagesFromAsManyArticlesAsAsked(t *testing.T) {
	st := knowledgetest.MustOpenDB(t)
	var batch []knowledge.Article
	for i := range 16 {
		batch = append(batch, knowledge.Article{
			ID: fmt.Sprintf("town-%02d", i), Title: fmt.Sprintf("Town %d", i), Source: "Gazette",
			Body: fmt.Sprintf("The market square of town %d reopened after the flood. Stalls sold bread and fish.", i),
		})
	}
	mustPut(t, st, batch...)
	opts := knowledge.SearchOptions{Limit: 15, PerArticle: 2}
	ps := mustSearch(t, st, "Which market square reopened after the flood?", opts)
	checkPassages(t, ps, opts)
	if got := passageArticles(ps); len(got) != 15 {
		t.Errorf("passages from %d articles (%v), want 15", len(got), got)
	}
}
