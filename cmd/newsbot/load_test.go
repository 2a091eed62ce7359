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
	if code != 0 || stdout != "2 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped\n" || !strings.Contains(stderr, "loading: done") {
		t.Fatalf("first load: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "load", "--quiet", "--verbose", dir)
	if code != 0 || !strings.Contains(stdout, "unchanged") || !strings.Contains(stdout, "Storm hits coast") ||
		!strings.HasSuffix(stdout, "0 loaded, 0 updated, 2 unchanged, 0 duplicates, 0 rejected, 0 skipped\n") {
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
	if stdout != "2 loaded, 0 updated, 0 unchanged, 0 duplicates, 3 rejected, 0 skipped\n" {
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
	if code, stdout, _ := askRun(t, "", "--db", db, "load", "--quiet", url); code != 0 || stdout != "1 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped\n" {
		t.Fatalf("first load: exit %d, stdout %q", code, stdout)
	}
	if code, stdout, _ := askRun(t, "", "--db", db, "load", "--quiet", url); code != 0 || stdout != "0 loaded, 0 updated, 1 unchanged, 0 duplicates, 0 rejected, 0 skipped\n" {
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

// TestLoadCommandBatch loads a directory with each case a user meets, end
// to end through the command line: sources are publishers or nothing,
// bylines are authors, dates in written forms load and ambiguous ones are
// reported, titles read as titles, every skipped file is named, and a
// reload after an edit updates the one article.
func TestLoadCommandBatch(t *testing.T) {
	askClearEnv(t)
	dir := loadFiles(t, map[string]string{
		"harbor.html": `<html><head><title>Harbor lights return | Harbor Herald</title></head><body><article>
<p>By Jane Rivera</p><p>Published March 6, 2026</p>
<p>The harbour lights were switched back on on Tuesday evening after a year of repairs to the old sea wall.</p>
<h2>Storage</h2><p>The old lamps will be kept in the maritime museum, its director said on Wednesday.</p></article></body></html>`,
		"paragraph.txt": "The quay reopened on Monday. Divers had inspected its walls. Repairs cost four million.\nCrews worked until dawn.",
		"oneline.txt":   "The ferry timetable changes on Sunday.",
		"storm.md":      "# Storm hits coast\n\nBy Sam Okafor · 7 March 2026\n\n## Damage\n\nWinds reached 150 km/h on the coast road.",
		"dates.jsonl": `{"title": "Tram opens", "body": "The tram line opened to riders.", "published": "March 3, 2026"}` + "\n" +
			`{"title": "Bus cut", "body": "The night bus was cut from the timetable.", "published": "03/04/2026"}` + "\n",
		"never-closed.md": "---\ntitle: Never closed\nk: v\n\nThe body that follows.",
		"a.pdf":           "%PDF-1.7",
	})
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "passwd.txt")); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "kb.db")
	code, stdout, stderr := askRun(t, "", "--db", db, "load", "--quiet", dir)
	if code != 1 || stdout != "6 loaded, 0 updated, 0 unchanged, 0 duplicates, 1 rejected, 2 skipped\n" {
		t.Fatalf("first load: exit %d, stdout %q", code, stdout)
	}
	for _, want := range []string{
		"rejected " + filepath.Join(dir, "never-closed.md") + ": front matter opened with --- on line 1 is never closed",
		"skipped " + filepath.Join(dir, "a.pdf") + ": unsupported format (.pdf",
		"skipped " + filepath.Join(dir, "passwd.txt") + ": symlink, not followed",
		"note " + filepath.Join(dir, "dates.jsonl") + `:2: field "published": date "03/04/2026": ambiguous date`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, stdout, _ = askRun(t, "", "--db", db, "articles", "--json")
	if code != 0 {
		t.Fatalf("articles: exit %d", code)
	}
	listed := decodeArticles(t, stdout)
	byTitle := map[string]articleJSON{}
	for _, a := range listed {
		byTitle[a.Title] = a
		if strings.Contains(a.Source, ".") || strings.Contains(a.Source, "Rivera") || strings.Contains(a.Source, "Okafor") {
			t.Errorf("article %q has source %q: a file name, host or byline", a.Title, a.Source)
		}
	}
	for title, want := range map[string]articleJSON{
		"Harbor lights return":                   {Source: "Harbor Herald", Published: "2026-03-06"},
		"The quay reopened on Monday.":           {},
		"The ferry timetable changes on Sunday.": {},
		"Storm hits coast":                       {Published: "2026-03-07"},
		"Tram opens":                             {Published: "2026-03-03"},
		"Bus cut":                                {},
	} {
		got, ok := byTitle[title]
		if !ok || got.Source != want.Source || got.Published != want.Published {
			t.Errorf("article %q: %+v (found %v), want source %q, published %q", title, got, ok, want.Source, want.Published)
		}
	}
	// Bylines and headings are not sentences; the paragraph is all body.
	code, stdout, _ = askRun(t, "", "--db", db, "show", "--json", byTitle["Harbor lights return"].ID)
	if code != 0 || strings.Count(stdout, "Jane Rivera") != 1 || !strings.Contains(stdout, `"author":"Jane Rivera"`) ||
		strings.Contains(stdout, `"Storage"`) || strings.Contains(stdout, "Published March") {
		t.Errorf("show harbor: exit %d, %s", code, stdout)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "show", "--json", byTitle["The quay reopened on Monday."].ID)
	if code != 0 || !strings.Contains(stdout, `"text":"Divers had inspected its walls."`) {
		t.Errorf("show paragraph: exit %d, %s", code, stdout)
	}

	// Twice more, the second time after an edit: one article per file.
	if code, stdout, _ = askRun(t, "", "--db", db, "load", "--quiet", dir); stdout != "0 loaded, 0 updated, 6 unchanged, 0 duplicates, 1 rejected, 2 skipped\n" {
		t.Fatalf("reload: exit %d, %q", code, stdout)
	}
	if err := os.WriteFile(filepath.Join(dir, "paragraph.txt"), []byte("The quay reopened on Monday. Divers had inspected its walls. Repairs cost five million.\nCrews worked until dawn."), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ = askRun(t, "", "--db", db, "load", "--quiet", dir); stdout != "0 loaded, 1 updated, 5 unchanged, 0 duplicates, 1 rejected, 2 skipped\n" {
		t.Fatalf("reload after an edit: exit %d, %q", code, stdout)
	}
	code, stdout, _ = askRun(t, "", "--db", db, "ask", "--json", "How much did the quay repairs cost?")
	if code != 0 {
		t.Fatalf("ask: exit %d", code)
	}
	var ans answerJSON
	if err := json.Unmarshal([]byte(stdout), &ans); err != nil {
		t.Fatal(err)
	}
	cited := map[string]bool{}
	for _, c := range ans.Citations {
		if cited[c.Text] {
			t.Errorf("sentence %q cited twice", c.Text)
		}
		cited[c.Text] = true
		if strings.Contains(c.Text, "four million") {
			t.Errorf("the text before the edit is cited: %q", c.Text)
		}
	}

	// A copy under another name is a duplicate; a directory of nothing
	// newsbot reads fails.
	if err := os.WriteFile(filepath.Join(t.TempDir(), "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	copyDir := loadFiles(t, map[string]string{"copy.txt": "The ferry timetable changes on Sunday."})
	if code, stdout, stderr = askRun(t, "", "--db", db, "load", "--quiet", copyDir); code != 0 || stdout != "0 loaded, 0 updated, 0 unchanged, 1 duplicate, 0 rejected, 0 skipped\n" ||
		!strings.Contains(stderr, "duplicate "+filepath.Join(copyDir, "copy.txt")+": the same text is stored as article "+byTitle["The ferry timetable changes on Sunday."].ID) {
		t.Errorf("copy: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	pdfs := loadFiles(t, map[string]string{"a.pdf": "%PDF", "b.docx": "PK"})
	if code, stdout, stderr = askRun(t, "", "--db", db, "load", "--quiet", pdfs); code != 1 || stdout != "0 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 2 skipped\n" ||
		!strings.Contains(stderr, "b.docx: unsupported format") || !strings.Contains(stderr, "every file was skipped") {
		t.Errorf("pdfs: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestLoadCommandStdinAndNames loads a document from stdin and prints a
// file name with an escape sequence and a newline made visible.
func TestLoadCommandStdinAndNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kb.db")
	code, stdout, _ := askRun(t, `{"title": "Ferry returns", "source": "Harbor Herald", "body": "The ferry returns on Friday."}`, "--db", db, "load", "--quiet", "-")
	if code != 0 || stdout != "1 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped\n" {
		t.Fatalf("load -: exit %d, %q", code, stdout)
	}
	if code, _, stderr := askRun(t, "x", "--db", db, "load", "--format", "pdf", "-"); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("--format pdf: exit %d, %q", code, stderr)
	}
	dir := loadFiles(t, map[string]string{"bad\x1b[2J\nrejected forged.txt": ""})
	_, _, stderr := askRun(t, "", "--db", db, "load", "--quiet", dir)
	if strings.Contains(stderr, "\x1b") || !strings.Contains(stderr, `bad\x1b[2J\nrejected forged.txt: empty file`) {
		t.Errorf("stderr %q, want the name's escape and newline shown as \\x1b and \\n", stderr)
	}
}

// TestLoadCommandSamples: the bundled samples, and ../shared/articles when
// present, show a real source or none, never a file name.
func TestLoadCommandSamples(t *testing.T) {
	dirs := []string{filepath.Join("..", "..", "knowledge", "samples")}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "articles")); err == nil {
		dirs = append(dirs, filepath.Join("..", "..", "..", "shared", "articles"))
	}
	db := filepath.Join(t.TempDir(), "kb.db")
	if code, stdout, _ := askRun(t, "", append([]string{"--db", db, "load", "--quiet"}, dirs...)...); code != 0 {
		t.Fatalf("load samples: exit %d, %q", code, stdout)
	}
	_, stdout, _ := askRun(t, "", "--db", db, "articles", "--json")
	listed := decodeArticles(t, stdout)
	if len(listed) < 4 {
		t.Fatalf("articles: %d listed, want the samples", len(listed))
	}
	for _, a := range listed {
		if strings.HasSuffix(a.Source, ".txt") || strings.HasSuffix(a.Source, ".md") || strings.HasSuffix(a.Source, ".jsonl") {
			t.Errorf("article %q has a file name as source: %q", a.Title, a.Source)
		}
	}
}

// decodeArticles reads the JSON Lines of "articles --json".
func decodeArticles(t *testing.T, out string) []articleJSON {
	t.Helper()
	var listed []articleJSON
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var a articleJSON
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("articles --json: %v\n%s", err, out)
		}
		listed = append(listed, a)
	}
	return listed
}
