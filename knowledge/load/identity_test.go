package load

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// TestLoadReloadIdentity: loading a directory twice, then again after one
// file is edited, keeps one article per file, updates the edited one, and a
// copy of a file under another name is a duplicate that changes nothing.
func TestLoadReloadIdentity(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"quay.txt": "Quay repairs begin\n\nDivers inspected the quay walls on Monday. Repairs will cost four million.",
		"fair.md":  "# Autumn fair\n\nBy Jane Rivera\n\nThe autumn fair drew record crowds. Pumpkins sold out by noon.",
		"lines.jsonl": `{"title": "Tram", "body": "The tram line opens in June."}` + "\n" +
			`{"title": "Bus", "body": "Night buses run every 30 minutes."}` + "\n",
	})
	st := knowledgetest.MustOpenDB(t)
	l := &Loader{Store: st}
	first, err := l.Load(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if s := first.Summary(); s != "4 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped" {
		t.Fatalf("first load: %s", s)
	}
	second, err := l.Load(ctx, []string{dir})
	if err != nil || second.Summary() != "0 loaded, 0 updated, 4 unchanged, 0 duplicates, 0 rejected, 0 skipped" {
		t.Fatalf("second load: %s, %v", second.Summary(), err)
	}
	// One word changed, and the same directory loaded from a relative path.
	writeFiles(t, dir, map[string]string{"quay.txt": "Quay repairs begin\n\nDivers inspected the quay walls on Monday. Repairs will cost five million."})
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(filepath.Dir(dir)); err != nil {
		t.Fatal(err)
	}
	third, err := l.Load(ctx, []string{filepath.Base(dir)})
	if err != nil || third.Summary() != "0 loaded, 1 updated, 3 unchanged, 0 duplicates, 0 rejected, 0 skipped" {
		t.Fatalf("after an edit: %s, %v\n%+v", third.Summary(), err, third.Results)
	}
	if n, _, _ := st.Count(ctx); n != 4 {
		t.Errorf("%d articles stored, want 4", n)
	}
	ps, err := st.Search(ctx, "How much will the quay repairs cost?", knowledge.SearchOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range ps {
		for _, s := range p.Sentences {
			if strings.Contains(s.Text, "four million") {
				t.Errorf("the old text is still found: %q", s.Text)
			}
			if seen[s.Text] {
				t.Errorf("sentence %q found twice", s.Text)
			}
			seen[s.Text] = true
		}
	}

	// A byte-identical copy under another name: a duplicate, nothing moves.
	copyPath := filepath.Join(dir, "quay-copy.txt")
	data, _ := os.ReadFile(filepath.Join(dir, "quay.txt"))
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fourth, err := l.Load(ctx, []string{copyPath})
	if err != nil {
		t.Fatal(err)
	}
	r := fourth.Results[0]
	var quayID string
	for _, q := range third.Results {
		if strings.HasSuffix(q.Origin, "quay.txt") {
			quayID = q.ArticleID
		}
	}
	if r.Status != StatusDuplicate || r.ArticleID != quayID || !strings.Contains(r.Reason, quayID) {
		t.Errorf("copy: %+v, want a duplicate of %s", r, quayID)
	}
	a, _, err := st.Article(ctx, quayID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(a.Origin, string(filepath.Separator)+"quay.txt") || a.Source != "" {
		t.Errorf("after the copy the article has origin %q and source %q", a.Origin, a.Source)
	}
	if n, _, _ := st.Count(ctx); n != 4 {
		t.Errorf("%d articles stored after the copy, want 4", n)
	}
	for _, q := range first.Results {
		if strings.HasSuffix(q.Origin, "fair.md") {
			fair, _, err := st.Article(ctx, q.ArticleID)
			if err != nil || fair.Author != "Jane Rivera" {
				t.Errorf("fair: author %q, %v", fair.Author, err)
			}
		}
	}
}

// TestLoadSkipsWhatItDoesNotRead: files of other formats, symlinks and
// special files in a directory are each reported as skipped, with why; a
// symlink named as a source is followed.
func TestLoadSkipsWhatItDoesNotRead(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	outside := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.pdf": "%PDF-1.7", "b.docx": "PK", "README": "Read me."})
	writeFiles(t, outside, map[string]string{"secret.txt": "Secret title\n\nThe secret body text."})
	link := filepath.Join(dir, "passwd.txt")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), link); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := knowledgetest.MustOpenDB(t)
	l := &Loader{Store: st}
	report, err := l.Load(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"README": "no extension", "a.pdf": "unsupported format (.pdf", "b.docx": "unsupported format (.docx",
		"passwd.txt": "symlink, not followed", "pipe.txt": "not a regular file",
	}
	if len(report.Results) != len(want) {
		t.Fatalf("results %+v, want %d skipped", report.Results, len(want))
	}
	for _, r := range report.Results {
		if why := want[filepath.Base(r.Origin)]; r.Status != StatusSkipped || why == "" || !strings.Contains(r.Reason, why) {
			t.Errorf("%+v, want skipped for %q", r, why)
		}
	}
	if report.Stored() {
		t.Error("Stored() = true for a load that skipped everything")
	}
	if n, _, _ := st.Count(ctx); n != 0 {
		t.Errorf("%d articles stored, want 0 (the symlink's target must not load)", n)
	}
	named, err := l.Load(ctx, []string{link})
	if err != nil || named.Summary() != "1 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped" {
		t.Errorf("a symlink named as a source: %s, %v", named.Summary(), err)
	}
}

// TestLoadStdin reads one document from standard input, by content or by
// the format given.
func TestLoadStdin(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t)
	l := &Loader{Store: st, Stdin: strings.NewReader("# Harbour ferry\n\nThe harbour ferry returns on Friday.")}
	report, err := l.Load(ctx, []string{Stdin})
	if err != nil || report.Summary() != "1 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped" || report.Results[0].Origin != "-" {
		t.Fatalf("load -: %s %+v, %v", report.Summary(), report.Results, err)
	}
	if report.Results[0].Title != "Harbour ferry" {
		t.Errorf("title %q, want the Markdown heading", report.Results[0].Title)
	}
	l = &Loader{Store: st, Stdin: strings.NewReader("# Not a heading here\n\nPlain text body."), Format: "text"}
	report, err = l.Load(ctx, []string{Stdin})
	if err != nil || len(report.Results) != 1 || report.Results[0].Title != "# Not a heading here" {
		t.Errorf("load - as text: %+v, %v", report.Results, err)
	}
}

// TestLoadNamesAreVisible: a file name or text with escape sequences,
// newlines or bidirectional controls is reported with them made visible.
func TestLoadNamesAreVisible(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	name := "evil\x1b[31m\nrejected other.txt: forged\u202e.txt"
	writeFiles(t, dir, map[string]string{
		name:          "",
		"title.jsonl": `{"title": "Fine\u001b[2J title\u202e", "body": "Body."}` + "\n" + "{\"title\": \"NUL\", \"body\": \"a\x00b\"}\n" + `{"title": "After", "body": "Still loaded."}`,
	})
	l := &Loader{Store: &fakeStore{}}
	report, err := l.Load(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range report.Results {
		for _, s := range []string{r.Origin, r.Title, r.Reason} {
			if strings.ContainsAny(s, "\x1b\n\u202e") {
				t.Errorf("result %+v prints %q raw", r, s)
			}
		}
	}
	if s := report.Summary(); s != "2 loaded, 0 updated, 0 unchanged, 0 duplicates, 2 rejected, 0 skipped" {
		t.Errorf("summary %s: %+v", s, report.Results)
	}
	if got := Visible("a\x1b[31m\nb\u202ec\u200b\xff"); got != `a\x1b[31m\nb\u202ec\u200b\xff` {
		t.Errorf("Visible = %q", got)
	}
}
