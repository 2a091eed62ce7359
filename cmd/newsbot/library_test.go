package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newsbot/knowledge"
)

// TestEveryCommandHelp asks every command for -h: its usage on stderr, exit 0.
func TestEveryCommandHelp(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := askRun(t, "", c.name, "-h")
			if code != 0 || !strings.Contains(stderr, "usage: newsbot "+c.name) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 0 and the usage on stderr", code, stdout, stderr)
			}
		})
	}
	for _, sub := range []string{"add", "list", "remove", "poll"} {
		t.Run("feeds "+sub, func(t *testing.T) {
			code, _, stderr := askRun(t, "", "--db", filepath.Join(t.TempDir(), "kb.db"), "feeds", sub, "-h")
			if code != 0 || !strings.Contains(stderr, "usage: newsbot feeds") {
				t.Errorf("exit %d, stderr %q; want 0 and the usage on stderr", code, stderr)
			}
		})
	}
}

func TestGlobalUsage(t *testing.T) {
	for _, tt := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // part of stdout
		wantStderr string // part of stderr
	}{
		{name: "Help", args: []string{"help"}, wantCode: 0, wantStdout: "commands:"},
		{name: "DashH", args: []string{"-h"}, wantCode: 0, wantStderr: "commands:"},
		{name: "ErrNoCommand", args: nil, wantCode: 2, wantStderr: "commands:"},
		{name: "ErrUnknownCommand", args: []string{"frobnicate"}, wantCode: 2, wantStderr: `unknown command "frobnicate"`},
		{name: "ErrUnknownFlag", args: []string{"search", "--nope", "x"}, wantCode: 2, wantStderr: "flag provided but not defined"},
		{name: "ErrLogLevel", args: []string{"--log-level", "loud", "articles"}, wantCode: 2, wantStderr: "--log-level"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := askRun(t, "", tt.args...)
			if code != tt.wantCode || !strings.Contains(stdout, tt.wantStdout) || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
			}
		})
	}
}

func TestSearchCommand(t *testing.T) {
	db := askDB(t, askArticles...)

	code, stdout, _ := askRun(t, "", "--db", db, "search", "Who", "will", "represent", "Sweden?")
	if code != 0 || !strings.HasPrefix(stdout, "1. Nordic ministers meet in Geneva on energy (Example Wire, 2025-05-02, ") ||
		!strings.Contains(stdout, askBerg) {
		t.Errorf("text: exit %d, stdout %q", code, stdout)
	}

	code, stdout, _ = askRun(t, "", "--db", db, "search", "--json", "--limit", "1", "wheat harvest")
	var res searchResult
	if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil {
		t.Fatalf("--json: exit %d, %v: %q", code, err, stdout)
	}
	if res.Query != "wheat harvest" || len(res.Results) != 1 || res.Results[0].Article.Title != "Wheat harvest beats forecasts" ||
		res.Results[0].Score <= 0 || len(res.Results[0].Sentences) == 0 || res.Results[0].Sentences[0].ID == "" {
		t.Errorf("--json: %+v", res)
	}

	code, stdout, _ = askRun(t, "", "--db", db, "search", "--json", "zeppelin")
	if code != 0 || strings.TrimSpace(stdout) != `{"query":"zeppelin","results":[]}` {
		t.Errorf("no match: exit %d, stdout %q", code, stdout)
	}

	// One query per line in, one JSON result per line out; blank lines skipped.
	code, stdout, _ = askRun(t, "wheat harvest\n\nGeneva energy talks\n\"(NEAR OR*\n", "--db", db, "search", "-")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 3 {
		t.Fatalf("-: exit %d, %d lines: %q", code, len(lines), stdout)
	}
	for i, want := range []string{"wheat harvest", "Geneva energy talks", `"(NEAR OR*`} {
		var r searchResult
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil || r.Query != want {
			t.Errorf("line %d: %v, query %q, want %q", i+1, err, r.Query, want)
		}
	}

	if code, _, stderr := askRun(t, "", "--db", db, "search"); code != 2 || !strings.Contains(stderr, "usage: newsbot search") {
		t.Errorf("no query: exit %d, stderr %q", code, stderr)
	}
}

func TestArticlesShowRemove(t *testing.T) {
	db := askDB(t, askArticles...)

	code, stdout, _ := askRun(t, "", "--db", db, "articles")
	if code != 0 || !strings.HasPrefix(stdout, "ID") || !strings.Contains(stdout, "Wheat harvest beats forecasts") || !strings.Contains(stdout, "2025-05-02") {
		t.Errorf("articles: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "articles", "--json")
	var ids []string
	for line := range strings.Lines(stdout) {
		var a articleJSON
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("articles --json line %q: %v", line, err)
		}
		ids = append(ids, a.ID)
	}
	if code != 0 || len(ids) != 2 {
		t.Fatalf("articles --json: exit %d, ids %v", code, ids)
	}

	var geneva string
	for _, id := range ids {
		if _, stdout, _ := askRun(t, "", "--db", db, "show", id); strings.HasPrefix(stdout, "Nordic") {
			geneva = id
		}
	}
	code, stdout, _ = askRun(t, "", "--db", db, "show", geneva)
	if code != 0 || !strings.Contains(stdout, "Example Wire · 2025-05-02 · https://news.example/geneva") || !strings.Contains(stdout, "•   0  "+askBerg) {
		t.Errorf("show: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "show", "--json", geneva)
	var shown struct {
		ID        string         `json:"id"`
		KeyPoints []string       `json:"key_points"`
		Sentences []sentenceJSON `json:"sentences"`
	}
	if err := json.Unmarshal([]byte(stdout), &shown); code != 0 || err != nil || shown.ID != geneva || len(shown.KeyPoints) != 1 || shown.Sentences[0].Text != askBerg {
		t.Errorf("show --json: exit %d, %v, %+v", code, err, shown)
	}
	for _, id := range ids {
		// The harvest article has no key points: an empty list, not null.
		if code, stdout, _ := askRun(t, "", "--db", db, "show", "--json", id); id != geneva && (code != 0 || !strings.Contains(stdout, `"key_points":[]`)) {
			t.Errorf("show --json %s: exit %d, stdout %q, want \"key_points\":[]", id, code, stdout)
		}
	}

	for _, tt := range []struct {
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{[]string{"show", "nope"}, 1, "", `newsbot show: article "nope": not found`},
		{[]string{"show"}, 2, "", "usage: newsbot show"},
		{[]string{"remove", "nope"}, 1, "", `newsbot remove: remove article "nope": not found`},
		{[]string{"remove"}, 2, "", "usage: newsbot remove"},
		{[]string{"articles", "extra"}, 2, "", "usage: newsbot articles"},
		{[]string{"remove", geneva}, 0, "removed " + geneva, ""},
		{[]string{"show", geneva}, 1, "", "not found"},
		{[]string{"search", "--json", "Geneva energy talks"}, 0, `"results":[]`, ""},
	} {
		code, stdout, stderr := askRun(t, "", append([]string{"--db", db}, tt.args...)...)
		if code != tt.wantCode || !strings.Contains(stdout, tt.wantStdout) || !strings.Contains(stderr, tt.wantStderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, stdout, stderr, tt.wantCode, tt.wantStdout, tt.wantStderr)
		}
	}
}

func TestEvalCommand(t *testing.T) {
	dir := loadFiles(t, map[string]string{
		"articles.jsonl": `{"id": "a1", "title": "Kellogg to attend London talks", "body": "General Keith Kellogg will represent the US at the discussions in London. Rubio will not attend."}
{"id": "a2", "title": "Wheat harvest beats forecasts", "body": "Farmers reported a record wheat harvest. Prices fell two percent."}
`,
		"questions.jsonl": `{"id": "q1", "question": "Who will represent the US at the London talks?", "article_ids": ["a1"], "evidence": [{"article_id": "a1", "text": "General Keith Kellogg will represent the US at the discussions in London."}], "answers": ["Keith Kellogg"]}
`,
		"empty.jsonl": "",
	})
	path := func(name string) string { return filepath.Join(dir, name) }

	code, stdout, _ := askRun(t, "", "eval", "--articles", path("articles.jsonl"), "--questions", path("questions.jsonl"))
	if code != 0 || !strings.Contains(stdout, "articles: 2 loaded") || !strings.Contains(stdout, "questions: 1") {
		t.Fatalf("eval: exit %d, stdout %q", code, stdout)
	}
	for _, row := range []string{"article recall     newsbot          1.000", "evidence recall    newsbot          1.000", "article recall     bm25 sentences   1.000"} {
		if !strings.Contains(stdout, row) {
			t.Errorf("eval output lacks %q", row)
		}
	}

	for _, tt := range []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"ErrNoFlags", nil, 2, "usage: newsbot eval"},
		{"ErrMissingQuestions", []string{"--articles", path("articles.jsonl"), "--questions", path("missing.jsonl")}, 1, "missing.jsonl"},
		{"ErrNoQuestions", []string{"--articles", path("articles.jsonl"), "--questions", path("empty.jsonl")}, 1, "no questions"},
		{"ErrMissingArticles", []string{"--articles", path("missing.jsonl"), "--questions", path("questions.jsonl")}, 1, "missing.jsonl"},
		{"ErrNoArticles", []string{"--articles", path("empty.jsonl"), "--questions", path("questions.jsonl")}, 1, "empty file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := askRun(t, "", append([]string{"eval"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("eval left files behind in the input directory: %v", entries)
	}
}

// TestSearchAsOf runs search, ask and chat with --as-of: a good value reaches
// the search and is echoed in JSON, a bad one is a usage error naming it.
func TestSearchAsOf(t *testing.T) {
	askClearEnv(t)
	later := knowledge.Article{
		Title: "Geneva energy talks end without a deal", Source: "Example Wire", URL: "https://news.example/geneva-end",
		Published: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		Body:      "The Geneva energy talks ended on Friday without a deal on winter gas supplies.",
	}
	db := askDB(t, append([]knowledge.Article{later}, askArticles...)...)

	code, stdout, _ := askRun(t, "", "--db", db, "search", "--as-of", "2025-05-03", "--json", "Geneva energy talks")
	var res searchResult
	if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil {
		t.Fatalf("search --as-of --json: exit %d, %v: %q", code, err, stdout)
	}
	if res.AsOf != "2025-05-03T23:59:59Z" || res.Query != "Geneva energy talks" || len(res.Results) == 0 {
		t.Errorf("search --as-of --json: %+v; want as_of 2025-05-03T23:59:59Z and results", res)
	}
	for _, r := range res.Results {
		if want := map[string]string{"Nordic ministers meet in Geneva on energy": "2025-05-02", later.Title: "2025-06-01"}[r.Article.Title]; want != "" && r.Article.Published != want {
			t.Errorf("%q published %q, want %q", r.Article.Title, r.Article.Published, want)
		}
	}
	code, stdout, _ = askRun(t, "", "--db", db, "search", "--as-of", "2025-05-03T08:00:00+02:00", "--json", "Geneva")
	if code != 0 || !strings.Contains(stdout, `"as_of":"2025-05-03T08:00:00+02:00"`) {
		t.Errorf("search --as-of RFC 3339: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "search", "--json", "Geneva")
	if code != 0 || strings.Contains(stdout, "as_of") {
		t.Errorf("search without --as-of: exit %d, stdout %q; want no as_of", code, stdout)
	}
	// Text output shows each passage's article date.
	code, stdout, _ = askRun(t, "", "--db", db, "search", "--as-of", "2025-05-03", "Geneva energy talks")
	if code != 0 || !strings.Contains(stdout, "(Example Wire, 2025-05-02, ") {
		t.Errorf("search --as-of text: exit %d, stdout %q; want the article date", code, stdout)
	}

	code, stdout, _ = askRun(t, "", "--db", db, "ask", "--as-of", "2025-05-03", "--json", "Who will represent Sweden?")
	var ans askOutput
	var echoed struct {
		AsOf string `json:"as_of"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &ans) != nil || json.Unmarshal([]byte(stdout), &echoed) != nil {
		t.Fatalf("ask --as-of --json: exit %d, stdout %q", code, stdout)
	}
	if echoed.AsOf != "2025-05-03T23:59:59Z" || len(ans.Citations) == 0 || ans.Citations[0].Published == "" {
		t.Errorf("ask --as-of --json: as_of %q, citations %+v; want the as-of echoed and dated citations", echoed.AsOf, ans.Citations)
	}
	if code, stdout, _ := askRun(t, "", "--db", db, "ask", "--json", "Who will represent Sweden?"); code != 0 || strings.Contains(stdout, "as_of") {
		t.Errorf("ask without --as-of: exit %d, stdout %q; want no as_of", code, stdout)
	}
	code, stdout, _ = askRun(t, "Who will represent Sweden?\n", "--db", db, "chat", "--as-of", "2025-05-03")
	if code != 0 || !strings.Contains(stdout, "Anna Berg") {
		t.Errorf("chat --as-of: exit %d, stdout %q", code, stdout)
	}

	for _, args := range [][]string{
		{"search", "--as-of", "yesterday", "Geneva"},
		{"search", "--as-of", "2025-13-01", "-"},
		{"ask", "--as-of", "yesterday", "Who will represent Sweden?"},
		{"chat", "--as-of", "yesterday"},
	} {
		code, stdout, stderr := askRun(t, "", append([]string{"--db", db}, args...)...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, fmt.Sprintf("--as-of %q is not a date", args[2])) ||
			!strings.Contains(stderr, "usage: newsbot "+args[0]) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and a usage error naming the value", args, code, stdout, stderr)
		}
	}
}

// recordingSearcher records the searches made through it and finds one
// passage for each.
type recordingSearcher struct {
	queries []string
	opts    []knowledge.SearchOptions
}

func (s *recordingSearcher) Search(_ context.Context, query string, opts knowledge.SearchOptions) ([]knowledge.Passage, error) {
	s.queries = append(s.queries, query)
	s.opts = append(s.opts, opts)
	art := knowledge.Article{ID: "a1", Title: "T", Published: time.Date(2025, 5, 2, 12, 0, 0, 0, time.UTC)}
	return []knowledge.Passage{{Article: art, Score: 1, Sentences: []knowledge.Sentence{{ID: "a1:s", Text: "S."}}}}, nil
}

var _ searcher = (*recordingSearcher)(nil)

// TestSearchLines reads plain and JSON query lines: each line's as-of, or
// the default, reaches the search and is echoed with its result.
func TestSearchLines(t *testing.T) {
	def := time.Date(2025, 6, 30, 23, 59, 59, 0, time.UTC)
	in := "wheat harvest\n" +
		`{"query": "Geneva talks", "as_of": "2025-05-01"}` + "\n" +
		"\n" +
		`  {"id": "q7", "query": " talks ", "as_of": "2025-05-01T10:00:00+02:00"}` + "\n" +
		`{"query": "default as of", "as_of": null}` + "\n"
	s := &recordingSearcher{}
	var out bytes.Buffer
	if err := searchLines(t.Context(), s, knowledge.SearchOptions{Limit: 3, AsOf: def}, strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		query string
		asOf  time.Time
	}{
		{"wheat harvest", def},
		{"Geneva talks", time.Date(2025, 5, 1, 23, 59, 59, 0, time.UTC)},
		{"talks", time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC)},
		{"default as of", def},
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(s.queries) != len(want) || len(lines) != len(want) {
		t.Fatalf("searched %q, wrote %d lines; want %d of each", s.queries, len(lines), len(want))
	}
	for i, w := range want {
		if s.queries[i] != w.query || !s.opts[i].AsOf.Equal(w.asOf) || s.opts[i].Limit != 3 {
			t.Errorf("search %d: %q, %+v; want %q as of %v with limit 3", i, s.queries[i], s.opts[i], w.query, w.asOf)
		}
		var r searchResult
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if at, err := time.Parse(time.RFC3339, r.AsOf); err != nil || !at.Equal(w.asOf) || r.Query != w.query ||
			len(r.Results) != 1 || r.Results[0].Article.Published != "2025-05-02" {
			t.Errorf("result %d: %+v; want query %q, as_of %v, published 2025-05-02", i, r, w.query, w.asOf)
		}
	}

	// Without a default, a plain line is searched as of now and echoes none.
	s = &recordingSearcher{}
	out.Reset()
	if err := searchLines(t.Context(), s, knowledge.SearchOptions{}, strings.NewReader("wheat\n"), &out); err != nil {
		t.Fatal(err)
	}
	if !s.opts[0].AsOf.IsZero() || strings.Contains(out.String(), "as_of") {
		t.Errorf("no as-of: searched as of %v, wrote %q", s.opts[0].AsOf, out.String())
	}

	for _, tt := range []struct {
		name, line, wantErr string
	}{
		{"ErrNotJSON", `{query: "x"}`, "line 2: not a JSON object"},
		{"ErrTrailing", `{"query": "x"} and more`, "line 2: not a JSON object"},
		{"ErrQueryNotString", `{"query": 3}`, "line 2: not a JSON object"},
		{"ErrNoQuery", `{"as_of": "2025-05-01"}`, `line 2: no "query"`},
		{"ErrEmptyQuery", `{"query": "  "}`, `line 2: "query" is empty`},
		{"ErrAsOf", `{"query": "x", "as_of": "soon"}`, `line 2: "as_of": invalid input: as-of "soon" is not a date`},
		{"ErrAsOfNotString", `{"query": "x", "as_of": 20250501}`, "line 2: not a JSON object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &recordingSearcher{}
			var out bytes.Buffer
			err := searchLines(t.Context(), s, knowledge.SearchOptions{}, strings.NewReader("first\n"+tt.line+"\nnever\n"), &out)
			if err == nil || !strings.Contains(err.Error(), "read queries: "+tt.wantErr) {
				t.Errorf("error %v, want one containing %q", err, "read queries: "+tt.wantErr)
			}
			if !slices.Equal(s.queries, []string{"first"}) || strings.Count(out.String(), "\n") != 1 {
				t.Errorf("searched %q, wrote %q; want only the first line answered", s.queries, out.String())
			}
		})
	}
}

// TestSearchLinesCommand runs `search -` with JSON lines over a real store.
func TestSearchLinesCommand(t *testing.T) {
	db := askDB(t, askArticles...)
	in := "wheat harvest\n" + `{"query": "Geneva energy talks", "as_of": "2025-05-02"}` + "\n"
	code, stdout, _ := askRun(t, in, "--db", db, "search", "--as-of", "2025-06-30", "-")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, %d lines: %q", code, len(lines), stdout)
	}
	for i, want := range []searchResult{
		{Query: "wheat harvest", AsOf: "2025-06-30T23:59:59Z"},
		{Query: "Geneva energy talks", AsOf: "2025-05-02T23:59:59Z"},
	} {
		var r searchResult
		if err := json.Unmarshal([]byte(lines[i]), &r); err != nil || r.Query != want.Query || r.AsOf != want.AsOf || len(r.Results) == 0 {
			t.Errorf("line %d: %v, %+v; want query %q as of %q with results", i+1, err, r, want.Query, want.AsOf)
		}
	}
	code, _, stderr := askRun(t, "wheat\n{\"as_of\": \"2025-05-02\"}\n", "--db", db, "search", "-")
	if code != 1 || !strings.Contains(stderr, `newsbot search: read queries: line 2: no "query"`) {
		t.Errorf("bad line: exit %d, stderr %q; want 1 and the line named", code, stderr)
	}
}

// TestShowAuthor checks that the byline an article was loaded with is
// shown as its author, never as its source or among its sentences.
func TestShowAuthor(t *testing.T) {
	dir := loadFiles(t, map[string]string{"harbor.md": "# Harbor lights return\n\nBy Jane Rivera\n\nThe harbor lights came back on Friday. Ferries ran late.\n"})
	db := filepath.Join(t.TempDir(), "kb.db")
	if code, _, stderr := askRun(t, "", "--db", db, "load", "--quiet", dir); code != 0 {
		t.Fatalf("load: exit %d, %s", code, stderr)
	}
	_, stdout, _ := askRun(t, "", "--db", db, "articles", "--json")
	var a articleJSON
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatalf("articles --json %q: %v", stdout, err)
	}
	code, stdout, _ := askRun(t, "", "--db", db, "show", a.ID)
	if code != 0 || !strings.Contains(stdout, "\nby Jane Rivera\n") || strings.Count(stdout, "Jane Rivera") != 1 {
		t.Errorf("show: exit %d, stdout %q; want the author once, on its own line", code, stdout)
	}
	_, stdout, _ = askRun(t, "", "--db", db, "show", "--json", a.ID)
	var shown struct {
		Source, Author string
	}
	if err := json.Unmarshal([]byte(stdout), &shown); err != nil || shown.Author != "Jane Rivera" || shown.Source == "Jane Rivera" {
		t.Errorf("show --json: %q (%v); want author Jane Rivera, not as the source", stdout, err)
	}
}

// TestPrintedTextIsVisible checks that text stored before loading cleaned
// it (an older database, or the Go API) reaches the terminal from search,
// articles and show with its escape sequences and line breaks made
// visible, not acted on.
func TestPrintedTextIsVisible(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.db")
	st, err := knowledge.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(t.Context(), []knowledge.Article{{ID: "evil", Title: "Quarry\x1b[2J news", Source: "Wire\rForged",
		Body: "The quarry \x1b[31mreopened\x1b[0m on Monday.\nFAKE REPORT LINE"}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, args := range [][]string{{"search", "quarry reopened"}, {"articles"}, {"show", "evil"}} {
		code, stdout, _ := askRun(t, "", append([]string{"--db", db}, args...)...)
		if code != 0 || strings.ContainsAny(stdout, "\x1b\r") || !strings.Contains(stdout, `\x1b`) {
			t.Errorf("%v: exit %d, stdout %q; want escapes shown as text", args, code, stdout)
		}
	}
}
