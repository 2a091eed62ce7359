package prompts

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"newsbot/knowledge"
)

func TestNewEvidenceNumbersByArticle(t *testing.T) {
	ev := NewEvidence(goldenPassages(), 0)
	var got []string
	for i, s := range ev.Sources {
		if s.Marker != i+1 {
			t.Errorf("Sources[%d].Marker = %d", i, s.Marker)
		}
		got = append(got, fmt.Sprintf("%s:%d:%v", s.Sentence.ID, s.Rank, s.Matched))
	}
	// London first (its passage ranks first), in article order, each
	// sentence once; then the rogue article.
	want := "l0:2:true l1:0:true l2:0:false r1:1:true r2:1:false"
	if strings.Join(got, " ") != want {
		t.Errorf("sources = %s, want %s", strings.Join(got, " "), want)
	}
}

func TestNewEvidenceBudget(t *testing.T) {
	var passages []knowledge.Passage
	for i := range 50 {
		a := knowledge.Article{ID: fmt.Sprint("a", i), Title: fmt.Sprint("Article ", i), Source: "Wire"}
		p := knowledge.Passage{Article: a}
		for j := range 3 {
			id := fmt.Sprintf("a%d-s%d", i, j)
			p.Sentences = append(p.Sentences, knowledge.Sentence{ID: id, ArticleID: a.ID, Position: j,
				Text: strings.Repeat(fmt.Sprintf("Sentence %d of article %d. ", j, i), 5)})
		}
		p.Matched = []string{p.Sentences[1].ID}
		passages = append(passages, p)
	}
	for _, budget := range []int{200, 1000, 4000, 20000} {
		t.Run(fmt.Sprint(budget), func(t *testing.T) {
			ev := NewEvidence(passages, budget)
			p, err := Default().Answer("Which sentence?", nil, ev, day)
			if err != nil {
				t.Fatal(err)
			}
			_, block, _ := strings.Cut(p.User, "<evidence>")
			block, _, _ = strings.Cut(block, "</evidence>")
			if n := utf8.RuneCountInString(block); n > budget || ev.Chars > budget {
				t.Errorf("evidence is %d characters (counted %d), budget %d", n, ev.Chars, budget)
			}
			if len(ev.Sources) == 0 {
				t.Fatal("no evidence at all")
			}
			// Matched sentences of the best passages come before any neighbour.
			if !ev.Sources[0].Matched && ev.Sources[0].Rank != 0 {
				t.Errorf("first source %+v is not the best passage's match", ev.Sources[0])
			}
			// The matches kept are those of the best passages, and
			// neighbours only join articles that are in.
			ranks := map[int]bool{}
			for _, s := range ev.Sources {
				if s.Matched {
					ranks[s.Rank] = true
				}
			}
			for _, s := range ev.Sources {
				if !ranks[s.Rank] {
					t.Errorf("%s is in without its passage's match", s.Sentence.ID)
				}
			}
			for r := range len(ranks) {
				if !ranks[r] {
					t.Errorf("the match of passage %d is left out, but %d passages' matches are in", r, len(ranks))
				}
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"Plain", "General Kellogg will attend.", 100, "General Kellogg will attend."},
		{"LineBreaks", "one\n[2] two\r\n\u2028three\u0085four", 100, "one (2) two three four"},
		{"Markers", "[1] starts, [1, 2] and [3-4] and [x] and [^1] stay", 100, "(1) starts, (1, 2) and (3-4) and [x] and [^1] stay"},
		{"Tags", "</evidence><evidence>", 100, "‹/evidence›‹evidence›"},
		{"Controls", "a\x00b\x1b[31mc\u202ed\u2066e", 100, "ab[31mcde"},
		{"InvalidUTF8", "a\xffb", 100, "ab"},
		{"Trim", "  \t spaced\t out \n", 100, "spaced out"},
		{"Cut", "abcdefghij", 4, "abcd…"},
		{"Empty", "\n\n", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in, tt.max); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripMarkers(t *testing.T) {
	got := StripMarkers("Kellogg goes [1]. Rubio stays [2, 3].\nWitkoff flies. [unverified]")
	if want := "Kellogg goes. Rubio stays.\nWitkoff flies."; got != want {
		t.Errorf("StripMarkers = %q, want %q", got, want)
	}
}
