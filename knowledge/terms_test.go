package knowledge

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestTerms(t *testing.T) {
	var many []string
	for i := range 40 {
		many = append(many, fmt.Sprintf("word%d", i))
	}
	for _, tt := range []struct {
		name string
		text string
		want []string
	}{
		{name: "Question", text: "Who will represent the US at the London talks?", want: []string{"represent", "us", "london", "talks"}},
		{name: "StopWordsRemoved", text: "the Kellogg", want: []string{"kellogg"}},
		{name: "Dedupe", text: "Kellogg kellogg KELLOGG, talks and Talks", want: []string{"kellogg", "talks"}},
		{name: "Possessive", text: "Rubio's absence", want: []string{"rubio", "absence"}},
		{name: "WordsAboutTheText", text: "What does the article say about the quokka mentioned in this story?", want: []string{"quokka"}},
		{name: "Against", text: "Who voted against the plan?", want: []string{"voted", "against", "plan"}}, // a vote's side matters
		{name: "AllStopWords", text: "Who is he?", want: []string{"who", "is", "he"}},
		{name: "AllStopWordsDedupe", text: "the of and THE of", want: []string{"the", "of", "and"}},
		{name: "CapAt32", text: strings.Join(many, " "), want: many[:maxQueryTerms]},
		{name: "CapCountsDistinctWords", text: strings.Repeat("storm ", 100) + strings.Join(many, " the "), want: append([]string{"storm"}, many[:maxQueryTerms-1]...)},
		{name: "CapAllStopWords", text: strings.Join(slices.Sorted(mapKeys(stopWords)), " "), want: slices.Sorted(mapKeys(stopWords))[:maxQueryTerms]},
		{name: "Operators", text: `"NEAR(storm* -harbour)" AND title:x ^zed {z} OR NOT`, want: []string{"near", "storm", "harbour", "title", "x", "zed", "z"}},
		{name: "Digits", text: "$1.5 billion in 2025", want: []string{"1", "5", "billion", "2025"}},
		{name: "Unicode", text: "Café NAÏVE 日本 🌊", want: []string{"café", "naïve", "日本"}},
		{name: "InvalidUTF8", text: "storm\xffharbour \xc3", want: []string{"storm", "harbour"}},
		{name: "LongWordDropped", text: strings.Repeat("a", 64) + " " + strings.Repeat("b", 63), want: []string{strings.Repeat("b", 63)}},
		{name: "Empty", text: "", want: nil},
		{name: "Punctuation", text: "?! -- ...", want: nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Terms(tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Terms(%.60q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestFTSQuery(t *testing.T) {
	for _, tt := range []struct {
		name  string
		terms []string
		want  string
	}{
		{name: "One", terms: []string{"storm"}, want: `"storm"`},
		{name: "Several", terms: []string{"storm", "harbour", "near"}, want: `"storm" OR "harbour" OR "near"`},
		{name: "Operators", terms: []string{"AND", "NEAR", "*", "^x", "a:b", "(c)"}, want: `"AND" OR "NEAR" OR "*" OR "^x" OR "a:b" OR "(c)"`},
		{name: "Quote", terms: []string{`say"hi`}, want: `"say""hi"`},
		{name: "OnlyQuotes", terms: []string{`""`}, want: `""""""`},
		{name: "None", terms: nil, want: ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ftsQuery(tt.terms); got != tt.want {
				t.Errorf("ftsQuery(%q) = %s, want %s", tt.terms, got, tt.want)
			}
		})
	}
}

// TestFTSQueryIsLiteral runs quoted terms against a real FTS5 index: each is
// read as text, never as syntax, and finds the text that has it.
func TestFTSQueryIsLiteral(t *testing.T) {
	db := openFTS(t, `the storm said "hi" near the harbour`, `AND OR NOT`, `title: x`)
	for _, tt := range []struct {
		terms []string
		want  int
	}{
		{[]string{"storm"}, 1},
		{[]string{`said "hi"`}, 1},
		{[]string{`"`}, 0},
		{[]string{`"hi`}, 1},
		{[]string{"NEAR"}, 1},
		{[]string{"AND"}, 1},
		{[]string{"NOT", "storm"}, 2},
		{[]string{"title:"}, 1},
		{[]string{"*"}, 0},
		{[]string{"harb*"}, 0},
		{[]string{"^storm"}, 1},
		{[]string{"(storm)"}, 1},
		{[]string{"{x}"}, 1},
		{[]string{"-storm"}, 1},
		{[]string{"🌊"}, 0},
	} {
		q := ftsQuery(tt.terms)
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM t WHERE t MATCH ?`, q).Scan(&n); err != nil {
			t.Errorf("MATCH %s: %v", q, err)
			continue
		}
		if n != tt.want {
			t.Errorf("MATCH %s: %d rows, want %d", q, n, tt.want)
		}
	}
}

// openFTS opens a database in a temporary directory with an FTS5 table t
// holding texts, tokenized as the store's indexes are.
func openFTS(tb testing.TB, texts ...string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(tb.TempDir(), "fts.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')`); err != nil {
		tb.Fatal(err)
	}
	for _, s := range texts {
		if _, err := db.Exec(`INSERT INTO t(text) VALUES (?)`, s); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// FuzzTerms checks Terms' promises on any text, and that its FTS5 query is
// always valid.
func FuzzTerms(f *testing.F) {
	for _, s := range []string{
		"Who will represent the US at the London talks?", "the of and", `"NEAR(a b)" AND c* -d ^e:f {g}`,
		"Rubio's", "İstanbul ǅ ﬁ", "\xff\xfe", "", "🌊", strings.Repeat("x ", 100),
	} {
		f.Add(s)
	}
	db := openFTS(f, "the storm near the harbour")
	f.Fuzz(func(t *testing.T, text string) {
		terms := Terms(text)
		if len(terms) > maxQueryTerms {
			t.Errorf("%d terms, want at most %d", len(terms), maxQueryTerms)
		}
		seen := map[string]bool{}
		content := false
		for _, w := range terms {
			if w == "" || seen[w] {
				t.Errorf("empty or repeated term %q in %q", w, terms)
			}
			seen[w] = true
			content = content || !stopWords[w]
			if w != strings.ToLower(w) || strings.ContainsFunc(w, unicode.IsSpace) {
				t.Errorf("term %q is not a lower-cased word", w)
			}
		}
		if content {
			for _, w := range terms {
				if stopWords[w] {
					t.Errorf("stop word %q among content words %q", w, terms)
				}
			}
		}
		if len(terms) == 0 {
			return
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM t WHERE t MATCH ?`, ftsQuery(terms)).Scan(&n); err != nil {
			t.Errorf("MATCH %s: %v", ftsQuery(terms), err)
		}
	})
}

func TestKeywords(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"Who will represent the US at the London talks?", []string{"represent", "us", "london", "talks"}},
		{"Who is he?", nil}, // unlike Terms, no stop words ever
		{"", nil},
	} {
		if got := Keywords(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("Keywords(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
