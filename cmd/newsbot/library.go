package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/load"
)

var searchCommand = command{
	name:  "search",
	usage: "[--limit N] [--window N] [--lead N] [--as-of DATE] [--json] QUERY | -",
	summary: `Finds the passages of loaded articles that best answer QUERY.
With QUERY "-", reads one query per line from standard input and writes one
JSON result per line (JSON Lines). A line may also be a JSON object,
{"query": "...", "as_of": "YYYY-MM-DD"}, with as_of optional (RFC 3339 times
too); --as-of is the as-of of lines without one.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		limit := fs.Int("limit", knowledge.DefaultLimit, "most `passages` to show")
		window := fs.Int("window", knowledge.DefaultWindow, "neighbouring `sentences` each side of a match a passage may include")
		perArticle := fs.Int("per-article", knowledge.DefaultPerArticle, "most `passages` from one article")
		lead := fs.Int("lead", knowledge.DefaultLead, "`sentences` after its match the best passage also carries")
		asOfText := asOfFlag(fs)
		asJSON := fs.Bool("json", false, "print JSON")
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				return usagef("no query")
			}
			if err := cmp.Or(atLeast("--limit", *limit, 1), atLeast("--per-article", *perArticle, 1),
				atLeast("--window", *window, 0), atLeast("--lead", *lead, 0)); err != nil {
				return err
			}
			asOf, err := parseAsOfFlag(*asOfText)
			if err != nil {
				return err
			}
			opts := knowledge.SearchOptions{Limit: *limit, Window: *window, PerArticle: *perArticle, Lead: *lead, AsOf: asOf}
			st, err := a.openArticles(ctx)
			if err != nil {
				return err
			}
			if len(args) == 1 && args[0] == "-" {
				return searchLines(ctx, st, opts, a.stdin, a.stdout)
			}
			query := strings.Join(args, " ")
			passages, err := st.Search(ctx, query, opts)
			if err != nil {
				return err
			}
			if *asJSON {
				return json.NewEncoder(a.stdout).Encode(newSearchResult(query, asOf, passages))
			}
			printPassages(a.stdout, passages)
			return nil
		}
	},
}

// atLeast returns a usage error naming the flag when its value v is below
// lo, and nil otherwise.
func atLeast(flag string, v, lo int) error {
	if v < lo {
		return usagef("%s %d: want %d or more", flag, v, lo)
	}
	return nil
}

// asOfFlag declares the --as-of flag of search, ask and chat.
func asOfFlag(fs *flag.FlagSet) *string {
	return fs.String("as-of", "", "as if asked at `DATE` (YYYY-MM-DD, the end of that day in UTC, or an RFC 3339 time): "+
		"articles published more than a day later are left out")
}

// parseAsOfFlag reads the value of --as-of; empty means none, the zero time.
// A value that is neither a date nor an RFC 3339 time is a usage error
// naming it.
func parseAsOfFlag(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := knowledge.ParseAsOf(s)
	if err != nil {
		return time.Time{}, usagef("--as-of %.40q is not a date (YYYY-MM-DD) or an RFC 3339 time", s)
	}
	return t, nil
}

// searcher is what the search command needs of the knowledge base.
type searcher interface {
	Search(ctx context.Context, query string, opts knowledge.SearchOptions) ([]knowledge.Passage, error)
}

var _ searcher = (*knowledge.Store)(nil)

// searchLines answers one query per input line with one JSON line each. A
// line is a plain query or a JSON object (see readSearchLine); opts.AsOf is
// the as-of of lines without their own. A line that can't be read stops the
// search with an error naming its number.
func searchLines(ctx context.Context, s searcher, opts knowledge.SearchOptions, r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	enc := json.NewEncoder(w)
	for n := 1; sc.Scan(); n++ {
		query, asOf, err := readSearchLine(sc.Text(), opts.AsOf)
		if err != nil {
			return fmt.Errorf("read queries: line %d: %w", n, err)
		}
		if query == "" {
			continue
		}
		lineOpts := opts
		lineOpts.AsOf = asOf
		passages, err := s.Search(ctx, query, lineOpts)
		if err != nil {
			return err
		}
		if err := enc.Encode(newSearchResult(query, asOf, passages)); err != nil {
			return fmt.Errorf("write result: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read queries: %w", err)
	}
	return nil
}

// readSearchLine reads one line of `search -`: a plain query, or a JSON
// object {"query": "...", "as_of": "YYYY-MM-DD"} with as_of optional (an
// RFC 3339 time also does; other fields are ignored). defaultAsOf is the
// as-of of a line without one. A blank line gives an empty query. A line
// starting with "{" that is not such an object is an error saying what is
// wrong with it.
func readSearchLine(line string, defaultAsOf time.Time) (query string, asOf time.Time, err error) {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "{") {
		return line, defaultAsOf, nil
	}
	var obj struct {
		Query *string `json:"query"`
		AsOf  *string `json:"as_of"`
	}
	if err := json.Unmarshal([]byte(line), &obj); err != nil {
		return "", time.Time{}, fmt.Errorf(`not a JSON object {"query": "...", "as_of": "YYYY-MM-DD"}: %w`, err)
	}
	if obj.Query == nil {
		return "", time.Time{}, errors.New(`no "query"`)
	}
	query = strings.TrimSpace(*obj.Query)
	if query == "" {
		return "", time.Time{}, errors.New(`"query" is empty`)
	}
	asOf = defaultAsOf
	if obj.AsOf != nil {
		if asOf, err = knowledge.ParseAsOf(*obj.AsOf); err != nil {
			return "", time.Time{}, fmt.Errorf(`"as_of": %w`, err)
		}
	}
	return query, asOf, nil
}

// searchResult is the JSON form of a search.
type searchResult struct {
	Query   string          `json:"query"`
	AsOf    string          `json:"as_of,omitempty"` // RFC 3339, the time searched as of, when one was given
	Results []passageResult `json:"results"`
}

type passageResult struct {
	Article   articleJSON    `json:"article"`
	Score     float64        `json:"score"`
	Sentences []sentenceJSON `json:"sentences"`
}

type articleJSON struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Source    string `json:"source"`
	Published string `json:"published"`
}

type sentenceJSON struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func newArticleJSON(a knowledge.Article) articleJSON {
	return articleJSON{ID: a.ID, Title: a.Title, URL: a.URL, Source: a.Source, Published: date(a.Published)}
}

func newSearchResult(query string, asOf time.Time, passages []knowledge.Passage) searchResult {
	r := searchResult{Query: query, Results: []passageResult{}}
	if !asOf.IsZero() {
		r.AsOf = asOf.Format(time.RFC3339)
	}
	for _, p := range passages {
		pr := passageResult{Article: newArticleJSON(p.Article), Score: p.Score}
		for _, s := range p.Sentences {
			pr.Sentences = append(pr.Sentences, sentenceJSON{ID: s.ID, Text: s.Text})
		}
		r.Results = append(r.Results, pr)
	}
	return r
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func printPassages(w io.Writer, passages []knowledge.Passage) {
	if len(passages) == 0 {
		fmt.Fprintln(w, "No loaded article matches.")
		return
	}
	for i, p := range passages {
		meta := []string{load.Visible(p.Article.Source), date(p.Article.Published), p.Article.ID}
		fmt.Fprintf(w, "%d. %s (%s)\n", i+1, load.Visible(p.Article.Title), strings.Join(nonEmpty(meta), ", "))
		if p.Article.URL != "" {
			fmt.Fprintf(w, "   %s\n", load.Visible(p.Article.URL))
		}
		for _, s := range p.Sentences {
			fmt.Fprintf(w, "   %s\n", load.Visible(s.Text))
		}
		fmt.Fprintln(w)
	}
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

var articlesCommand = command{
	name:    "articles",
	usage:   "[--limit N] [--offset N] [--json]",
	summary: "Lists loaded articles, most recently loaded first.",
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		limit := fs.Int("limit", 50, "most `articles` to list")
		offset := fs.Int("offset", 0, "`articles` to skip")
		asJSON := fs.Bool("json", false, "print JSON Lines, one article per line")
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected argument %q", args[0])
			}
			if err := cmp.Or(atLeast("--limit", *limit, 1), atLeast("--offset", *offset, 0)); err != nil {
				return err
			}
			st, err := a.openArticles(ctx)
			if err != nil {
				return err
			}
			arts, err := st.Articles(ctx, knowledge.ListOptions{Limit: *limit, Offset: *offset})
			if err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(a.stdout)
				for _, art := range arts {
					if err := enc.Encode(newArticleJSON(art)); err != nil {
						return fmt.Errorf("write articles: %w", err)
					}
				}
				return nil
			}
			if len(arts) == 0 {
				fmt.Fprintln(a.stdout, "No articles loaded. Load some with: newsbot load FILE|DIR|URL")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPUBLISHED\tSOURCE\tTITLE")
			for _, art := range arts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", load.Visible(art.ID), date(art.Published), load.Visible(art.Source), load.Visible(art.Title))
			}
			return tw.Flush()
		}
	},
}

var showCommand = command{
	name:    "show",
	usage:   "[--json] ID",
	summary: "Shows one article with its numbered sentences.",
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		asJSON := fs.Bool("json", false, "print JSON")
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) != 1 {
				return usagef("want one article ID")
			}
			st, err := a.openArticles(ctx)
			if err != nil {
				return err
			}
			art, sents, err := st.Article(ctx, args[0])
			if err != nil {
				return err
			}
			if *asJSON {
				out := struct {
					articleJSON
					Author    string         `json:"author"`
					KeyPoints []string       `json:"key_points"`
					Sentences []sentenceJSON `json:"sentences"`
				}{articleJSON: newArticleJSON(art), Author: art.Author, KeyPoints: art.KeyPoints}
				if out.KeyPoints == nil {
					out.KeyPoints = []string{} // an empty list, not null
				}
				for _, s := range sents {
					out.Sentences = append(out.Sentences, sentenceJSON{ID: s.ID, Text: s.Text})
				}
				return json.NewEncoder(a.stdout).Encode(out)
			}
			fmt.Fprintf(a.stdout, "%s\n%s\n", load.Visible(art.Title), strings.Join(nonEmpty([]string{load.Visible(art.Source), date(art.Published), load.Visible(art.URL)}), " · "))
			if art.Author != "" {
				fmt.Fprintf(a.stdout, "by %s\n", load.Visible(art.Author))
			}
			fmt.Fprintf(a.stdout, "id %s, loaded %s\n\n", art.ID, art.LoadedAt.Format(time.RFC3339))
			for _, s := range sents {
				mark := " "
				if s.KeyPoint {
					mark = "•"
				}
				fmt.Fprintf(a.stdout, "%s %3d  %s\n", mark, s.Position, load.Visible(s.Text))
			}
			return nil
		}
	},
}

var removeCommand = command{
	name:  "remove",
	usage: "ID...",
	summary: `Removes articles, their sentences and their index entries.
Every ID is tried; an ID that is not found is reported on stderr and makes the
exit status 1.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				return usagef("want at least one article ID")
			}
			st, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			// Every ID is tried; those that fail are reported and make the
			// exit status 1.
			failed := false
			for _, id := range args {
				if err := st.Remove(ctx, id); err != nil {
					if ctx.Err() != nil {
						return err
					}
					fmt.Fprintf(a.stderr, "newsbot remove: %v\n", err)
					failed = true
					continue
				}
				fmt.Fprintf(a.stdout, "removed %s\n", id)
			}
			if failed {
				return errRejected
			}
			return nil
		}
	},
}
