package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadFiles writes files into a new directory and returns it.
func loadFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadCommand(t *testing.T) {
	dir := loadFiles(t, map[string]string{
		"talks-2025-04-23.txt": "Kellogg to represent US at London talks\n- General Keith Kellogg will represent the US.\nRubio will not attend.",
		"sub/storm.md":         "# Storm hits coast\n\nWinds reached 150 km/h.",
	})
	db := filepath.Join(t.TempDir(), "kb.db")

	code, stdout, stderr := askRun(t, "", "--db", db, "load", dir)
	if code != 0 || stdout != "2 loaded, 0 updated, 0 unchanged, 0 rejected\n" || !strings.Contains(stderr, "loading: done") {
		t.Fatalf("first load: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "load", "--quiet", "--verbose", dir)
	if code != 0 || !strings.Contains(stdout, "unchanged") || !strings.Contains(stdout, "Storm hits coast") ||
		!strings.HasSuffix(stdout, "0 loaded, 0 updated, 2 unchanged, 0 rejected\n") {
		t.Fatalf("reload: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "search", "--json", "Who will represent the US?")
	if code != 0 || !strings.Contains(stdout, "Keith Kellogg") {
		t.Errorf("search after load: exit %d, %q", code, stdout)
	}
}

func TestLoadCommandRejects(t *testing.T) {
	dir := loadFiles(t, map[string]string{
		"good.txt":   "Good title\nGood body.",
		"empty.txt":  "",
		"feed.jsonl": "{\"title\": \"A\", \"body\": \"A.\"}\n{\"title\": \"B\", \"body\": \n",
	})
	db := filepath.Join(t.TempDir(), "kb.db")
	code, stdout, stderr := askRun(t, "", "--db", db, "load", "--quiet", dir, "http://127.0.0.1:9/a")
	if code != 1 {
		t.Errorf("exit %d, want 1 when something is rejected", code)
	}
	for _, want := range []string{
		"rejected " + filepath.Join(dir, "empty.txt") + ": empty file\n",
		"rejected " + filepath.Join(dir, "feed.jsonl") + ":2: malformed JSON",
		"rejected http://127.0.0.1:9/a: fetch http://127.0.0.1:9/a: refused: 127.0.0.1 is a loopback address",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	if stdout != "2 loaded, 0 updated, 0 unchanged, 3 rejected\n" {
		t.Errorf("stdout %q", stdout)
	}
}

func TestLoadCommandUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.db")
	for _, args := range [][]string{{"load"}, {"load", "--batch", "0", "x.txt"}} {
		if code, _, stderr := askRun(t, "", append([]string{"--db", db}, args...)...); code != 2 || !strings.Contains(stderr, "usage: newsbot load") {
			t.Errorf("%v: exit %d, stderr %q; want 2 with usage", args, code, stderr)
		}
	}
	if code, _, stderr := askRun(t, "", "load", "-h"); code != 0 || !strings.Contains(stderr, "--verbose") {
		t.Errorf("-h: exit %d, stderr %q", code, stderr)
	}
}

// TestLoadURL loads a page from a server the test runs, which is on a
// loopback address and so needs NEWSBOT_ALLOW_PRIVATE_URLS; loading it again
// changes nothing.
func TestLoadURL(t *testing.T) {
	page := `<!doctype html><html><head><title>Lighthouse keeper retires after 40 years | Coast News</title>
<meta property="og:site_name" content="Coast News"><meta property="article:published_time" content="2026-02-03T09:00:00Z"></head>
<body><article><h1>Lighthouse keeper retires after 40 years</h1>
<p>Martha Quill switched off the Cape Adler lamp for the last time on Sunday, ending forty years as its keeper.</p>
<p>The lighthouse was automated in 1998, but Quill stayed on to maintain the lens and guide visitors.</p>
<p>The coast guard said a volunteer group will keep the tower open to the public on weekends.</p></article></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "kb.db")
	url := srv.URL + "/news/lighthouse"

	if code, _, stderr := askRun(t, "", "--db", db, "load", "--quiet", url); code != 1 || !strings.Contains(stderr, "loopback") {
		t.Fatalf("without NEWSBOT_ALLOW_PRIVATE_URLS: exit %d, stderr %q; want a refusal naming the loopback address", code, stderr)
	}
	t.Setenv("NEWSBOT_ALLOW_PRIVATE_URLS", "true")
	if code, stdout, _ := askRun(t, "", "--db", db, "load", "--quiet", url); code != 0 || stdout != "1 loaded, 0 updated, 0 unchanged, 0 rejected\n" {
		t.Fatalf("first load: exit %d, stdout %q", code, stdout)
	}
	if code, stdout, _ := askRun(t, "", "--db", db, "load", "--quiet", url); code != 0 || stdout != "0 loaded, 0 updated, 1 unchanged, 0 rejected\n" {
		t.Fatalf("second load: exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ := askRun(t, "", "--db", db, "search", "--json", "Who kept the Cape Adler lighthouse?")
	if code != 0 {
		t.Fatalf("search: exit %d", code)
	}
	var res searchResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Results) == 0 || res.Results[0].Article.URL != url || res.Results[0].Article.Source != "Coast News" ||
		res.Results[0].Article.Published != "2026-02-03" || !strings.Contains(res.Results[0].Sentences[0].Text, "Martha Quill") {
		t.Fatalf("search result %+v, want the lighthouse page with its source, date and the Quill sentence", res.Results)
	}
}
