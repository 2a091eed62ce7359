package load

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"newsbot/knowledge"
)

// heapProbe is a Putter that stores nothing and records the live heap at
// every batch.
type heapProbe struct {
	puts     int
	peakHeap uint64
}

func (p *heapProbe) Put(ctx context.Context, articles []knowledge.Article) ([]knowledge.PutStatus, error) {
	p.puts++
	if p.puts%10 == 1 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		p.peakHeap = max(p.peakHeap, m.HeapAlloc)
	}
	statuses := make([]knowledge.PutStatus, len(articles))
	for i := range articles {
		articles[i].ID = fmt.Sprintf("%012d", p.puts*len(articles)+i)
		statuses[i] = knowledge.Loaded
	}
	return statuses, nil
}

// TestLoadMemoryStaysFlat streams 100,000 articles (about 35 MB of JSON
// Lines) and checks that the heap holds a few batches of text, not the file.
func TestLoadMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 35 MB file")
	}
	const articles = 100_000
	path := filepath.Join(t.TempDir(), "big.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	sentence := "The council said on Tuesday that the new bridge would open to traffic next spring, officials said. "
	body := strings.Repeat(sentence, 3)
	for i := range articles {
		fmt.Fprintf(w, `{"title": "Article %d", "url": "https://news.example/%d", "body": %q}`+"\n", i, i, body)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	info, _ := os.Stat(path)

	probe := &heapProbe{}
	report, err := (&Loader{Store: probe}).Load(context.Background(), []string{path})
	if err != nil {
		t.Fatal(err)
	}
	if l, _, _, _ := report.Counts(); l != articles {
		t.Fatalf("loaded %d, want %d", l, articles)
	}
	t.Logf("file %d MB, peak live heap %d MB over %d batches", info.Size()>>20, probe.peakHeap>>20, probe.puts)
	// The report keeps one small Result per article (~150 bytes); the
	// article text must not stay: a tenth of the file is the bound.
	if limit := uint64(info.Size()) / 10; probe.peakHeap > limit+articles*200 {
		t.Errorf("peak heap %d MB, want under %d MB", probe.peakHeap>>20, (limit+articles*200)>>20)
	}
}
