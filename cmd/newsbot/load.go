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
)

var loadCommand = command{
	name:  "load",
	usage: "[--batch N] [--quiet] [--verbose] SOURCE...",
	summary: `Loads news articles into the knowledge base from files, directories and URLs.
A SOURCE is a file — plain text (title line, "- " key points, body), Markdown
with optional front matter, JSON, JSON Lines or HTML — a directory, read
recursively (dotfiles and files of other formats are skipped), or an http(s)
URL. Loading the same article again updates it if its text changed and never
duplicates it. Each rejected file, line or URL is printed with the reason, then
a summary; the exit status is 1 when anything was rejected.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		batch := fs.Int("batch", load.DefaultBatchSize, "articles stored per transaction")
		quiet := fs.Bool("quiet", false, "show no progress")
		verbose := fs.Bool("verbose", false, "list every article with what happened to it, not only rejections")
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				return usagef("no SOURCE to load")
			}
			if err := atLeast("--batch", *batch, 1); err != nil {
				return err
			}
			fetcher, err := newFetcher()
			if err != nil {
				return err
			}
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			l := &load.Loader{Store: st, Fetcher: fetcher, BatchSize: *batch, Log: a.log}
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
			return nil
		}
	},
}

// printLoadReport writes each rejection to errOut and the summary to out;
// verbose lists every article on out as well.
func printLoadReport(out, errOut io.Writer, report load.Report, verbose bool) {
	for _, r := range report.Results {
		switch {
		case r.Status == load.StatusRejected:
			fmt.Fprintf(errOut, "rejected %s: %s\n", r.Origin, r.Reason)
		case verbose:
			fmt.Fprintf(out, "%-9s %s  %s  (%s)\n", r.Status, r.ArticleID, r.Title, r.Origin)
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
