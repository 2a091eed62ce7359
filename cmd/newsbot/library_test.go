package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
