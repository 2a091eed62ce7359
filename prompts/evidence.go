package prompts

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newsbot/knowledge"
)

// DefaultEvidenceChars is the evidence budget NewEvidence uses when given
// none: about 2,000 tokens, which leaves room for the instructions and the
// answer in a model with a 4,096-token window.
const DefaultEvidenceChars = 8000

// maxSentenceRunes bounds one evidence sentence in a prompt; longer ones are
// cut with "…" (a citation still quotes the whole stored sentence).
const maxSentenceRunes = 600

// Source is one numbered evidence sentence: what marker [Marker] stands for.
type Source struct {
	Marker   int
	Article  knowledge.Article
	Sentence knowledge.Sentence
	// Rank is the rank of the passage the sentence came from, 0 for the best.
	Rank int
	// Matched reports whether the sentence matched the search, rather
	// than being a neighbour of one that did.
	Matched bool
}

// Evidence is the numbered sentences a prompt shows the model.
type Evidence struct {
	// Sources holds the sentences in marker order: Sources[n-1] is [n].
	Sources []Source
	// Chars is the evidence's size, as counted against the budget.
	Chars    int
	articles []EvidenceArticle
}

// NewEvidence numbers the sentences of passages (ranked best first) for a
// prompt, keeping their rendered size within budget characters
// (DefaultEvidenceChars when budget ≤ 0). The matched sentences of every
// passage come first, then their neighbours, best passage first; sentences
// that would overflow the budget are left out. Sentences are grouped by
// article, in order of each article's best passage, and numbered in the
// order the prompt shows them, article order within an article.
func NewEvidence(passages []knowledge.Passage, budget int) Evidence {
	if budget <= 0 {
		budget = DefaultEvidenceChars
	}
	type group struct {
		article knowledge.Article
		sources []Source
		texts   map[string]string // cleaned text by sentence ID
	}
	var groups []*group
	byArticle := map[string]*group{}
	seen := map[string]bool{}
	used := 0
	add := func(a knowledge.Article, s knowledge.Sentence, rank int, matched bool) {
		if seen[s.ID] {
			return
		}
		text := Clean(s.Text, maxSentenceRunes)
		if text == "" {
			seen[s.ID] = true
			return
		}
		cost := utf8.RuneCountInString(text) + len("[00] \n")
		g := byArticle[a.ID]
		if g == nil {
			cost += headerCost(a)
		}
		if used+cost > budget {
			return
		}
		seen[s.ID] = true
		used += cost
		if g == nil {
			g = &group{article: a, texts: map[string]string{}}
			byArticle[a.ID] = g
			groups = append(groups, g)
		}
		g.sources = append(g.sources, Source{Article: a, Sentence: s, Rank: rank, Matched: matched})
		g.texts[s.ID] = text
	}
	for rank, p := range passages {
		for _, s := range p.Sentences {
			if slices.Contains(p.Matched, s.ID) {
				add(p.Article, s, rank, true)
			}
		}
	}
	for rank, p := range passages {
		for _, s := range p.Sentences {
			add(p.Article, s, rank, false)
		}
	}

	ev := Evidence{Chars: used}
	for _, g := range groups {
		slices.SortStableFunc(g.sources, func(x, y Source) int { return x.Sentence.Position - y.Sentence.Position })
		ea := EvidenceArticle{
			Title:  Clean(g.article.Title, maxTitleRunes),
			Source: Clean(g.article.Source, maxTitleRunes),
			Date:   date(g.article.Published),
			URL:    Clean(g.article.URL, maxTitleRunes),
		}
		for _, src := range g.sources {
			src.Marker = len(ev.Sources) + 1
			ev.Sources = append(ev.Sources, src)
			ea.Lines = append(ea.Lines, EvidenceLine{Marker: src.Marker, Text: g.texts[src.Sentence.ID]})
		}
		ev.articles = append(ev.articles, ea)
	}
	return ev
}

// maxTitleRunes bounds an article's title, source or URL in a prompt.
const maxTitleRunes = 300

func headerCost(a knowledge.Article) int {
	return len("\nArticle:  | Source:  | Published: 2006-01-02\n") +
		min(utf8.RuneCountInString(a.Title), maxTitleRunes) +
		min(utf8.RuneCountInString(a.Source), maxTitleRunes)
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// Clean neutralises untrusted text (an article's sentence or title, a
// question, an earlier answer) for a prompt: every run of white space,
// line breaks included, becomes one space; control and bidirectional
// formatting characters are dropped; < and > become ‹ and ›, so the text can't
// open or close a block; anything that reads as a citation marker, such as
// [3] or [1-2], becomes (3) or (1-2); and text longer than maxRunes runes is
// cut, ending with "…".
func Clean(s string, maxRunes int) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), isBidiControl(r), r == utf8.RuneError:
			continue
		case r == '<':
			r = '‹'
		case r == '>':
			r = '›'
		}
		if n >= maxRunes {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
			n++
		}
		b.WriteRune(r)
		n++
	}
	return defuse(b.String())
}

// isBidiControl reports whether r reorders the display of text around it.
func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069')
}

// defuse turns every citation-like bracket group in s into parentheses.
func defuse(s string) string {
	groups := scanGroups(s)
	if len(groups) == 0 {
		return s
	}
	b := []byte(s)
	for _, g := range groups {
		b[g.start] = '('
		b[g.end-1] = ')'
	}
	return string(b)
}

// StripMarkers removes citation markers and unverified marks from an answer,
// for showing it to a model again as conversation history.
func StripMarkers(s string) string {
	s = strings.ReplaceAll(s, UnverifiedMark, "")
	groups := scanGroups(s)
	if len(groups) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, g := range groups {
		b.WriteString(strings.TrimRight(s[last:g.start], " \t"))
		last = g.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// samplePassages is evidence for checking that templates render.
func samplePassages() []knowledge.Passage {
	a := knowledge.Article{ID: "sample", Title: "Sample article", Source: "sample.txt",
		Published: time.Date(2025, 4, 23, 0, 0, 0, 0, time.UTC), URL: "https://example.com/sample"}
	return []knowledge.Passage{{
		Article:   a,
		Sentences: []knowledge.Sentence{{ID: "s1", ArticleID: a.ID, Text: "A sample sentence."}},
		Matched:   []string{"s1"},
	}}
}
