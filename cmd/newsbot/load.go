package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"newsbot/knowledge/load"
	"newsbot/knowledge/parse"
)

var loadCommand = command{
	name:  "load",
	usage: "[--batch N] [--format F] [--quiet] [--verbose] SOURCE...",
	summary: `Loads news articles into the knowledge base from files, directories, URLs and stdin.
A SOURCE is a file — plain text (title line, "- " key points, body), Markdown
with optional front matter, JSON, JSON Lines or HTML — a directory, read
recursively (dotfiles, symlinks and files of other formats are skipped and
listed), an http(s) URL of a page or of any of those files, or "-" for one
document on stdin (its format from --format or its content). An article is
known by its id, else its URL, else the file it came from: loading it again
updates it if its text changed; the same text from elsewhere is reported as a
duplicate and changes nothing. Each rejected or skipped file, line or URL is
printed with the reason, then a summary; the exit status is 1 when anything
was rejected or when everything was skipped. A feed's URL is followed with
"newsbot feeds add URL", not loaded.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		batch := fs.Int("batch", load.DefaultBatchSize, "articles stored per transaction")
		quiet := fs.Bool("quiet", false, "show no progress")
		verbose := fs.Bool("verbose", false, "list every article with what happened to it, not only rejections")
		format := fs.String("format", "", "format of the document on stdin (\"-\"): text, markdown, json, jsonl or html; default: from its content")
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("%w: no SOURCE to load", errUsage)
			}
			if *batch < 1 {
				return fmt.Errorf("%w: --batch %d: want at least 1", errUsage, *batch)
			}
			stdinFormat, err := parse.ParseFormat(*format)
			if err != nil {
				return fmt.Errorf("%w: --format: %v", errUsage, err)
			}
			fetcher, err := newFetcher()
			if err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			l := &load.Loader{Store: st, Fetcher: fetcher, BatchSize: *batch, Stdin: a.stdin, Format: stdinFormat, Log: a.log}
			if !*quiet {
				l.Progress = load.NewProgress(a.stderr, writesToTerminal(a.stderr))
			}
			report, err := l.Load(ctx, args)
			printLoadReport(a.stdout, a.stderr, report, *verbose)
			if err != nil {
				return fmt.Errorf("stopped before the end: %w", err)
			}
			if _, _, _, rejected := report.Counts(); rejected > 0 {
				return errRejected
			}
			if !report.Stored() && report.Count(load.StatusSkipped) > 0 {
				fmt.Fprintln(a.stderr, "nothing loaded: every file was skipped")
				return errRejected
			}
			return nil
		}
	},
}

// printLoadReport writes each rejection, skipped file, duplicate and note
// to errOut and the summary to out; verbose lists every article on out as
// well. The report's strings are printable as they are (see load.Visible).
func printLoadReport(out, errOut io.Writer, report load.Report, verbose bool) {
	for _, r := range report.Results {
		switch {
		case r.Status == load.StatusRejected || r.Status == load.StatusSkipped:
			fmt.Fprintf(errOut, "%s %s: %s\n", r.Status, r.Origin, r.Reason)
		case r.Status == load.StatusDuplicate:
			fmt.Fprintf(errOut, "duplicate %s: %s\n", r.Origin, r.Reason)
		case verbose:
			fmt.Fprintf(out, "%-9s %s  %s  (%s)\n", r.Status, r.ArticleID, r.Title, r.Origin)
		}
		if r.Note != "" {
			fmt.Fprintf(errOut, "note %s: %s\n", r.Origin, r.Note)
		}
	}
	fmt.Fprintln(out, report.Summary())
}

// writesToTerminal reports whether w is a terminal.
func writesToTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
