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
// does and checks that ranking beats the plain BM25 reference and holds the
// levels recorded in the README.
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
	result, err := eval.Run(ctx, st, qs, eval.Config{Options: knowledge.SearchOptions{Limit: 20, PerArticle: 4, Lead: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	result.Write(&b)
	t.Logf("\n%s", b.String())
	ranked, plain := result.Newsbot, result.PlainSentences
	for _, c := range []struct {
		name       string
		got, plain float64
		floor      float64
	}{
		{"article recall@1", ranked.ArticleRecall[0], plain.ArticleRecall[0], 0.95},
		{"evidence recall@5", ranked.EvidenceRecall[1], plain.EvidenceRecall[1], 0.90},
		{"evidence recall@10", ranked.EvidenceRecall[2], plain.EvidenceRecall[2], 0.95},
	} {
		if c.got <= c.plain {
			t.Errorf("%s = %.3f, no better than plain BM25's %.3f", c.name, c.got, c.plain)
		}
		if c.got < c.floor {
			t.Errorf("%s = %.3f, below %.2f", c.name, c.got, c.floor)
		}
	}
}
