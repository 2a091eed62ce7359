package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"newsbot/bot/feedback"
)

var feedbackCommand = command{
	name:  "feedback",
	usage: "[--json] [--since DATE] [--export FILE]",
	summary: `Lists what people said of the bot's answers on Discord with the
"Helpful" and "Wrong or unsupported" buttons, newest first: one verdict per
person per answer, people shown only as a one-way hash. --since (YYYY-MM-DD
or RFC 3339) leaves out older verdicts. --export FILE writes the answers
marked wrong as an eval question set (JSON Lines, ../shared/eval's question
format, with the articles the answer cited) that newsbot eval --questions
reads, so a wrong answer becomes a regression test; FILE "-" is stdout.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		asJSON := fs.Bool("json", false, "print JSON Lines, one verdict a line")
		sinceText := fs.String("since", "", "only verdicts given on or after `DATE`")
		export := fs.String("export", "", "write the wrong answers as eval questions to `FILE`")
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) > 0 {
				return usagef("feedback takes no arguments")
			}
			var since time.Time
			if s := strings.TrimSpace(*sinceText); s != "" {
				t, err := time.Parse(time.DateOnly, s)
				if err != nil {
					if t, err = time.Parse(time.RFC3339, s); err != nil {
						return usagef("--since %q: want YYYY-MM-DD or an RFC 3339 time", s)
					}
				}
				since = t
			}
			st, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			entries, err := feedback.New(st.DB()).List(ctx, since, 0)
			if err != nil {
				return err
			}
			if *export != "" {
				return exportFeedback(a, *export, entries)
			}
			if *asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetEscapeHTML(false)
				for _, e := range entries {
					if err := enc.Encode(e); err != nil {
						return fmt.Errorf("print feedback: %w", err)
					}
				}
				return nil
			}
			if len(entries) == 0 {
				fmt.Fprintln(a.stdout, "No verdicts yet.")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "WHEN\tVERDICT\tMODE\tCITED\tQUESTION")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", e.VotedAt.UTC().Format("2006-01-02 15:04"), e.Verdict, e.Mode,
					len(e.Citations), strings.Join(strings.Fields(e.Question), " "))
			}
			return tw.Flush()
		}
	},
}

// exportFeedback writes the wrong answers among entries as eval questions
// to path ("-": stdout) and says how many on stderr.
func exportFeedback(a *app, path string, entries []feedback.Entry) error {
	questions := feedback.WrongQuestions(entries)
	if path == "-" {
		return feedback.WriteQuestions(a.stdout, questions)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export feedback: %w", err)
	}
	if err := feedback.WriteQuestions(f, questions); err != nil {
		f.Close()
		return fmt.Errorf("export feedback to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export feedback to %s: %w", path, err)
	}
	fmt.Fprintf(a.stderr, "wrote %d questions from answers marked wrong to %s\n", len(questions), path)
	return nil
}
