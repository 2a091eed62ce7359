package main

import (
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
	code, stdout, stderr := askRun(t, "", "--db", db, "load", "--quiet", dir, "https://news.example/a")
	if code != 1 {
		t.Errorf("exit %d, want 1 when something is rejected", code)
	}
	for _, want := range []string{
		"rejected " + filepath.Join(dir, "empty.txt") + ": empty file\n",
		"rejected " + filepath.Join(dir, "feed.jsonl") + ":2: malformed JSON",
		"rejected https://news.example/a: fetching URLs is not configured\n",
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
