package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/corpus"
)

var benchCommand = command{
	name:  "bench",
	usage: "[--articles N] [--queries N] [--seed N]",
	summary: `Measures loading and search speed on a synthetic news-like corpus.
Loads generated articles into --db until it holds --articles of them (about 30
sentences each), then times --queries searches with newsbot's ranking and with a
plain FTS5 BM25 query, interleaved, and prints medians and 99th percentiles.
It never touches the database NEWSBOT_DB or the default names: without --db
on the command line it works in a temporary database, removed at the end, and
says where; --db bench.db keeps the corpus for the next run.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		articles := fs.Int("articles", 34_000, "synthetic `articles` to hold (34,000 ≈ 1,000,000 sentences)")
		queries := fs.Int("queries", 500, "`number` of searches to time")
		seed := fs.Uint64("seed", 1, "generator `seed`")
		batch := fs.Int("batch", 500, "articles per load transaction")
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			if err := cmp.Or(atLeast("--articles", *articles, 1), atLeast("--queries", *queries, 1), atLeast("--batch", *batch, 1)); err != nil {
				return err
			}
			if !a.dbFlag {
				dir, err := os.MkdirTemp("", "newsbot-bench-")
				if err != nil {
					return fmt.Errorf("make a temporary database: %w", err)
				}
				defer os.RemoveAll(dir)
				a.dbPath = filepath.Join(dir, "bench.db")
				fmt.Fprintf(a.stdout, "no --db given: benchmarking in a temporary database, %s, removed at the end\n", a.dbPath)
				// Close it before the directory goes.
				defer func() {
					if a.store != nil {
						a.store.Close()
						a.store = nil
					}
				}()
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			have, sentences, err := st.Count(ctx)
			if err != nil {
				return err
			}
			g := corpus.New(*seed, 0)
			if have < *articles {
				fmt.Fprintf(a.stdout, "loading %d synthetic articles into %s…\n", *articles-have, a.dbPath)
				stats, err := corpus.Load(ctx, st, g, have, *articles-have, *batch)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "loaded %d articles, %d sentences in %s: %.0f sentences/s; heap in use max %.0f MiB, by tenths:",
					stats.Articles, stats.Sentences, stats.Elapsed.Round(time.Millisecond), stats.SentencesPerSecond(), mib(stats.MaxHeap))
				for _, h := range stats.HeapAt {
					fmt.Fprintf(a.stdout, " %.0f", mib(h))
				}
				fmt.Fprintln(a.stdout)
				if have, sentences, err = st.Count(ctx); err != nil {
					return err
				}
			}
			fmt.Fprintf(a.stdout, "store: %d articles, %d sentences\n", have, sentences)
			qs := g.Questions(*queries, min(have, *articles))
			ls, err := corpus.MeasureSearch(ctx, qs,
				func(ctx context.Context, q string) error {
					_, err := st.Search(ctx, q, knowledge.SearchOptions{})
					return err
				},
				func(ctx context.Context, q string) error {
					_, err := st.SearchPlain(ctx, q, 20)
					return err
				})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%-34s %9s %9s\n", fmt.Sprintf("search (%d queries)", len(qs)), "p50", "p99")
			for i, name := range []string{"newsbot Search", "plain FTS5 bm25() OR-query"} {
				fmt.Fprintf(a.stdout, "%-34s %9s %9s\n", name, ms(ls[i].Percentile(50)), ms(ls[i].Percentile(99)))
			}
			fmt.Fprintf(a.stdout, "p50 ratio newsbot/plain: %.2f\n", float64(ls[0].Percentile(50))/float64(ls[1].Percentile(50)))
			return nil
		}
	},
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
