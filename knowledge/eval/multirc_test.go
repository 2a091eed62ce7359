package eval_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/eval"
)

func TestMultiRCQuick(t *testing.T) {
	dir := "../../../shared/eval/multirc"
	f, err := os.Open(filepath.Join(dir, "articles.jsonl"))
	if err != nil {
		t.Skipf("../shared not present: %v", err)
	}
	defer f.Close()
	ctx := context.Background()
	st, err := knowledge.Open(ctx, filepath.Join(t.TempDir(), "e.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var arts []knowledge.Article
	for sc.Scan() {
		var a struct{ ID, Body, Source string }
		json.Unmarshal(sc.Bytes(), &a)
		w := strings.Fields(a.Body)
		arts = append(arts, knowledge.Article{ID: a.ID, Title: strings.Join(w[:8], " "), Body: a.Body, Source: a.Source})
	}
	if _, err := st.Put(ctx, arts); err != nil {
		t.Fatal(err)
	}
	qf, _ := os.Open(filepath.Join(dir, "questions.jsonl"))
	qs, err := eval.ReadQuestions(qf)
	if err != nil {
		t.Fatal(err)
	}
	for _, ws := range [][4]float64{{0.3, 0.2, 4, 0.3}} {
		for _, cfg := range [][2]int{{0, 4}, {1, 3}, {1, 4}, {2, 3}} {
		w, pa := cfg[0], cfg[1]
			r, p, err := eval.Run(ctx, st, qs, knowledge.SearchOptions{Limit: 20, Window: w, PerArticle: pa})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			eval.Table(&b, []string{"ranked", "plain"}, []eval.Metrics{r, p})
			t.Logf("weights %v w %d pa %d\n%s", ws, w, pa, b.String())
		}
	}
}
