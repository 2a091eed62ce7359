package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"newsbot/knowledge"
	"newsbot/knowledge/eval"
	"newsbot/knowledge/load"
)

var evalCommand = command{
	name:  "eval",
	usage: "--articles A.jsonl --questions Q.jsonl",
	summary: `Measures retrieval quality on a question set with gold evidence sentences.
Loads the articles into a temporary database, asks every question, and prints article recall, evidence recall and answer-in-context
at 1, 5, 10 and 20 sentences of context, next to the same metrics for a plain
FTS5 BM25 over single sentences. Passages count by their sentences, so wide
passages spend the context budget faster.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		articles := fs.String("articles", "", "articles `file` (JSON Lines, or any format load takes)")
		questions := fs.String("questions", "", "questions `file` (JSON Lines with question, article_ids, evidence, answers)")
		window := fs.Int("window", 0, "neighbouring `sentences` each side of a match")
		perArticle := fs.Int("per-article", 4, "most `passages` from one article")
		lead := fs.Int("lead", 1, "`sentences` after its match the best passage also carries")
		return func(ctx context.Context, a *app, args []string) error {
			if *articles == "" || *questions == "" || len(args) > 0 {
				return fmt.Errorf("%w: --articles and --questions are required", errUsage)
			}
			qf, err := os.Open(*questions)
			if err != nil {
				return fmt.Errorf("read questions: %w", err)
			}
			qs, err := eval.ReadQuestions(qf)
			qf.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", *questions, err)
			}
			if len(qs) == 0 {
				return fmt.Errorf("%s: no questions", *questions)
			}
			dir, err := os.MkdirTemp("", "newsbot-eval-")
			if err != nil {
				return fmt.Errorf("eval: %w", err)
			}
			defer os.RemoveAll(dir)
			st, err := knowledge.Open(ctx, filepath.Join(dir, "eval.db"))
			if err != nil {
				return err
			}
			defer st.Close()
			l := &load.Loader{Store: st, Log: a.log}
			report, err := l.Load(ctx, []string{*articles})
			if err != nil {
				return err
			}
			for _, r := range report.Rejected() {
				fmt.Fprintf(a.stderr, "rejected %s: %s\n", r.Origin, r.Reason)
			}
			if loaded, updated, unchanged, _ := report.Counts(); loaded+updated+unchanged == 0 {
				return fmt.Errorf("%s: no article loaded", *articles)
			}
			fmt.Fprintf(a.stdout, "articles: %s\nquestions: %d\n\n", report.Summary(), len(qs))
			opts := knowledge.SearchOptions{Limit: eval.Ks[len(eval.Ks)-1], Window: *window, PerArticle: *perArticle, Lead: *lead}
			ranked, plain, err := eval.Run(ctx, st, qs, opts)
			if err != nil {
				return err
			}
			eval.Table(a.stdout, []string{"newsbot", "plain"}, []eval.Metrics{ranked, plain})
			return nil
		}
	},
}
