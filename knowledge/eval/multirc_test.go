package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/eval"
	"newsbot/knowledge/load"
)

// TestMultiRC loads the shared MultiRC question set the way `newsbot eval`
// does, with the passage shape answers use, and guards ranking on a kind of
// text other than news: it must not fall below the plain BM25 reference on
// article recall at any depth, nor on evidence recall at 5, 10 and 20
// sentences (at 1, a passage opens with the sentence before its match).
func TestMultiRC(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "eval", "multirc")
	qf, err := os.Open(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		t.Skipf("the shared evaluation set is not beside the project: %v", err)
	}
	defer qf.Close()
	qs, err := eval.ReadQuestions(qf)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := knowledge.Open(ctx, filepath.Join(t.TempDir(), "eval.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	report, err := (&load.Loader{Store: st}).Load(ctx, []string{filepath.Join(dir, "articles.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	if loaded, _, _, rejected := report.Counts(); loaded != 83 || rejected != 0 {
		t.Fatalf("load: %s, want 83 loaded", report.Summary())
	}
	opts := knowledge.SearchOptions{Limit: 20, Window: knowledge.DefaultWindow, PerArticle: knowledge.DefaultPerArticle, Lead: knowledge.DefaultLead}
	result, err := eval.Run(ctx, st, qs, eval.Config{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	result.Write(&b)
	t.Logf("\n%s", b.String())
	ranked, plain := result.Newsbot, result.PlainSentences
	for i, k := range eval.Ks {
		if ranked.ArticleRecall[i] < plain.ArticleRecall[i] {
			t.Errorf("article recall@%d = %.3f, below plain BM25's %.3f", k, ranked.ArticleRecall[i], plain.ArticleRecall[i])
		}
		if k > 1 && ranked.EvidenceRecall[i] < plain.EvidenceRecall[i] {
			t.Errorf("evidence recall@%d = %.3f, below plain BM25's %.3f", k, ranked.EvidenceRecall[i], plain.EvidenceRecall[i])
		}
	}
}
