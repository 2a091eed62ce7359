package corpus

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"newsbot/knowledge"
)

func TestArticleDeterministic(t *testing.T) {
	a := New(1, 5000).Article(7)
	g := New(1, 5000)
	g.Article(3)
	if b := g.Article(7); !reflect.DeepEqual(a, b) {
		t.Fatalf("article 7 differs between generators:\n%+v\n%+v", a, b)
	}
	if c := New(2, 5000).Article(7); c.Body == a.Body {
		t.Fatal("different seeds gave the same body")
	}
}

func TestArticleShape(t *testing.T) {
	g := New(1, 5000)
	total := 0
	for i := range 200 {
		a := g.Article(i)
		if a.Title == "" || a.URL == "" || len(a.KeyPoints) != 3 || a.Published.IsZero() {
			t.Fatalf("article %d incomplete: %+v", i, a)
		}
		a.ID = "x"
		total += len(knowledge.Split(a))
	}
	if avg := total / 200; avg < SentencesPerArticle-5 || avg > SentencesPerArticle+5 {
		t.Errorf("average sentences per article = %d, want about %d", avg, SentencesPerArticle)
	}
}

func TestZipfLike(t *testing.T) {
	g := New(1, 20000)
	counts := map[string]int{}
	for i := range 300 {
		for _, w := range strings.Fields(strings.ToLower(g.Article(i).Body)) {
			counts[strings.Trim(w, ".")]++
		}
	}
	// The most frequent word is far more frequent than a mid-ranked one, as
	// in natural text.
	if counts["the"] < 20*counts[g.vocab[1000]] {
		t.Errorf(`"the" seen %d times, word ranked 1000 seen %d: not Zipf-like`, counts["the"], counts[g.vocab[1000]])
	}
}

func TestPercentile(t *testing.T) {
	l := Latencies{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	if got := l.Percentile(50); got != 5 {
		t.Errorf("p50 = %d, want 5", got)
	}
	if got := l.Percentile(99); got != 10 {
		t.Errorf("p99 = %d, want 10", got)
	}
}

func TestLoadCountsWhatTheStoreHolds(t *testing.T) {
	ctx := t.Context()
	st, err := knowledge.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := New(1, 5000)
	for _, from := range []int{0, 20} {
		stats, err := Load(ctx, st, g, from, 20, 7)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for i := from; i < from+20; i++ {
			want += len(knowledge.Split(g.Article(i)))
		}
		if stats.Articles != 20 || stats.Sentences != want || len(stats.HeapAt) != 10 {
			t.Errorf("load from %d: %d articles, %d sentences, %d heap readings; want 20, %d, 10", from, stats.Articles, stats.Sentences, len(stats.HeapAt), want)
		}
	}
}
