package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEnvExampleDocumentsEverySetting checks that every environment
// variable the product's code reads is in .env.example, which the README
// names as the list of settings.
func TestEnvExampleDocumentsEverySetting(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "..", ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(example), "\n") {
		if name, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			documented[name] = true
		}
	}
	setting := regexp.MustCompile(`"((?:NEWSBOT|OPENAI|DISCORD)_[A-Z_]+)"`)
	read := map[string]bool{}
	for _, dir := range []string{"..", filepath.Join("..", "..", "bot"), filepath.Join("..", "..", "knowledge")} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range setting.FindAllStringSubmatch(string(src), -1) {
				read[m[1]] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(read) < 20 {
		t.Fatalf("found only %d settings in the code: %v", len(read), read)
	}
	for name := range read {
		if !documented[name] {
			t.Errorf("%s is read by the code but not in .env.example", name)
		}
	}
}
