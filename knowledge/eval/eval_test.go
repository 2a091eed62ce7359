package eval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newsbot/knowledge"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Hello, World!":          "hello world",
		"  $1.5 billion -- U.S.": "1 5 billion u s",
		"":                       "",
		"Ünïcode café":           "n code caf",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScore(t *testing.T) {
	qs := []Question{
		{ArticleIDs: []string{"a"}, Answers: []string{"Kellogg"}, Evidence: []Evidence{{Text: "Kellogg will go."}}},
		{ArticleIDs: []string{"b"}, Evidence: []Evidence{{Text: "It rained."}}},
	}
	rs := []Result{
		{Articles: []string{"a", "a", "c"}, Sentences: []string{"Other.", "KELLOGG will go!", "x"}},
		{Articles: []string{"c", "b"}, Sentences: []string{"No.", "No.", "No.", "No.", "No.", "It rained."}},
	}
	m := Score(qs, rs)
	// Ks are 1, 5, 10, 20.
	wantArticle := []float64{0.5, 1, 1, 1}
	wantEvidence := []float64{0, 0.5, 1, 1}
	wantAnswer := []float64{0, 0.5, 0.5, 0.5}
	for i := range Ks {
		if m.ArticleRecall[i] != wantArticle[i] || m.EvidenceRecall[i] != wantEvidence[i] || m.AnswerInContext[i] != wantAnswer[i] {
			t.Errorf("@%d: article %.2f evidence %.2f answer %.2f, want %.2f %.2f %.2f", Ks[i],
				m.ArticleRecall[i], m.EvidenceRecall[i], m.AnswerInContext[i], wantArticle[i], wantEvidence[i], wantAnswer[i])
		}
	}
}

func TestReadQuestions(t *testing.T) {
	qs, err := ReadQuestions(strings.NewReader(`{"id":"q1","article_id":"a","question":"Who?"}` + "\n\n" + `{"id":"q2","article_ids":["b"],"question":"What?"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].ArticleIDs[0] != "a" || qs[1].ArticleIDs[0] != "b" {
		t.Fatalf("got %+v", qs)
	}
	for name, in := range map[string]string{
		"ErrMalformed":  "{\"question\":\"ok\"}\n{bad",
		"ErrNoQuestion": `{"id":"q"}`,
	} {
		if _, err := ReadQuestions(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("%s: error %v, want one naming the line", name, err)
		}
	}
}

func TestScoreWithoutEvidence(t *testing.T) {
	qs := []Question{{ArticleIDs: []string{"a"}, Answers: []string{"Sesame"}}, {ArticleIDs: []string{"b"}}}
	rs := []Result{{Articles: []string{"a"}, Sentences: []string{"Sesame is an allergen."}}, {}}
	m := Score(qs, rs)
	if m.EvidenceRecall != nil {
		t.Errorf("evidence recall %v, want nil (n/a) when no question has evidence", m.EvidenceRecall)
	}
	if m.ArticleRecall[0] != 0.5 || m.AnswerInContext[0] != 0.5 {
		t.Errorf("article recall@1 %.2f, answer-in-context@1 %.2f; want 0.5, 0.5", m.ArticleRecall[0], m.AnswerInContext[0])
	}
	// One question with evidence makes the figure apply to all.
	qs[1].Evidence = []Evidence{{Text: "x"}}
	if m := Score(qs, rs); m.EvidenceRecall == nil || m.EvidenceRecall[0] != 0 {
		t.Errorf("evidence recall %v, want zeros", m.EvidenceRecall)
	}

	var b strings.Builder
	Table(&b, []string{"newsbot", "articles"}, []Metrics{m, ScoreArticles(qs, [][]string{{"b", "a"}, {"b"}})})
	lines := strings.Split(b.String(), "\n")
	for _, c := range []struct{ prefix, want string }{
		{"evidence recall    newsbot", "n/a     n/a     n/a     n/a"},
		{"evidence recall    articles", "n/a     n/a     n/a     n/a"},
		{"answer-in-context  articles", "n/a     n/a     n/a     n/a"},
		{"article recall     articles", "0.500   1.000   1.000   1.000"},
		{"answer-in-context  newsbot", "0.500   0.500   0.500   0.500"},
	} {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, c.prefix) {
				found = true
				if !strings.HasSuffix(l, c.want) {
					t.Errorf("row %q, want it to end %q", l, c.want)
				}
			}
		}
		if !found {
			t.Errorf("no row %q in\n%s", c.prefix, b.String())
		}
	}
}

func TestScoreAnswers(t *testing.T) {
	qs := []Question{
		{Answers: []string{"Sesame seeds", "Sesame"}},
		{Answers: []string{"Keith Kellogg"}},
		{Answers: []string{"Wheat"}},
		{Answers: []string{"New York"}},
		{}, // no accepted answer: counts for no-answer only
	}
	as := []Answer{
		{Texts: []string{"Extract:\n“The FDA added SESAME to the list.” [1]", "The FDA added SESAME to the list."}},
		// Shown only in a no-answer's closest sentences.
		{Texts: []string{"The loaded articles don't answer this.", "Gen. Keith Kellogg, the envoy."}, NoAnswer: true},
		{Texts: []string{"Farmers sold wheat", "harvest"}},
		// The answer's words meet only across two texts: not shown.
		{Texts: []string{"He flew to New", "York was next."}},
		{Texts: []string{"No."}, NoAnswer: true},
	}
	m := ScoreAnswers(qs, as)
	want := AnswerMetrics{Questions: 5, Answerable: 4, Shown: 3.0 / 4, ShownAnswering: 2.0 / 4, NoAnswer: 2.0 / 5}
	if m != want {
		t.Errorf("ScoreAnswers = %+v, want %+v", m, want)
	}
	if m := ScoreAnswers(nil, nil); m != (AnswerMetrics{}) {
		t.Errorf("no questions: %+v", m)
	}
	var b strings.Builder
	ScoreAnswers(qs[4:], as[4:]).Write(&b)
	if !strings.Contains(b.String(), "n/a") || !strings.Contains(b.String(), "1.000") {
		t.Errorf("Write without answerable questions:\n%s\nwant n/a for the shown shares and 1.000 no-answer", b.String())
	}
}

func TestReadQuestionLines(t *testing.T) {
	qs, err := ReadQuestionLines(strings.NewReader("# comment\n\nWhat is the capital of Peru?\n   \n  # indented comment\n  How do I boil an egg?  \n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Question != "What is the capital of Peru?" || qs[1].Question != "How do I boil an egg?" || qs[1].ID != "line 6" {
		t.Errorf("got %+v", qs)
	}
}

func TestReadOfftopicFile(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "offtopic.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadQuestionLines(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 30 {
		t.Errorf("%d off-topic questions, want 30", len(qs))
	}
	for _, q := range qs {
		if !strings.HasSuffix(q.Question, "?") {
			t.Errorf("%s: %q is not a question", q.ID, q.Question)
		}
	}
}

func TestQuestionAsOf(t *testing.T) {
	for _, tt := range []struct {
		name, date string
		want       time.Time
		wantErr    bool
	}{
		{"Date", "2023-01-05", time.Date(2023, 1, 5, 23, 59, 59, 0, time.UTC), false},
		{"Time", "2023-01-05T08:00:00+01:00", time.Date(2023, 1, 5, 7, 0, 0, 0, time.UTC), false},
		{"None", "", time.Time{}, false},
		{"ErrMalformed", "5 Jan 2023", time.Time{}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Question{ID: "q7", QuestionDate: tt.date}.AsOf()
			if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
				t.Errorf("AsOf() = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "q7") {
				t.Errorf("error %q does not name the question", err)
			}
		})
	}
}

// fakeSearcher records what it was asked and answers from fixed results.
type fakeSearcher struct {
	opts          []knowledge.SearchOptions // of each Search, in order
	plain, byArts []string                  // queries of SearchPlain and SearchPlainArticles
	plainLimits   []int
}

var _ Searcher = (*fakeSearcher)(nil)

func (f *fakeSearcher) Search(_ context.Context, query string, opts knowledge.SearchOptions) ([]knowledge.Passage, error) {
	f.opts = append(f.opts, opts)
	return []knowledge.Passage{{Article: knowledge.Article{ID: "ranked"}, Sentences: []knowledge.Sentence{{Text: "Ranked " + query}}}}, nil
}

func (f *fakeSearcher) SearchPlain(_ context.Context, query string, limit int) ([]knowledge.Passage, error) {
	f.plain = append(f.plain, query)
	f.plainLimits = append(f.plainLimits, limit)
	return []knowledge.Passage{{Article: knowledge.Article{ID: "plain"}, Sentences: []knowledge.Sentence{{Text: "Plain."}}}}, nil
}

func (f *fakeSearcher) SearchPlainArticles(_ context.Context, query string, limit int) ([]knowledge.Article, error) {
	f.byArts = append(f.byArts, query)
	return []knowledge.Article{{ID: "other"}, {ID: "whole"}}, nil
}

func TestRunPassesAsOf(t *testing.T) {
	qs := []Question{
		{ID: "dated", Question: "Q1", QuestionDate: "2023-01-05", ArticleIDs: []string{"ranked"}, Answers: []string{"ranked q1"}},
		{ID: "undated", Question: "Q2", ArticleIDs: []string{"whole"}},
		{ID: "timed", Question: "Q3", QuestionDate: "2023-02-01T10:00:00Z", ArticleIDs: []string{"plain"}},
	}
	opts := knowledge.SearchOptions{Limit: 20, Window: 1, PerArticle: 2, Lead: 1}
	wantAsOf := []time.Time{time.Date(2023, 1, 5, 23, 59, 59, 0, time.UTC), {}, time.Date(2023, 2, 1, 10, 0, 0, 0, time.UTC)}

	f := &fakeSearcher{}
	r, err := Run(context.Background(), f, qs, Config{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.opts) != 3 {
		t.Fatalf("%d searches, want 3", len(f.opts))
	}
	for i, got := range f.opts {
		want := opts
		want.AsOf = wantAsOf[i]
		if !got.AsOf.Equal(want.AsOf) || got.Limit != 20 || got.Window != 1 || got.PerArticle != 2 || got.Lead != 1 {
			t.Errorf("%s: searched with %+v, want %+v", qs[i].ID, got, want)
		}
	}
	// The references see every question, without dates, at 20 results.
	if !slices.Equal(f.plain, []string{"Q1", "Q2", "Q3"}) || !slices.Equal(f.byArts, f.plain) || f.plainLimits[0] != 20 {
		t.Errorf("plain searches %v (limits %v), article searches %v", f.plain, f.plainLimits, f.byArts)
	}
	if r.Newsbot.ArticleRecall[0] != 1.0/3 || r.Newsbot.AnswerInContext[0] != 1.0/3 || r.PlainSentences.ArticleRecall[0] != 1.0/3 {
		t.Errorf("newsbot %+v, plain %+v", r.Newsbot, r.PlainSentences)
	}
	// "whole" is the second article: found @5, not @1.
	if r.PlainArticles.ArticleRecall[0] != 0 || r.PlainArticles.ArticleRecall[1] != 1.0/3 || r.PlainArticles.AnswerInContext != nil {
		t.Errorf("article baseline %+v", r.PlainArticles)
	}
	if len(r.Speed.Newsbot) != 3 || len(r.Speed.Plain) != 3 || !slices.IsSorted(r.Speed.Newsbot) {
		t.Errorf("speed %+v, want 3 sorted durations each", r.Speed)
	}

	f = &fakeSearcher{}
	if _, err := Run(context.Background(), f, qs, Config{Options: opts, NoDates: true}); err != nil {
		t.Fatal(err)
	}
	for i, got := range f.opts {
		if !got.AsOf.IsZero() {
			t.Errorf("NoDates: %s searched as of %v, want the zero time", qs[i].ID, got.AsOf)
		}
	}

	f = &fakeSearcher{}
	r, err = Run(context.Background(), f, qs, Config{Options: opts, NoReferences: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.opts) != 3 || len(f.plain) != 0 || len(f.byArts) != 0 || r.Newsbot.ArticleRecall[0] != 1.0/3 || r.PlainSentences.ArticleRecall != nil {
		t.Errorf("NoReferences: %d searches, %d plain, %d article searches; report %+v", len(f.opts), len(f.plain), len(f.byArts), r)
	}

	qs[2].QuestionDate = "soon"
	if _, err := Run(context.Background(), &fakeSearcher{}, qs, Config{Options: opts}); err == nil || !strings.Contains(err.Error(), "timed") {
		t.Errorf("bad date: error %v, want one naming the question", err)
	}
}

func TestRunAnswersPassesAsOf(t *testing.T) {
	qs := []Question{
		{ID: "dated", Question: "Q1", QuestionDate: "2023-01-05", Answers: []string{"Sesame"}},
		{ID: "undated", Question: "Q2", Answers: []string{"Kellogg"}},
	}
	var asked []time.Time
	ask := func(_ context.Context, q string, asOf time.Time) (Answer, error) {
		asked = append(asked, asOf)
		if q == "Q1" {
			return Answer{Texts: []string{"Sesame was added."}}, nil
		}
		return Answer{NoAnswer: true}, nil
	}
	m, err := RunAnswers(context.Background(), ask, qs, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 || !asked[0].Equal(time.Date(2023, 1, 5, 23, 59, 59, 0, time.UTC)) || !asked[1].IsZero() {
		t.Errorf("asked as of %v", asked)
	}
	if m.Shown != 0.5 || m.NoAnswer != 0.5 {
		t.Errorf("metrics %+v, want half shown and half no-answer", m)
	}
	asked = nil
	if _, err := RunAnswers(context.Background(), ask, qs, true); err != nil || !asked[0].IsZero() {
		t.Errorf("noDates: asked as of %v, %v; want the zero time", asked, err)
	}
	fail := func(context.Context, string, time.Time) (Answer, error) { return Answer{}, errors.New("store closed") }
	if _, err := RunAnswers(context.Background(), fail, qs, false); err == nil || !strings.Contains(err.Error(), "dated") {
		t.Errorf("failing answerer: error %v, want one naming the question", err)
	}
}
