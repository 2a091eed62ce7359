//go:build sqlite_fts5

package knowledgetest

import (
	"os"
	"path/filepath"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/parse"
)

// Samples returns the articles bundled in knowledge/samples, parsed as
// `newsbot load knowledge/samples` parses them. It fails the test when the
// directory can't be read or a file doesn't parse.
func Samples(tb testing.TB) []knowledge.Article {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("find the module's root: %v", err)
	}
	dir := filepath.Join(root, "knowledge", "samples")
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("read sample articles: %v", err)
	}
	var out []knowledge.Article
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatalf("read sample article: %v", err)
		}
		res, err := parse.File(path, data)
		if err != nil || len(res.Rejected) > 0 {
			tb.Fatalf("parse %s: %v (rejected %v)", path, err, res.Rejected)
		}
		for _, r := range res.Articles {
			out = append(out, r.Article)
		}
	}
	return out
}
