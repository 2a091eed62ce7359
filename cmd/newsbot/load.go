package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

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
				return usagef("no SOURCE to load")
			}
			if err := atLeast("--batch", *batch, 1); err != nil {
				return err
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
			// A URL of a scheme newsbot doesn't fetch is no file name either.
			var refused []load.Result
			sources := args[:0:0]
			for _, src := range args {
				if scheme, ok := urlScheme(src); ok && scheme != "http" && scheme != "https" {
					refused = append(refused, load.Result{Origin: src, Status: load.StatusRejected,
						Reason: fmt.Sprintf("unsupported URL scheme %q: only http and https URLs are fetched", scheme)})
					continue
				}
				sources = append(sources, src)
			}
			var report load.Report
			if len(sources) > 0 {
				report, err = l.Load(ctx, sources)
			}
			report.Results = append(refused, report.Results...)
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

// urlScheme returns the scheme of src, lower-cased, when src starts like a
// URL ("scheme://").
func urlScheme(src string) (string, bool) {
	scheme, _, ok := strings.Cut(src, "://")
	if !ok || scheme == "" {
		return "", false
	}
	for i, r := range scheme {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return "", false
		}
	}
	return strings.ToLower(scheme), true
}

// writesToTerminal reports whether w is a terminal.
func writesToTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
