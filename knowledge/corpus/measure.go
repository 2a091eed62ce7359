package corpus

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"newsbot/knowledge"
)

// LoadStats describes a timed load.
type LoadStats struct {
	Articles, Sentences int
	Elapsed             time.Duration
	// MaxHeap is the largest heap in use seen between batches, in bytes.
	MaxHeap uint64
	// HeapAt holds the heap in use after each tenth of the load, to show
	// whether memory stays flat.
	HeapAt []uint64
}

// SentencesPerSecond returns the load rate.
func (s LoadStats) SentencesPerSecond() float64 {
	return float64(s.Sentences) / s.Elapsed.Seconds()
}

// Load generates articles [from, from+n) and stores them in batches of
// batch articles, one transaction each. It returns an error naming the
// batch when a Put fails.
func Load(ctx context.Context, st *knowledge.Store, g *Generator, from, n, batch int) (LoadStats, error) {
	if batch <= 0 {
		batch = 500
	}
	var stats LoadStats
	var ms runtime.MemStats
	tenth := max(n/10, 1)
	_, before, err := st.Count(ctx)
	if err != nil {
		return stats, err
	}
	start := time.Now()
	buf := make([]knowledge.Article, 0, batch)
	for i := from; i < from+n; i++ {
		a := g.Article(i)
		buf = append(buf, a)
		if len(buf) == batch || i == from+n-1 {
			if _, err := st.Put(ctx, buf); err != nil {
				return stats, fmt.Errorf("load synthetic articles %d-%d: %w", i-len(buf)+1, i, err)
			}
			stats.Articles += len(buf)
			buf = buf[:0]
			runtime.ReadMemStats(&ms)
			stats.MaxHeap = max(stats.MaxHeap, ms.HeapInuse)
		}
		if (i-from+1)%tenth == 0 {
			runtime.ReadMemStats(&ms)
			stats.HeapAt = append(stats.HeapAt, ms.HeapInuse)
		}
	}
	stats.Elapsed = time.Since(start)
	// The store splits the articles; counting its sentences afterwards keeps
	// a second split out of the timed load.
	_, after, err := st.Count(ctx)
	if err != nil {
		return stats, err
	}
	stats.Sentences = after - before
	return stats, nil
}

// Latencies are the sorted durations of repeated searches.
type Latencies []time.Duration

// Percentile returns the p-th percentile (0 < p ≤ 100).
func (l Latencies) Percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	i := int(float64(len(l))*p/100+0.5) - 1
	return l[min(max(i, 0), len(l)-1)]
}

// SearchFunc is one way of searching, timed by MeasureSearch.
type SearchFunc func(ctx context.Context, query string) error

// MeasureSearch runs each query through every search function in turn
// (interleaved, so noise on a shared machine hits them alike) and returns
// their sorted latencies in the same order as fns.
func MeasureSearch(ctx context.Context, queries []string, fns ...SearchFunc) ([]Latencies, error) {
	out := make([]Latencies, len(fns))
	for _, q := range queries {
		for i, fn := range fns {
			start := time.Now()
			if err := fn(ctx, q); err != nil {
				return nil, fmt.Errorf("measure search %q: %w", q, err)
			}
			out[i] = append(out[i], time.Since(start))
		}
	}
	for _, l := range out {
		slices.Sort(l)
	}
	return out, nil
}

// Questions returns n questions about random articles among the first
// articles ones.
func (g *Generator) Questions(n, articles int) []string {
	qs := make([]string, n)
	for i := range qs {
		// A fresh generator per article reproduces the article exactly.
		qs[i] = g.Question(g.Article(g.rng.IntN(articles)))
	}
	return qs
}
