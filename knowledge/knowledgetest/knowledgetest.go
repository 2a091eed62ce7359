//go:build sqlite_fts5

// Package knowledgetest helps the tests of packages that use a knowledge
// base: a real store in a temporary directory, and the shared sample
// articles kept beside the checkout.
package knowledgetest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"newsbot/knowledge"
	"newsbot/knowledge/parse"
)

// London is the shared article of the acceptance question "Who will
// represent the US at the London talks?".
const London = "london-talks-2025-04-23.txt"

// MustOpenDB opens a knowledge base in a file in tb's temporary directory,
// stores articles in it, and closes it when the test ends. It fails the
// test when either goes wrong.
func MustOpenDB(tb testing.TB, articles ...knowledge.Article) *knowledge.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := knowledge.Open(ctx, filepath.Join(tb.TempDir(), "newsbot.db"))
	if err != nil {
		tb.Fatalf("open knowledge base: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("close knowledge base: %v", err)
		}
	})
	if len(articles) > 0 {
		if _, err := st.Put(ctx, articles); err != nil {
			tb.Fatalf("store articles: %v", err)
		}
	}
	return st
}

// SharedArticle returns the article in file name of the shared articles
// (../shared/articles beside the checkout), skipping the test when the
// shared directory is absent. It fails the test when the file does not
// parse as one article.
func SharedArticle(tb testing.TB, name string) knowledge.Article {
	tb.Helper()
	a, ok := LookupSharedArticle(tb, name)
	if !ok {
		tb.Skipf("shared article %s is absent (../shared/articles sits beside the checkout); skipping", name)
	}
	return a
}

// LookupSharedArticle is SharedArticle for tests that also run without
// it: it reports false when the file is absent.
func LookupSharedArticle(tb testing.TB, name string) (knowledge.Article, bool) {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("find the module's root: %v", err)
	}
	path := filepath.Join(root, "..", "shared", "articles", name)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return knowledge.Article{}, false
	}
	if err != nil {
		tb.Fatalf("read shared article: %v", err)
	}
	res, err := parse.File(path, data)
	if err != nil || len(res.Articles) != 1 {
		tb.Fatalf("parse %s: %v (%d articles, want 1)", path, err, len(res.Articles))
	}
	return res.Articles[0].Article, true
}

// moduleRoot is the nearest directory above the working directory, which
// go test sets to the package's, that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
