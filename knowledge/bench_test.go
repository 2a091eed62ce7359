package knowledge_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/corpus"
)

// benchArticles is the size of the synthetic store the search benchmarks
// use: NEWSBOT_BENCH_ARTICLES, default 3,400 (about 100,000 sentences);
// 34,000 gives about 1,000,000. The store is built once and kept in the
// temporary directory for later runs.
func benchArticles() int {
	if n, err := strconv.Atoi(os.Getenv("NEWSBOT_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 3_400
}

var (
	benchOnce  sync.Once
	benchStore *knowledge.Store
	benchErr   error
)

func openBenchStore(b *testing.B) *knowledge.Store {
	b.Helper()
	benchOnce.Do(func() {
		ctx := context.Background()
		n := benchArticles()
		path := filepath.Join(os.TempDir(), fmt.Sprintf("newsbot-bench-%d.db", n))
		benchStore, benchErr = knowledge.Open(ctx, path)
		if benchErr != nil {
			return
		}
		have, _, err := benchStore.Count(ctx)
		if err != nil {
			benchErr = err
			return
		}
		if have < n {
			_, benchErr = corpus.Load(ctx, benchStore, corpus.New(1, 0), have, n-have, 500)
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchStore
}

// BenchmarkPut loads synthetic articles in transactions of 500 and reports
// sentences per second.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	st, err := knowledge.Open(ctx, filepath.Join(b.TempDir(), "put.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	g := corpus.New(1, 0)
	b.ResetTimer()
	stats, err := corpus.Load(ctx, st, g, 0, b.N, 500)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(stats.SentencesPerSecond(), "sentences/s")
}

func benchmarkSearch(b *testing.B, search func(ctx context.Context, st *knowledge.Store, q string) error) {
	st := openBenchStore(b)
	qs := corpus.New(1, 0).Questions(1000, benchArticles())
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := search(ctx, st, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch times newsbot's ranked passage search.
func BenchmarkSearch(b *testing.B) {
	benchmarkSearch(b, func(ctx context.Context, st *knowledge.Store, q string) error {
		_, err := st.Search(ctx, q, knowledge.SearchOptions{})
		return err
	})
}

// BenchmarkSearchPlain times the reference: a plain FTS5 OR-query ordered by bm25().
func BenchmarkSearchPlain(b *testing.B) {
	benchmarkSearch(b, func(ctx context.Context, st *knowledge.Store, q string) error {
		_, err := st.SearchPlain(ctx, q, 20)
		return err
	})
}
