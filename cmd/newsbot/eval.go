package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"newsbot/bot"
	"newsbot/knowledge"
	"newsbot/knowledge/eval"
	"newsbot/knowledge/load"
)

var evalCommand = command{
	name:  "eval",
	usage: "--articles A.jsonl [--questions Q.jsonl] [--offtopic FILE] [--no-dates]",
	summary: `Measures what users get on a question set: retrieval quality, search speed and answers.
Loads the articles into a temporary database and asks every question of
--questions (JSON Lines with question, question_date, article_ids, evidence,
answers) as of its question_date. Prints article recall, evidence recall and
answer-in-context at 1, 5, 10 and 20 sentences of context for newsbot's search,
next to plain FTS5 BM25 over single sentences and over whole articles (the
references, without dates); passages count by their sentences, so wide passages
spend the context budget faster. Then the time newsbot's search and the
sentence BM25 took, interleaved, and how often the answer (without a model: an
extract) shows an accepted answer or says the articles don't answer.
--offtopic asks the questions of FILE (one a line; blank lines and # comments
skipped), which no article should answer, and prints how often the answer
says so.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		articles := fs.String("articles", "", "articles `file` (JSON Lines, or any format load takes)")
		questions := fs.String("questions", "", "questions `file` (JSON Lines with question, question_date, article_ids, evidence, answers)")
		offtopic := fs.String("offtopic", "", "`file` of questions no article answers, one a line")
		noDates := fs.Bool("no-dates", false, "ask every question as of now, not as of its question_date")
		window := fs.Int("window", knowledge.DefaultWindow, "neighbouring `sentences` each side of a match")
		perArticle := fs.Int("per-article", knowledge.DefaultPerArticle, "most `passages` from one article")
		lead := fs.Int("lead", knowledge.DefaultLead, "`sentences` after its match the best passage also carries")
		return func(ctx context.Context, a *app, args []string) error {
			if *articles == "" || (*questions == "" && *offtopic == "") || len(args) > 0 {
				return usagef("--articles and --questions or --offtopic are required")
			}
			var qs, offs []eval.Question
			if *questions != "" {
				var err error
				if qs, err = readQuestions(*questions, eval.ReadQuestions); err != nil {
					return err
				}
			}
			if *offtopic != "" {
				var err error
				if offs, err = readQuestions(*offtopic, eval.ReadQuestionLines); err != nil {
					return err
				}
			}
			st, done, err := loadEvalStore(ctx, a, *articles)
			if err != nil {
				return err
			}
			defer done()
			answerer := bot.New(bot.Config{}, st, nil, a.log)
			if len(qs) > 0 {
				dated := 0
				for _, q := range qs {
					if strings.TrimSpace(q.QuestionDate) != "" {
						dated++
					}
				}
				dates := fmt.Sprintf("each question as of its question_date (%d of %d have one; the others as of now)", dated, len(qs))
				if *noDates {
					dates = "off (every question as of now)"
				}
				fmt.Fprintf(a.stdout, "questions: %d\ndates: %s\n\n", len(qs), dates)
				if err := st.IndexPlainArticles(ctx); err != nil {
					return err
				}
				opts := knowledge.SearchOptions{Limit: eval.Ks[len(eval.Ks)-1], Window: *window, PerArticle: *perArticle, Lead: *lead}
				report, err := eval.Run(ctx, st, qs, eval.Config{Options: opts, NoDates: *noDates})
				if err != nil {
					return err
				}
				report.Write(a.stdout)
				m, err := eval.RunAnswers(ctx, answerFunc(answerer), qs, *noDates)
				if err != nil {
					return err
				}
				fmt.Fprintln(a.stdout)
				m.Write(a.stdout)
			}
			if len(offs) > 0 {
				m, err := eval.RunAnswers(ctx, answerFunc(answerer), offs, true)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "\noff-topic questions: %d\nanswered no-answer: %.3f\n", m.Questions, m.NoAnswer)
			}
			return nil
		}
	},
}

// readQuestions reads a question file with read, and fails when it holds none.
func readQuestions(path string, read func(io.Reader) ([]eval.Question, error)) ([]eval.Question, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	defer f.Close()
	qs, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return qs, nil
}

// loadEvalStore loads articles into a store in a temporary directory and
// returns it with the function that closes and removes it.
func loadEvalStore(ctx context.Context, a *app, articles string) (*knowledge.Store, func(), error) {
	dir, err := os.MkdirTemp("", "newsbot-eval-")
	if err != nil {
		return nil, nil, fmt.Errorf("eval: %w", err)
	}
	st, err := knowledge.Open(ctx, filepath.Join(dir, "eval.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	done := func() {
		st.Close()
		os.RemoveAll(dir)
	}
	report, err := (&load.Loader{Store: st, Log: a.log}).Load(ctx, []string{articles})
	if err != nil {
		done()
		return nil, nil, err
	}
	for _, r := range report.Rejected() {
		fmt.Fprintf(a.stderr, "rejected %s: %s\n", r.Origin, r.Reason)
	}
	if loaded, updated, unchanged, _ := report.Counts(); loaded+updated+unchanged == 0 {
		done()
		return nil, nil, fmt.Errorf("%s: no article loaded", articles)
	}
	fmt.Fprintf(a.stdout, "articles: %s\n", report.Summary())
	return st, done, nil
}

// answerFunc asks ans, as the evaluation asks its questions.
func answerFunc(ans *bot.Answerer) eval.AnswerFunc {
	return func(ctx context.Context, question string, asOf time.Time) (eval.Answer, error) {
		got, err := ans.AnswerAt(ctx, question, asOf, nil, nil)
		if err != nil {
			return eval.Answer{}, err
		}
		return evalAnswer(got), nil
	}
}

// evalAnswer is what a user is shown of an answer: its text and its sources.
func evalAnswer(a bot.Answer) eval.Answer {
	out := eval.Answer{Texts: []string{a.Text}, NoAnswer: a.Mode == bot.ModeNoAnswer}
	for _, c := range a.Citations {
		out.Texts = append(out.Texts, c.Text)
	}
	return out
}
