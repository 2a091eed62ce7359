package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"newsbot/bot"
	"newsbot/bot/model"
	"newsbot/knowledge"
	"newsbot/knowledge/corpus"
)

// instantModel answers at once with a few cited sentences, so benchmarks
// measure everything but the model.
type instantModel struct{}

var _ model.Model = instantModel{}

func (instantModel) Complete(_ context.Context, _ []model.Message, onText func(string)) (string, error) {
	const answer = "The first claim holds [1]. The second one too [2][3]. A third cites a range [4-5]. An uncited aside."
	if onText != nil {
		onText(answer[:30])
		onText(answer)
	}
	return answer, nil
}

// givenPassages is a Searcher that returns passages searched beforehand, and
// looks sentences up in the real store.
type givenPassages struct {
	*knowledge.Store
	passages map[string][]knowledge.Passage
}

func (g givenPassages) Search(_ context.Context, q string, _ knowledge.SearchOptions) ([]knowledge.Passage, error) {
	return g.passages[q], nil
}

// measure runs answer for b.N questions and reports the median and 99th
// percentile latency of one answer.
func measure(b *testing.B, a *bot.Answerer, questions []string) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	modes := map[bot.Mode]int{}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		ans, err := a.Answer(b.Context(), questions[i%len(questions)], nil, func(string) {})
		if err != nil {
			b.Fatal(err)
		}
		_ = bot.Render(ans)
		lat = append(lat, time.Since(start))
		modes[ans.Mode]++
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if modes[bot.ModeModel] == 0 {
		b.Errorf("no answer came from the model: %v", modes)
	}
}

// BenchmarkAnswerGivenPassages measures the answer pipeline's own work for
// passages already retrieved: evidence and prompt, citation checking
// (including the store lookup of the cited sentences) and rendering.
func BenchmarkAnswerGivenPassages(b *testing.B) {
	ctx := b.Context()
	st, err := knowledge.Open(ctx, filepath.Join(b.TempDir(), "newsbot.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	g := corpus.New(1, 0)
	if _, err := corpus.Load(ctx, st, g, 0, 300, 300); err != nil {
		b.Fatal(err)
	}
	questions := g.Questions(200, 300)
	given := givenPassages{Store: st, passages: map[string][]knowledge.Passage{}}
	for _, q := range questions {
		ps, err := st.Search(ctx, q, knowledge.SearchOptions{Limit: 6, Window: 1, PerArticle: 2})
		if err != nil {
			b.Fatal(err)
		}
		given.passages[q] = ps
	}
	measure(b, bot.New(bot.Config{}, given, instantModel{}, discard()), questions)
}

// BenchmarkAnswerOverStore measures everything but the model — retrieval,
// prompt, citation checking, rendering — over a synthetic store of
// NEWSBOT_BENCH_ARTICLES articles (default 3,400, about 100,000 sentences;
// 34,000 gives about 1,000,000). The store is built once and kept in the
// temporary directory, shared with the knowledge benchmarks.
func BenchmarkAnswerOverStore(b *testing.B) {
	ctx := b.Context()
	n := 3_400
	if v, err := strconv.Atoi(os.Getenv("NEWSBOT_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	st, err := knowledge.Open(ctx, filepath.Join(os.TempDir(), fmt.Sprintf("newsbot-bench-%d.db", n)))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	g := corpus.New(1, 0)
	have, _, err := st.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if have < n {
		if _, err := corpus.Load(ctx, st, g, have, n-have, 500); err != nil {
			b.Fatal(err)
		}
	}
	_, sentences, err := st.Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("store: %d articles, %d sentences", n, sentences)
	measure(b, bot.New(bot.Config{}, st, instantModel{}, discard()), g.Questions(500, n))
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
