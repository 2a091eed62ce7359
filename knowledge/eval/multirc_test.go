package eval_test

import (
	"context"
	"strings"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/eval"
)

// TestMultiRC loads the shared MultiRC question set the way `newsbot eval`
// does, with the passage shape answers use, and guards ranking on a kind of
// text other than news: it must not fall below the plain BM25 reference on
// article recall at any depth, nor on evidence recall at 5, 10 and 20
// sentences (at 1, a passage opens with the sentence before its match).
func TestMultiRC(t *testing.T) {
	st, qs := openSharedSet(t, "multirc", 83)
	ctx := context.Background()
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
