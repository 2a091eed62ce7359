package load

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/parse"
)

// fakeStore is a Putter that keeps articles by ID in memory, records the
// batches it is given, and refuses any batch holding an article titled
// refuse, as a store refuses a whole transaction.
type fakeStore struct {
	mu      sync.Mutex
	refuse  string
	batches []int
	stored  map[string]string // ID to body
	onPut   func()
}

var _ Putter = (*fakeStore)(nil)

func (s *fakeStore) Put(ctx context.Context, articles []knowledge.Article) ([]knowledge.PutStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, len(articles))
	if s.onPut != nil {
		s.onPut()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, a := range articles {
		if a.Title == s.refuse {
			return nil, fmt.Errorf("put article %q: %w: refused", a.Title, knowledge.ErrInvalid)
		}
	}
	if s.stored == nil {
		s.stored = map[string]string{}
	}
	statuses := make([]knowledge.PutStatus, len(articles))
	for i := range articles {
		a := &articles[i]
		if a.ID == "" {
			a.ID = "id-" + a.Title
		}
		body, ok := s.stored[a.ID]
		switch {
		case !ok:
			statuses[i] = knowledge.Loaded
		case body != a.Body:
			statuses[i] = knowledge.Updated
		default:
			statuses[i] = knowledge.Unchanged
		}
		s.stored[a.ID] = a.Body
	}
	return statuses, nil
}

// fakeProgress records what a load reports.
type fakeProgress struct {
	started, finished int
	total, added      int
}

func (p *fakeProgress) Start(total int) { p.started++; p.total = total }
func (p *fakeProgress) Add(n int)       { p.added += n }
func (p *fakeProgress) Finish()         { p.finished++ }

// writeFiles creates files under dir from a map of relative path to content.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// jsonLines returns n JSON Lines articles titled L1..Ln, with line bad (if
// any) malformed.
func jsonLines(n, bad int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i == bad {
			b.WriteString(`{"title": "broken", "body": ` + "\n")
			continue
		}
		fmt.Fprintf(&b, `{"title": "L%d", "body": "Line %d text."}`+"\n", i, i)
	}
	return b.String()
}

// badInputs are files that must each be rejected with the reason given,
// without stopping the others.
var badInputs = map[string]string{
	"empty.txt":     "empty file",
	"binary.txt":    "binary content, not text: NUL byte at offset 5",
	"latin1.txt":    "invalid UTF-8 at byte 11 (line 2)",
	"title-only.md": "no body or text",
}

func badFiles() map[string]string {
	return map[string]string{
		"empty.txt":     "",
		"binary.txt":    "hello\x00\x01\x02world",
		"latin1.txt":    "A title\nCaf\xe9 au lait.",
		"title-only.md": "# Only a title\n",
	}
}

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a-2025-01-02.txt":  "Alpha title\n- Alpha point.\nAlpha body.",
		"b.md":              "# Beta title\n\nBeta body.",
		"sub/c.html":        "<html><head><title>Gamma title</title></head><body><p>Gamma body.</p></body></html>",
		"sub/feed.jsonl":    jsonLines(8, 7),
		".hidden.txt":       "Hidden\nNot loaded.",
		".git/config.txt":   "Hidden\nNot loaded.",
		"notes.csv":         "a,b\n1,2\n",
		"sub/deeper/d.json": `{"id": "given-id", "title": "Delta title", "body": "Delta body."}`,
	}
	for name, content := range badFiles() {
		files["bad/"+name] = content
	}
	writeFiles(t, dir, files)
	big := filepath.Join(dir, "bad", "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	f.Close()

	store := &fakeStore{}
	progress := &fakeProgress{}
	l := &Loader{Store: store, BatchSize: 4, Progress: progress}
	report, err := l.Load(context.Background(), []string{dir, filepath.Join(dir, "b.md"), filepath.Join(dir, "missing.txt")})
	if err != nil {
		t.Fatal(err)
	}

	got := map[string]Result{}
	for _, r := range report.Results {
		got[strings.TrimPrefix(r.Origin, dir+string(filepath.Separator))] = r
	}
	wantLoaded := map[string]string{
		"a-2025-01-02.txt":  "Alpha title",
		"b.md":              "Beta title",
		"sub/c.html":        "Gamma title",
		"sub/deeper/d.json": "Delta title",
	}
	for i := 1; i <= 8; i++ {
		if i != 7 {
			wantLoaded[fmt.Sprintf("sub/feed.jsonl:%d", i)] = fmt.Sprintf("L%d", i)
		}
	}
	for origin, title := range wantLoaded {
		r, ok := got[origin]
		if !ok || r.Status != StatusLoaded || r.Title != title || r.ArticleID == "" {
			t.Errorf("%s: got %+v, want loaded %q with an ID", origin, r, title)
		}
	}
	if id := got["sub/deeper/d.json"].ArticleID; id != "given-id" {
		t.Errorf("given id not kept: %q", id)
	}
	wantRejected := map[string]string{
		"sub/feed.jsonl:7": "malformed JSON",
		"bad/big.txt":      "too large: 50 MiB, over the 20 MiB limit",
		"missing.txt":      "no such file or directory",
	}
	for name, reason := range badInputs {
		wantRejected["bad/"+name] = reason
	}
	for origin, reason := range wantRejected {
		r, ok := got[origin]
		if !ok || r.Status != StatusRejected || !strings.Contains(r.Reason, reason) {
			t.Errorf("%s: got %+v, want rejected for %q", origin, r, reason)
		}
	}
	wantSkipped := map[string]string{".git": "hidden directory", ".hidden.txt": "hidden file", "notes.csv": "unsupported format (.csv"}
	for origin, reason := range wantSkipped {
		if r := got[origin]; r.Status != StatusSkipped || !strings.Contains(r.Reason, reason) {
			t.Errorf("%s: got %+v, want skipped for %q", origin, r, reason)
		}
	}
	if len(report.Results) != len(wantLoaded)+len(wantRejected)+len(wantSkipped) {
		t.Errorf("got %d results, want %d (b.md once): %+v", len(report.Results), len(wantLoaded)+len(wantRejected)+len(wantSkipped), report.Results)
	}
	if s := report.Summary(); s != "11 loaded, 0 updated, 0 unchanged, 0 duplicates, 7 rejected, 3 skipped" {
		t.Errorf("summary %q", s)
	}
	for _, n := range store.batches {
		if n > 4 {
			t.Errorf("batch of %d articles, want at most 4", n)
		}
	}
	if progress.started != 1 || progress.finished != 1 || progress.added != progress.total || progress.total < 50<<20 {
		t.Errorf("progress started %d, finished %d, added %d of %d", progress.started, progress.finished, progress.added, progress.total)
	}
}

func TestLoadReportsInInputOrder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f.jsonl": jsonLines(5, 3)})
	report, err := (&Loader{Store: &fakeStore{}, BatchSize: 2}).Load(context.Background(), []string{filepath.Join(dir, "f.jsonl")})
	if err != nil {
		t.Fatal(err)
	}
	var origins []string
	for _, r := range report.Results {
		origins = append(origins, strings.TrimPrefix(r.Origin, dir+"/")+" "+r.Status)
	}
	want := []string{"f.jsonl:1 loaded", "f.jsonl:2 loaded", "f.jsonl:3 rejected", "f.jsonl:4 loaded", "f.jsonl:5 loaded"}
	if fmt.Sprint(origins) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", origins, want)
	}
}

func TestLoadBatchesAndRetriesOneByOne(t *testing.T) {
	tests := []struct {
		name        string
		lines       int
		batch       int
		refuse      string
		wantBatches []int
		wantSummary string
	}{
		{"DefaultBatch", 1200, 0, "", []int{500, 500, 200}, "1200 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped"},
		{"SmallBatch", 5, 2, "", []int{2, 2, 1}, "5 loaded, 0 updated, 0 unchanged, 0 duplicates, 0 rejected, 0 skipped"},
		{"RefusedArticle", 5, 3, "L2", []int{3, 1, 1, 1, 2}, "4 loaded, 0 updated, 0 unchanged, 0 duplicates, 1 rejected, 0 skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"f.jsonl": jsonLines(tt.lines, 0)})
			store := &fakeStore{refuse: tt.refuse}
			report, err := (&Loader{Store: store, BatchSize: tt.batch}).Load(context.Background(), []string{filepath.Join(dir, "f.jsonl")})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(store.batches) != fmt.Sprint(tt.wantBatches) {
				t.Errorf("batches %v, want %v", store.batches, tt.wantBatches)
			}
			if s := report.Summary(); s != tt.wantSummary {
				t.Errorf("summary %q, want %q", s, tt.wantSummary)
			}
			for _, r := range report.Rejected() {
				if r.Title != tt.refuse || !strings.Contains(r.Reason, "refused") || !strings.HasSuffix(r.Origin, "f.jsonl:2") {
					t.Errorf("rejected %+v, want only %q with the store's reason", r, tt.refuse)
				}
			}
		})
	}
}

func TestLoadUpdatesAndUnchanged(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "A\nBody one.", "b.txt": "B\nBody two."})
	store := &fakeStore{}
	l := &Loader{Store: store}
	if _, err := l.Load(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"b.txt": "B\nBody two, revised."})
	report, err := l.Load(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if s := report.Summary(); s != "0 loaded, 1 updated, 1 unchanged, 0 duplicates, 0 rejected, 0 skipped" {
		t.Errorf("summary %q", s)
	}
}

type fakeFetcher map[string]knowledge.Article

func (f fakeFetcher) FetchDocument(ctx context.Context, url string) (parse.Result, error) {
	a, ok := f[url]
	if !ok {
		return parse.Result{}, errors.New("fetch " + url + ": 404 Not Found")
	}
	return parse.Result{Articles: []parse.Record{{Article: a}}}, nil
}

func TestLoadURLs(t *testing.T) {
	const ok, missing = "https://news.example/ok", "http://news.example/missing"
	fetcher := fakeFetcher{ok: {Title: "Fetched", URL: ok, Body: "Fetched body."}}
	tests := []struct {
		name    string
		fetcher Fetcher
		want    []Result
	}{
		{"NoFetcher", nil, []Result{
			{Origin: ok, Status: StatusRejected, Reason: "fetching URLs is not configured"},
			{Origin: missing, Status: StatusRejected, Reason: "fetching URLs is not configured"},
		}},
		{"Fetcher", fetcher, []Result{
			{Origin: ok, ArticleID: "id-Fetched", Title: "Fetched", Status: StatusLoaded},
			{Origin: missing, Status: StatusRejected, Reason: "fetch " + missing + ": 404 Not Found"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			report, err := (&Loader{Store: &fakeStore{}, Fetcher: tt.fetcher}).Load(context.Background(), []string{ok, missing})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(report.Results) != fmt.Sprint(tt.want) {
				t.Errorf("got %+v\nwant %+v", report.Results, tt.want)
			}
		})
	}
}

func TestLoadBytes(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             []Result
	}{
		{"JSONLines", "upload.jsonl", jsonLines(3, 2), []Result{
			{Origin: "upload.jsonl:1", ArticleID: "id-L1", Title: "L1", Status: StatusLoaded},
			{Origin: "upload.jsonl:2", Status: StatusRejected, Reason: "malformed JSON: unexpected end of JSON input"},
			{Origin: "upload.jsonl:3", ArticleID: "id-L3", Title: "L3", Status: StatusLoaded},
		}},
		{"Text", "note.txt", "Note\nBody.", []Result{{Origin: "note.txt", ArticleID: "id-Note", Title: "Note", Status: StatusLoaded}}},
		{"Empty", "empty.txt", "", []Result{{Origin: "empty.txt", Status: StatusRejected, Reason: "empty file"}}},
		{"Binary", "x.md", "\x00\x01", []Result{{Origin: "x.md", Status: StatusRejected, Reason: "binary content, not text: NUL byte at offset 0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			report, err := (&Loader{Store: &fakeStore{}}).LoadBytes(context.Background(), tt.file, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(report.Results) != fmt.Sprint(tt.want) {
				t.Errorf("got %+v\nwant %+v", report.Results, tt.want)
			}
		})
	}
}

func TestLoadCancelled(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f.jsonl": jsonLines(10, 0)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &fakeStore{onPut: cancel}
	report, err := (&Loader{Store: store, BatchSize: 3}).Load(ctx, []string{filepath.Join(dir, "f.jsonl")})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(store.batches) != 1 || len(report.Results) != 0 {
		t.Errorf("after cancel: %d batches, %d results; want 1 attempt and nothing reported stored", len(store.batches), len(report.Results))
	}
}

func TestLineProgress(t *testing.T) {
	var out strings.Builder
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewProgress(&out, false).(*lineProgress)
	p.now = func() time.Time { return clock }
	p.Start(1000)
	p.Add(150) // 10%, but too soon after the start
	clock = clock.Add(2 * time.Second)
	p.Add(200) // 35%: one line for the 30% mark
	p.Add(100) // too soon again
	clock = clock.Add(2 * time.Second)
	p.Add(550)
	p.Finish()
	want := "loading: 30% (350 bytes of 1000 bytes)\nloading: done, 1000 bytes read in 4s\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestLineProgressOfFetchedPages checks that a load of URLs alone, whose
// pages are not counted in bytes, does not claim to have read 0 bytes.
func TestLineProgressOfFetchedPages(t *testing.T) {
	var out strings.Builder
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewProgress(&out, false).(*lineProgress)
	p.now = func() time.Time { return clock }
	p.Start(0)
	clock = clock.Add(1500 * time.Millisecond)
	p.Finish()
	if want := "loading: done in 1.5s\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestBarProgress(t *testing.T) {
	var out strings.Builder
	p := NewProgress(&out, true)
	p.Start(2 << 20)
	p.Add(1 << 20)
	p.Add(1 << 20)
	p.Finish()
	if !strings.Contains(out.String(), "loading") || !strings.Contains(out.String(), "MB") {
		t.Errorf("bar output %q lacks its description and byte counts", out.String())
	}
}
