package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"newsbot/knowledge/feeds"
	"newsbot/knowledge/fetch"
)

var feedsCommand = command{
	name:  "feeds",
	usage: "add URL | list | remove URL | poll",
	summary: `Follows RSS, Atom and JSON feeds.
  add URL     follow a feed (fetched once to check that it is one)
  list        the followed feeds, when each was polled and how it went
  remove URL  stop following a feed (its articles stay)
  poll        poll every feed now and store the articles of new items
'newsbot run' polls due feeds in the background every NEWSBOT_FEED_INTERVAL.
Private, loopback and link-local addresses are refused unless
NEWSBOT_ALLOW_PRIVATE_URLS=true.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				return usagef("want add, list, remove or poll")
			}
			sub, rest := args[0], args[1:]
			wantArgs := map[string]int{"add": 1, "list": 0, "remove": 1, "poll": 0}
			n, ok := wantArgs[sub]
			if !ok {
				return usagef("unknown feeds command %q", sub)
			}
			if len(rest) != n {
				return usagef("feeds %s takes %d argument(s)", sub, n)
			}
			// Only add creates a database; the others need one.
			f, err := a.openFeeds(ctx, sub == "add")
			if err != nil {
				return err
			}
			switch sub {
			case "add":
				feed, err := f.Add(ctx, rest[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "following %s (%s); run 'newsbot feeds poll' to fetch its items now\n", feed.URL, feed.Title)
				return nil
			case "remove":
				if err := f.Remove(ctx, rest[0]); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "stopped following %s\n", rest[0])
				return nil
			case "list":
				list, err := f.List(ctx)
				if err != nil {
					return err
				}
				return printFeeds(a.stdout, list, time.Now())
			default:
				report, err := f.PollAll(ctx)
				if err != nil {
					return err
				}
				printPollReport(a.stdout, a.stderr, report)
				if report.FailedFeeds > 0 || report.Failed > 0 {
					return errRejected
				}
				return nil
			}
		}
	},
}

// openFeeds opens the store and the feeds kept in it, fetching by the
// safety rules NEWSBOT_ALLOW_PRIVATE_URLS configures. It creates the
// database only when create is set.
func (a *app) openFeeds(ctx context.Context, create bool) (*feeds.Feeds, error) {
	fetcher, err := newFetcher()
	if err != nil {
		return nil, err
	}
	open := a.openExisting
	if create {
		open = a.openStore
	}
	st, err := open(ctx)
	if err != nil {
		return nil, err
	}
	// What the feeds log as they poll, the report of `feeds poll` says
	// again: only errors beyond it are logged, unless a level is chosen.
	log := a.log
	if !a.logLevelSet {
		log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	return feeds.New(st.DB(), fetcher, st, log), nil
}

// newFetcher returns the HTTP client for URLs from users, admins and feeds.
// It returns an error when NEWSBOT_ALLOW_PRIVATE_URLS is not a boolean.
func newFetcher() (*fetch.Client, error) {
	allow, err := envBool("NEWSBOT_ALLOW_PRIVATE_URLS", false)
	if err != nil {
		return nil, err
	}
	return fetch.New(fetch.Options{AllowPrivate: allow}), nil
}

// printFeeds writes the followed feeds as a table.
func printFeeds(w io.Writer, list []feeds.Feed, now time.Time) error {
	if len(list) == 0 {
		fmt.Fprintln(w, "No feeds followed. Follow one with: newsbot feeds add URL")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tTITLE\tLAST POLL\tNEXT POLL\tSTATUS")
	for _, f := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.URL, f.Title, when(f.LastPolled, now), nextPoll(f.NextPoll, now), feedStatus(f))
	}
	return tw.Flush()
}

// feedStatus says in a few words how a feed's polling goes.
func feedStatus(f feeds.Feed) string {
	switch {
	case f.Failures > 0:
		return fmt.Sprintf("failing (%d in a row): %s", f.Failures, f.LastError)
	case f.LastPolled.IsZero():
		return "not polled yet"
	default:
		return "ok"
	}
}

// when writes t relative to now, e.g. "3m ago" or "in 12m".
func when(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d > -time.Second && d < time.Second:
		return "now"
	case d > 0:
		return roughly(d) + " ago"
	default:
		return "in " + roughly(-d)
	}
}

// nextPoll writes when a feed is polled next: "due" when that time has
// come (a feed just added, or one 'newsbot run' has not polled yet),
// otherwise as when does.
func nextPoll(t, now time.Time) string {
	if !t.After(now) {
		return "due"
	}
	return when(t, now)
}

// plural writes n with the singular or plural noun: "1 item", "2 items".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// roughly writes d rounded to its largest unit: 45s, 12m, 3h, 2d.
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute).Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Round(time.Hour).Hours()))
	default:
		return fmt.Sprintf("%dd", int(d.Round(24*time.Hour).Hours()/24))
	}
}

// printPollReport writes a line per feed and a summary to w, and the
// failures of feeds and items to errW.
func printPollReport(w, errW io.Writer, r feeds.PollReport) {
	if len(r.Feeds) == 0 {
		fmt.Fprintln(w, "No feeds followed. Follow one with: newsbot feeds add URL")
		return
	}
	for _, f := range r.Feeds {
		switch {
		case f.Err != nil:
			fmt.Fprintf(errW, "%s: failed: %v\n", f.URL, f.Err)
		case f.NotModified:
			fmt.Fprintf(w, "%s: not modified\n", f.URL)
		default:
			parts := []string{fmt.Sprintf("%d new", f.New), fmt.Sprintf("%d updated", f.Updated), fmt.Sprintf("%d skipped", f.Skipped)}
			if f.Summaries > 0 {
				parts = append(parts, fmt.Sprintf("%d from the feed's summary", f.Summaries))
			}
			if f.Failed > 0 {
				parts = append(parts, fmt.Sprintf("%d failed", f.Failed))
			}
			if f.GivenUp > 0 {
				parts = append(parts, fmt.Sprintf("%d given up after %d tries", f.GivenUp, feeds.MaxItemAttempts))
			}
			fmt.Fprintf(w, "%s: %s\n", f.URL, strings.Join(parts, ", "))
		}
		for _, p := range f.Problems {
			fmt.Fprintf(errW, "%s: %s\n", f.URL, p)
		}
	}
	fmt.Fprintf(w, "polled %s in %s: %d new, %d updated, %d skipped, %s failed, %s failed\n",
		plural(len(r.Feeds), "feed", "feeds"), r.Duration.Round(time.Millisecond), r.New, r.Updated, r.Skipped,
		plural(r.Failed, "item", "items"), plural(r.FailedFeeds, "feed", "feeds"))
}
