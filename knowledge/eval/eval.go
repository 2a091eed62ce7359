// Package eval measures retrieval quality on a question set with gold
// evidence sentences: article recall, evidence recall and answer-in-context
// at several context sizes.
package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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

// Metrics are recall figures averaged over questions, indexed like Ks.
type Metrics struct {
	Questions       int
	ArticleRecall   []float64
	EvidenceRecall  []float64
	AnswerInContext []float64
}

// Score computes the metrics of results, one per question in the same order.
func Score(questions []Question, results []Result) Metrics {
	m := Metrics{
		Questions:       len(questions),
		ArticleRecall:   make([]float64, len(Ks)),
		EvidenceRecall:  make([]float64, len(Ks)),
		AnswerInContext: make([]float64, len(Ks)),
	}
	if len(questions) == 0 {
		return m
	}
	for i, q := range questions {
		r := results[i]
		for j, k := range Ks {
			if articleHit(q.ArticleIDs, r.Articles, k) {
				m.ArticleRecall[j]++
			}
			context := Normalize(strings.Join(r.Sentences[:min(k, len(r.Sentences))], " "))
			evidence := make([]string, len(q.Evidence))
			for e, ev := range q.Evidence {
				evidence[e] = ev.Text
			}
			if containsAny(context, evidence) {
				m.EvidenceRecall[j]++
			}
			if containsAny(context, q.Answers) {
				m.AnswerInContext[j]++
			}
		}
	}
	n := float64(len(questions))
	for j := range Ks {
		m.ArticleRecall[j] /= n
		m.EvidenceRecall[j] /= n
		m.AnswerInContext[j] /= n
	}
	return m
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

// Table formats metrics side by side, one row per metric and system.
func Table(w io.Writer, names []string, ms []Metrics) {
	fmt.Fprintf(w, "%-18s %-10s", "metric", "system")
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
			fmt.Fprintf(w, "%-18s %-10s", row.name, names[i])
			for _, v := range row.get(m) {
				fmt.Fprintf(w, " %7.3f", v)
			}
			fmt.Fprintln(w)
		}
	}
}

// Searcher is the part of the knowledge base an evaluation runs against.
type Searcher interface {
	Search(ctx context.Context, query string, opts knowledge.SearchOptions) ([]knowledge.Passage, error)
	SearchPlain(ctx context.Context, query string, limit int) ([]knowledge.Passage, error)
}

// Run asks every question of both the ranked search (with opts) and the
// plain BM25 reference, and returns their metrics in that order.
func Run(ctx context.Context, s Searcher, questions []Question, opts knowledge.SearchOptions) (ranked, plain Metrics, err error) {
	maxK := Ks[len(Ks)-1]
	rs := make([]Result, len(questions))
	ps := make([]Result, len(questions))
	for i, q := range questions {
		passages, err := s.Search(ctx, q.Question, opts)
		if err != nil {
			return Metrics{}, Metrics{}, fmt.Errorf("evaluate %s: %w", q.ID, err)
		}
		rs[i] = flatten(passages)
		if passages, err = s.SearchPlain(ctx, q.Question, maxK); err != nil {
			return Metrics{}, Metrics{}, fmt.Errorf("evaluate %s: %w", q.ID, err)
		}
		ps[i] = flatten(passages)
	}
	return Score(questions, rs), Score(questions, ps), nil
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
