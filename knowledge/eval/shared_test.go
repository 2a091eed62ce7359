package eval_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/eval"
	"newsbot/knowledge/load"
)

// openSharedSet loads the evaluation set ../shared/eval/NAME the way
// `newsbot eval` does, into a new store, and reads its questions. It skips
// the test when the set is not beside the project, and fails it unless
// exactly articles articles load.
func openSharedSet(t *testing.T, name string, articles int) (*knowledge.Store, []eval.Question) {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "eval", name)
	qf, err := os.Open(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		t.Skipf("the shared evaluation set is not beside the project (../shared/eval/%s): %v", name, err)
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
	t.Cleanup(func() { st.Close() })
	start := time.Now()
	report, err := (&load.Loader{Store: st}).Load(ctx, []string{filepath.Join(dir, "articles.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	if loaded, _, _, rejected := report.Counts(); loaded != articles || rejected != 0 {
		t.Fatalf("load: %s, want %d loaded", report.Summary(), articles)
	}
	t.Logf("loaded %s in %s", report.Summary(), time.Since(start).Round(time.Second))
	return st, qs
}
