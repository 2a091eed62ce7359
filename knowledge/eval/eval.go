// Package eval measures what users get on a question set: retrieval quality
// (article recall, evidence recall and answer-in-context at several context
// sizes) next to plain BM25 references, search speed, and how often an
// answer shows an accepted answer or says the articles don't answer.
package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"newsbot/knowledge"
)

// Ks are the context sizes the metrics are reported at.
var Ks = []int{1, 5, 10, 20}

// Question is one evaluation question with its gold articles, evidence and answers.
type Question struct {
	ID         string     `json:"id"`
	ArticleID  string     `json:"article_id"`
	ArticleIDs []string   `json:"article_ids"`
	Question   string     `json:"question"`
	Answers    []string   `json:"answers"`
	Evidence   []Evidence `json:"evidence"`
	// QuestionDate is when the question was asked: a date (YYYY-MM-DD) or
	// an RFC 3339 time; empty when unknown.
	QuestionDate string `json:"question_date"`
}

// AsOf returns the time the question was asked at, from QuestionDate (see
// knowledge.ParseAsOf: a date means the end of that day, UTC), or the zero
// time when it has none. It returns an error naming the question when the
// date does not parse.
func (q Question) AsOf() (time.Time, error) {
	if strings.TrimSpace(q.QuestionDate) == "" {
		return time.Time{}, nil
	}
	t, err := knowledge.ParseAsOf(q.QuestionDate)
	if err != nil {
		return time.Time{}, fmt.Errorf("question %s: %w", q.ID, err)
	}
	return t, nil
}

// Evidence is one gold evidence sentence.
type Evidence struct {
	ArticleID string `json:"article_id"`
	Text      string `json:"text"`
}

// ReadQuestions reads questions in JSON Lines. It returns an error naming
// the line of the first malformed or empty question.
func ReadQuestions(r io.Reader) ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var q Question
		if err := json.Unmarshal([]byte(text), &q); err != nil {
			return nil, fmt.Errorf("read questions: line %d: %w", line, err)
		}
		if strings.TrimSpace(q.Question) == "" {
			return nil, fmt.Errorf("read questions: line %d: no question", line)
		}
		if len(q.ArticleIDs) == 0 && q.ArticleID != "" {
			q.ArticleIDs = []string{q.ArticleID}
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return out, nil
}

// Result is one question's ranked context: the article of each result, in
// rank order, and the results' sentences flattened in order.
type Result struct {
	Articles  []string
	Sentences []string
}

// Metrics are recall figures averaged over questions, indexed like Ks. A
// figure that does not apply is nil: evidence recall when no question has
// gold evidence, and evidence recall and answer-in-context for a system
// that ranks whole articles.
type Metrics struct {
	Questions       int
	ArticleRecall   []float64
	EvidenceRecall  []float64
	AnswerInContext []float64
}

// Score computes the metrics of results, one per question in the same order.
// Evidence recall is nil when no question has evidence.
func Score(questions []Question, results []Result) Metrics {
	m := Metrics{
		Questions:       len(questions),
		ArticleRecall:   make([]float64, len(Ks)),
		AnswerInContext: make([]float64, len(Ks)),
	}
	if slices.ContainsFunc(questions, func(q Question) bool { return len(q.Evidence) > 0 }) {
		m.EvidenceRecall = make([]float64, len(Ks))
	}
	if len(questions) == 0 {
		return m
	}
	for i, q := range questions {
		r := results[i]
		evidence := make([]string, len(q.Evidence))
		for e, ev := range q.Evidence {
			evidence[e] = ev.Text
		}
		for j, k := range Ks {
			if articleHit(q.ArticleIDs, r.Articles, k) {
				m.ArticleRecall[j]++
			}
			context := Normalize(strings.Join(r.Sentences[:min(k, len(r.Sentences))], " "))
			if m.EvidenceRecall != nil && containsAny(context, evidence) {
				m.EvidenceRecall[j]++
			}
			if containsAny(context, q.Answers) {
				m.AnswerInContext[j]++
			}
		}
	}
	m.ArticleRecall = divide(m.ArticleRecall, len(questions))
	m.EvidenceRecall = divide(m.EvidenceRecall, len(questions))
	m.AnswerInContext = divide(m.AnswerInContext, len(questions))
	return m
}

// ScoreArticles computes article recall of ranked articles, one list per
// question in the same order; the sentence metrics do not apply.
func ScoreArticles(questions []Question, ranked [][]string) Metrics {
	m := Metrics{Questions: len(questions), ArticleRecall: make([]float64, len(Ks))}
	for i, q := range questions {
		for j, k := range Ks {
			if articleHit(q.ArticleIDs, ranked[i], k) {
				m.ArticleRecall[j]++
			}
		}
	}
	m.ArticleRecall = divide(m.ArticleRecall, len(questions))
	return m
}

// divide divides counts by n in place, keeping nil as nil.
func divide(counts []float64, n int) []float64 {
	if n == 0 {
		return counts
	}
	for i := range counts {
		counts[i] /= float64(n)
	}
	return counts
}

// articleHit reports whether a gold article is among the first k distinct
// articles of ranked.
func articleHit(gold, ranked []string, k int) bool {
	seen := map[string]bool{}
	for _, a := range ranked {
		if seen[a] {
			continue
		}
		seen[a] = true
		if len(seen) > k {
			return false
		}
		for _, g := range gold {
			if a == g {
				return true
			}
		}
	}
	return false
}

// containsAny reports whether the normalised context contains the
// normalised text of any of texts.
func containsAny(context string, texts []string) bool {
	if context == "" {
		return false
	}
	for _, t := range texts {
		n := Normalize(t)
		if n != "" && strings.Contains(context, n) {
			return true
		}
	}
	return false
}

// Normalize lower-cases s and keeps only runs of [a-z0-9], joined by single spaces.
func Normalize(s string) string {
	var b strings.Builder
	inRun := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if !inRun && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			inRun = true
			continue
		}
		inRun = false
	}
	return b.String()
}

// Table formats metrics side by side, one row per metric and system; a
// figure that does not apply prints as n/a.
func Table(w io.Writer, names []string, ms []Metrics) {
	width := len("system")
	for _, n := range names {
		width = max(width, len(n))
	}
	fmt.Fprintf(w, "%-18s %-*s", "metric", width, "system")
	for _, k := range Ks {
		fmt.Fprintf(w, " %7s", fmt.Sprintf("@%d", k))
	}
	fmt.Fprintln(w)
	rows := []struct {
		name string
		get  func(Metrics) []float64
	}{
		{"article recall", func(m Metrics) []float64 { return m.ArticleRecall }},
		{"evidence recall", func(m Metrics) []float64 { return m.EvidenceRecall }},
		{"answer-in-context", func(m Metrics) []float64 { return m.AnswerInContext }},
	}
	for _, row := range rows {
		for i, m := range ms {
			fmt.Fprintf(w, "%-18s %-*s", row.name, width, names[i])
			values := row.get(m)
			for j := range Ks {
				if values == nil {
					fmt.Fprintf(w, " %7s", "n/a")
					continue
				}
				fmt.Fprintf(w, " %7.3f", values[j])
			}
			fmt.Fprintln(w)
		}
	}
}

// Searcher is the part of the knowledge base an evaluation runs against;
// *knowledge.Store satisfies it.
type Searcher interface {
	Search(ctx context.Context, query string, opts knowledge.SearchOptions) ([]knowledge.Passage, error)
	SearchPlain(ctx context.Context, query string, limit int) ([]knowledge.Passage, error)
	SearchPlainArticles(ctx context.Context, query string, limit int) ([]knowledge.Article, error)
}

// Config says how Run searches.
type Config struct {
	// Options are newsbot's search options; Limit should be at least the
	// largest of Ks. Run sets AsOf from each question's date.
	Options knowledge.SearchOptions
	// NoDates asks every question as of now, leaving AsOf zero.
	NoDates bool
	// NoReferences asks newsbot's search only: the Report's reference
	// metrics and speed stay empty.
	NoReferences bool
}

// The names of the systems a Report compares, as Table prints them.
const (
	NameNewsbot        = "newsbot"
	NamePlainSentences = "bm25 sentences"
	NamePlainArticles  = "bm25 articles"
)

// Report is what Run measured: each system's metrics, and the speed of
// newsbot's search next to the plain sentence BM25.
type Report struct {
	Newsbot, PlainSentences, PlainArticles Metrics
	Speed                                  Speed
}

// Speed holds the sorted durations of each question's search through
// newsbot's Search and through the plain sentence BM25, timed interleaved.
type Speed struct {
	Newsbot, Plain []time.Duration
}

// Run asks every question of newsbot's search (with cfg, as of the
// question's date unless cfg.NoDates), of the plain BM25 over single
// sentences and of the plain BM25 over whole articles (both without dates:
// they are references; unless cfg.NoReferences), and returns their
// metrics. The two sentence
// searches are timed question by question, taking turns at going first, so
// that both see the same machine noise. It returns an error naming the
// question when a date does not parse or a search fails.
func Run(ctx context.Context, s Searcher, questions []Question, cfg Config) (Report, error) {
	maxK := Ks[len(Ks)-1]
	rs := make([]Result, len(questions))
	ps := make([]Result, len(questions))
	as := make([][]string, len(questions))
	var sp Speed
	for i, q := range questions {
		opts := cfg.Options
		if !cfg.NoDates {
			asOf, err := q.AsOf()
			if err != nil {
				return Report{}, fmt.Errorf("evaluate: %w", err)
			}
			opts.AsOf = asOf
		}
		ranked := func() error {
			start := time.Now()
			passages, err := s.Search(ctx, q.Question, opts)
			sp.Newsbot = append(sp.Newsbot, time.Since(start))
			rs[i] = flatten(passages)
			return err
		}
		plain := func() error {
			start := time.Now()
			passages, err := s.SearchPlain(ctx, q.Question, maxK)
			sp.Plain = append(sp.Plain, time.Since(start))
			ps[i] = flatten(passages)
			return err
		}
		if cfg.NoReferences {
			if err := ranked(); err != nil {
				return Report{}, fmt.Errorf("evaluate %s: %w", q.ID, err)
			}
			continue
		}
		first, second := ranked, plain
		if i%2 == 1 {
			first, second = plain, ranked
		}
		if err := first(); err != nil {
			return Report{}, fmt.Errorf("evaluate %s: %w", q.ID, err)
		}
		if err := second(); err != nil {
			return Report{}, fmt.Errorf("evaluate %s: %w", q.ID, err)
		}
		articles, err := s.SearchPlainArticles(ctx, q.Question, maxK)
		if err != nil {
			return Report{}, fmt.Errorf("evaluate %s: %w", q.ID, err)
		}
		for _, a := range articles {
			as[i] = append(as[i], a.ID)
		}
	}
	if cfg.NoReferences {
		return Report{Newsbot: Score(questions, rs)}, nil
	}
	slices.Sort(sp.Newsbot)
	slices.Sort(sp.Plain)
	return Report{
		Newsbot:        Score(questions, rs),
		PlainSentences: Score(questions, ps),
		PlainArticles:  ScoreArticles(questions, as),
		Speed:          sp,
	}, nil
}

// Write prints the report: the metrics table, then the speed of the
// sentence searches.
func (r Report) Write(w io.Writer) {
	Table(w, []string{NameNewsbot, NamePlainSentences, NamePlainArticles},
		[]Metrics{r.Newsbot, r.PlainSentences, r.PlainArticles})
	fmt.Fprintln(w)
	r.Speed.Write(w)
}

// Write prints the total and median time per query of both searches and
// their ratios.
func (s Speed) Write(w io.Writer) {
	fmt.Fprintf(w, "%-40s %10s %10s\n", fmt.Sprintf("search speed (%d queries, interleaved)", len(s.Newsbot)), "total", "median")
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{{"newsbot Search", s.Newsbot}, {"bm25 sentences (SearchPlain)", s.Plain}} {
		fmt.Fprintf(w, "%-40s %10s %10s\n", row.name, millis(Total(row.d)), millis(Median(row.d)))
	}
	fmt.Fprintf(w, "%-40s %10s %10s\n", "ratio newsbot/bm25",
		ratio(Total(s.Newsbot), Total(s.Plain)), ratio(Median(s.Newsbot), Median(s.Plain)))
}

// Total returns the sum of ds.
func Total(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

// Median returns the median of sorted durations ds (the mean of the middle
// two when there is an even number), or 0 when there are none.
func Median(ds []time.Duration) time.Duration {
	n := len(ds)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return ds[n/2]
	default:
		return (ds[n/2-1] + ds[n/2]) / 2
	}
}

func millis(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

func ratio(a, b time.Duration) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

func flatten(passages []knowledge.Passage) Result {
	var r Result
	for _, p := range passages {
		r.Articles = append(r.Articles, p.Article.ID)
		for _, s := range p.Sentences {
			r.Sentences = append(r.Sentences, s.Text)
		}
	}
	return r
}
