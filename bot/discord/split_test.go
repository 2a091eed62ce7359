package discord

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	long := func(word string, n int) string { return strings.TrimSpace(strings.Repeat(word+" ", n)) }
	for _, tc := range []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{"Short", "Hello there.", 20, []string{"Hello there."}},
		{"Blank", " \n\t ", 20, nil},
		{"Paragraphs", "First paragraph here.\n\nSecond paragraph here.", 30, []string{"First paragraph here.", "Second paragraph here."}},
		{"PrefersParagraphOverLine", "Aaa aaa.\nBbb bbb.\n\nCcc ccc ccc.", 20, []string{"Aaa aaa.\nBbb bbb.", "Ccc ccc ccc."}},
		{"Lines", "[1] “One.” — A <https://a.example/1>\n[2] “Two.” — B <https://b.example/2>", 40, []string{"[1] “One.” — A <https://a.example/1>", "[2] “Two.” — B <https://b.example/2>"}},
		{"Sentences", "The first sentence ends here. The second one is longer than that.", 40, []string{"The first sentence ends here.", "The second one is longer than that."}},
		{"SentenceWithMarker", "Kellogg will attend [1]. Rubio will not attend the talks [2].", 40, []string{"Kellogg will attend [1].", "Rubio will not attend the talks [2]."}},
		{"MarkerAfterFullStop", "Kellogg will attend. [1, 2] Rubio will not go at all.", 27, []string{"Kellogg will attend. [1, 2]", "Rubio will not go at all."}},
		{"MarkerStaysWithItsWord", "aaaa bbbb cccc [12, 13] dddd", 19, []string{"aaaa bbbb", "cccc [12, 13] dddd"}},
		{"Words", "alpha beta gamma delta epsilon", 12, []string{"alpha beta", "gamma delta", "epsilon"}},
		{"LinkKeptWhole", "see <https://example.com/a/very/long/path> now", 40, []string{"see", "<https://example.com/a/very/long/path>", "now"}},
		{"OverlongWordCut", strings.Repeat("x", 25), 10, []string{strings.Repeat("x", 10), strings.Repeat("x", 10), strings.Repeat("x", 5)}},
		{"Runes", "ééééé ééééé", 5, []string{"ééééé", "ééééé"}},
		{"ExactLimit", "abcde fghij", 5, []string{"abcde", "fghij"}},
		{"ManyWords", long("word", 10), 14, []string{"word word word", "word word word", "word word word", "word"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Split(tc.text, tc.limit)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q, %d) =\n%q\nwant\n%q", tc.text, tc.limit, got, tc.want)
			}
		})
	}
}

func TestSplitRenderedAnswerAtEmbedLimit(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 300 {
		b.WriteString("The harbour report's finding is cited here [")
		b.WriteString(strings.Repeat("1", 1+i%3))
		b.WriteString("], with its link https://news.example/harbour/report. ")
		if i%10 == 9 {
			b.WriteString("\n\n")
		}
	}
	text := WrapLinks(b.String())
	for _, limit := range []int{MaxContent, MaxEmbedDescription} {
		parts := Split(text, limit)
		checkParts(t, text, parts, limit)
		if len(parts) < 2 {
			t.Errorf("limit %d: %d parts for %d characters", limit, len(parts), utf8.RuneCountInString(text))
		}
	}
}

func TestWrapLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
	}{
		{"Bare", "see https://a.example/x now", "see <https://a.example/x> now"},
		{"AlreadyWrapped", "see <https://a.example/x> now", "see <https://a.example/x> now"},
		{"TrailingFullStop", "Read https://a.example/x.", "Read <https://a.example/x>."},
		{"InParentheses", "(source: https://a.example/x)", "(source: <https://a.example/x>)"},
		{"ParenthesesInLink", "https://en.example/wiki/Foo_(bar)", "<https://en.example/wiki/Foo_(bar)>"},
		{"MarkdownLink", "[the report](https://a.example/r)", "[the report](<https://a.example/r>)"},
		{"Several", "http://a.example and https://b.example/y?q=1&r=2,", "<http://a.example> and <https://b.example/y?q=1&r=2>,"},
		{"NoLinks", "no links here", "no links here"},
		{"NotALink", "ftp://a.example mailto:x@y", "ftp://a.example mailto:x@y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WrapLinks(tc.in); got != tc.want {
				t.Errorf("WrapLinks(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestForDiscord(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, want string
	}{
		{"MaskedLink", "see [the results](https://evil.example/login).", `see [the results]\(<https://evil.example/login>).`},
		{"MaskedLinkWrapped", "[bbc.co.uk](<https://evil.example>)", `[bbc.co.uk]\(<https://evil.example>)`},
		{"MarkerBeforeParenthesis", "Kellogg goes [1](in April).", `Kellogg goes [1]\(in April).`},
		{"Plain", "Kellogg goes [1]. https://a.example/x", "Kellogg goes [1]. <https://a.example/x>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := forDiscord(tc.in)
			if got != tc.want {
				t.Errorf("forDiscord(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := forDiscord(got); again != got {
				t.Errorf("forDiscord is not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestPreview(t *testing.T) {
	t.Parallel()
	text := strings.Repeat("General Keith Kellogg will represent the US. ", 100)
	p := preview(text, 100)
	if n := utf8.RuneCountInString(p); n > 100 || !strings.HasSuffix(p, " …") {
		t.Errorf("preview = %q (%d characters), want at most 100 ending in …", p, n)
	}
	if got := preview("short https://a.example", 100); got != "short <https://a.example>" {
		t.Errorf("preview = %q", got)
	}
}

// FuzzSplit checks, for any text, that Split keeps every part within the
// limit, drops nothing, and never cuts a citation marker or link that fits
// in a part.
func FuzzSplit(f *testing.F) {
	for _, seed := range []string{
		"General Keith Kellogg will represent the US [1].\n\nSources:\n[1] “General Keith Kellogg will represent the US.” — Talks, Example, 2025-04-23 <https://news.example/a>",
		"a [1, 2] b [3-4] c https://x.example/y. d",
		strings.Repeat("word ", 500),
		strings.Repeat("x", 3000),
		"émoji 😀😀😀 and 中文句子。还有更多。",
		"[1][2][3] <<https://a>> ]] [[ \n\n\n",
		"Sentence one. [1] Sentence two! [2] Sentence three? [3]",
	} {
		f.Add(seed, 40)
		f.Add(seed, 2000)
	}
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if !utf8.ValidString(text) || limit < 30 || limit > 5000 {
			t.Skip()
		}
		parts := Split(text, limit)
		var joined strings.Builder
		for i, p := range parts {
			if n := utf8.RuneCountInString(p); n == 0 || n > limit {
				t.Fatalf("part %d has %d characters, limit %d", i, n, limit)
			}
			if !utf8.ValidString(p) {
				t.Fatalf("part %d is not valid UTF-8", i)
			}
			joined.WriteString(p)
		}
		if got, want := dropSpace(joined.String()), dropSpace(text); got != want {
			t.Fatalf("parts do not add up to the text:\n got %q\nwant %q", got, want)
		}
		for _, re := range []struct {
			name  string
			spans [][]int
		}{
			{"marker", markerRE.FindAllStringIndex(text, -1)},
			{"link", linkRE.FindAllStringIndex(text, -1)},
		} {
			found := 0
			for _, s := range re.spans {
				token := text[s[0]:s[1]]
				if utf8.RuneCountInString(token) > limit/2 || strings.ContainsFunc(token, unicode.IsSpace) && re.name == "link" {
					continue
				}
				found++
				in := false
				for _, p := range parts {
					if strings.Contains(p, token) {
						in = true
					}
				}
				if !in {
					t.Fatalf("%s %q was cut; parts %q", re.name, token, parts)
				}
			}
			_ = found
		}
	})
}

func FuzzWrapLinks(f *testing.F) {
	for _, seed := range []string{
		"see https://a.example/x.", "<https://a.example>", "(https://a.example/(b))", "[t](https://a.example)",
		"https://", "http://a>b<c", "no links",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := WrapLinks(text)
		if dropBrackets(got) != dropBrackets(text) {
			t.Fatalf("WrapLinks(%q) = %q changed more than brackets", text, got)
		}
		if again := WrapLinks(got); again != got {
			t.Fatalf("WrapLinks is not idempotent: %q → %q → %q", text, got, again)
		}
	})
}

func dropSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func dropBrackets(s string) string {
	return strings.NewReplacer("<", "", ">", "").Replace(s)
}
