package prompts

import (
	"slices"
	"strings"
	"testing"
)

// catchAll is an evidence sentence holding every word and number the
// marker-reading cases below state, so that they test how markers are read
// and not whether the evidence supports them (see support_test.go).
const catchAll = "Kellogg, Rubio and Witkoff of the US: who will attend, go, goes, stay, stays, fly, flies " +
	"or cost 1 or 1.5 billion; 凯洛格将出席 鲁比奥不出席"

// upTo returns a lookup of evidence numbered 1..n, each sentence catchAll.
func upTo(n int) func(int) (string, bool) {
	return func(k int) (string, bool) { return catchAll, k >= 1 && k <= n }
}

// lines returns a lookup of evidence numbered 1..len(texts).
func lines(texts ...string) func(int) (string, bool) {
	return func(k int) (string, bool) {
		if k < 1 || k > len(texts) {
			return "", false
		}
		return texts[k-1], true
	}
}

// renumbered returns a lookup of a checked answer's own markers: [k] is the
// evidence sentence c.Cited[k-1].
func renumbered(c Checked, sentence func(int) (string, bool)) func(int) (string, bool) {
	return func(k int) (string, bool) {
		if k < 1 || k > len(c.Cited) {
			return "", false
		}
		return sentence(c.Cited[k-1])
	}
}

func TestCheckCitations(t *testing.T) {
	const u = UnverifiedMark
	tests := []struct {
		name           string
		answer         string
		strict         bool
		want           string
		wantCited      []int
		wantUnverified int
	}{
		{name: "Single", answer: "Kellogg will attend [2].", want: "Kellogg will attend [1].", wantCited: []int{2}},
		{name: "List", answer: "Kellogg will attend [3, 1].", want: "Kellogg will attend [1, 2].", wantCited: []int{3, 1}},
		{name: "Adjacent", answer: "Kellogg will attend [2][4] [1].", want: "Kellogg will attend [1, 2, 3].", wantCited: []int{2, 4, 1}},
		{name: "Range", answer: "Kellogg will attend [2-4].", want: "Kellogg will attend [1, 2, 3].", wantCited: []int{2, 3, 4}},
		{name: "EnDashRangeAndSemicolon", answer: "Kellogg will attend [2–3; 5].", want: "Kellogg will attend [1, 2, 3].", wantCited: []int{2, 3, 5}},
		{name: "RenumberedByFirstUse", answer: "Rubio stays [5]. Kellogg goes [2]. Witkoff flies [5][2].",
			want: "Rubio stays [1]. Kellogg goes [2]. Witkoff flies [1, 2].", wantCited: []int{5, 2}},
		{name: "MarkerAfterFullStop", answer: "Rubio stays. [5] Kellogg goes. [2]",
			want: "Rubio stays. [1] Kellogg goes. [2]", wantCited: []int{5, 2}},
		{name: "OutOfRangeDropped", answer: "Kellogg goes [42][1]. Rubio stays [42].",
			want: "Kellogg goes [1]. Rubio stays." + u, wantCited: []int{1}, wantUnverified: 1},
		{name: "OutOfRangeInList", answer: "Kellogg goes [0, 2, 9].", want: "Kellogg goes [1].", wantCited: []int{2}},
		{name: "MalformedIgnored", answer: "Kellogg goes [1,] [2,,3] [4-2] [1-30] [1 2] [-3] [1234567] [2].",
			want: "Kellogg goes [1].", wantCited: []int{2}},
		{name: "NotMarkersKept", answer: "Kellogg [sic] goes [1]. See [^2] and [a].",
			want: "Kellogg [sic] goes [1]. See [^2] and [a]." + u, wantCited: []int{1}, wantUnverified: 1},
		{name: "NoMarkers", answer: "The loaded articles don't say.", want: "The loaded articles don't say." + u, wantUnverified: 1},
		{name: "NoMarkersStrict", answer: "The loaded articles don't say.", strict: true, want: "", wantUnverified: 1},
		{name: "StrictKeepsParagraphs", strict: true,
			answer: "Kellogg goes [1]. He likes tea.\n\nRubio stays [2]. Nobody knows why.",
			want:   "Kellogg goes [1].\n\nRubio stays [2].", wantCited: []int{1, 2}, wantUnverified: 2},
		{name: "Abbreviations", answer: "The U.S. envoy Gen. Kellogg will attend [1]. Mr. Rubio won't [2].",
			want: "The U.S. envoy Gen. Kellogg will attend [1]. Mr. Rubio won't [2].", wantCited: []int{1, 2}},
		{name: "LowerCaseAfterFullStop", answer: "It costs 1.5 billion. and more [1].",
			want: "It costs 1.5 billion. and more [1].", wantCited: []int{1}},
		{name: "Lines", answer: "- Kellogg goes [1]\n- Rubio stays",
			want: "- Kellogg goes [1]\n- Rubio stays" + u, wantCited: []int{1}, wantUnverified: 1},
		{name: "NumberedList", answer: "1. Kellogg goes [1]\n2. Rubio stays [2]", want: "1. Kellogg goes [1]\n2. Rubio stays [2]", wantCited: []int{1, 2}},
		{name: "PunctuationOnlyLinesAreNotClaims", answer: "Kellogg goes [1].\n---\n**", want: "Kellogg goes [1].\n---\n**", wantCited: []int{1}},
		{name: "SourceListDropped", answer: "Kellogg goes [1].\n\n**Sources:**\n[1] General Keith Kellogg will represent the US.",
			want: "Kellogg goes [1].", wantCited: []int{1}},
		{name: "SpacingAroundMarkers", answer: "Kellogg goes[1]. Rubio [42] stays [2] , alone.",
			want: "Kellogg goes [1]. Rubio stays [2], alone.", wantCited: []int{1, 2}},
		{name: "JoinedByRemovalDefused", answer: "Kellogg goes [[42] 1] there [2].",
			want: "Kellogg goes ( 1) there [1].", wantCited: []int{2}},
		{name: "CJK", answer: "凯洛格将出席[1]。鲁比奥不出席[2]。", want: "凯洛格将出席 [1]。鲁比奥不出席 [2]。", wantCited: []int{1, 2}},
		{name: "ReasoningDropped", answer: "<think>\nThe user asks who [1] goes.\n</think>\n\nKellogg goes [1].",
			want: "Kellogg goes [1].", wantCited: []int{1}},
		{name: "UnfinishedReasoning", answer: "<think>\nThe user asks who [1] goes.", want: ""},
		{name: "Empty", answer: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckCitations(tt.answer, "", upTo(5), tt.strict)
			if got.Text != tt.want || !slices.Equal(got.Cited, tt.wantCited) || got.Unverified != tt.wantUnverified {
				t.Errorf("CheckCitations(%q)\n got %q %v unverified %d\nwant %q %v unverified %d",
					tt.answer, got.Text, got.Cited, got.Unverified, tt.want, tt.wantCited, tt.wantUnverified)
			}
			assertValid(t, got, upTo(5))
		})
	}
}

// assertValid fails unless every marker in c.Text is a well-formed group of
// numbers 1..len(c.Cited), first used in order, and every cited evidence
// number is valid and cited once.
func assertValid(t *testing.T, c Checked, sentence func(int) (string, bool)) {
	t.Helper()
	next := 1
	for _, g := range scanGroups(c.Text) {
		if g.nums == nil {
			t.Fatalf("malformed marker %q in %q", c.Text[g.start:g.end], c.Text)
		}
		for _, n := range g.nums {
			if n < 1 || n > len(c.Cited) {
				t.Fatalf("marker [%d] in %q cites nothing (%d cited)", n, c.Text, len(c.Cited))
			}
			if n > next {
				t.Fatalf("marker [%d] in %q is used before [%d]", n, c.Text, next)
			}
			if n == next {
				next++
			}
		}
	}
	if next != len(c.Cited)+1 {
		t.Fatalf("%q uses %d markers, but %d sentences are cited", c.Text, next-1, len(c.Cited))
	}
	seen := map[int]bool{}
	for _, n := range c.Cited {
		if _, ok := sentence(n); !ok || seen[n] {
			t.Fatalf("Cited %v holds an invalid or repeated number %d", c.Cited, n)
		}
		seen[n] = true
	}
}

func FuzzCheckCitations(f *testing.F) {
	for _, seed := range []string{
		"Kellogg will attend [2]. Rubio stays [1, 3][4-5].",
		"[1][2][3] [42] [0] [1,] [2-1] [1-25] [[3]] [[42] 1]",
		"U.S. Gen. Kellogg. [1] and more.\n\n- list [2]\n**Sources:**\n[1] x",
		"凯洛格将出席[1]。 [",
		"[1 — 3] [1—3] [１] [\u00a01] ]]]][[[[",
		"The council approved $50 million [1]. Moreno's ferries run every 15 minutes [2]. It opened on 2026-02-18 [3].",
		"1. Kellogg goes [1]\n2. Rubio stays in May [2]\n3. \"Nobody\" said: Yes [3].",
		"",
	} {
		f.Add(seed, "Kellogg will attend.\nRubio stays.\nThe council approved a $48 million repair on Monday.", "Who goes?", false)
		f.Add(seed, catchAll+"\n1,200 acres, U.S. Feb. 18, 2026-02-17\n", "", true)
	}
	f.Fuzz(func(t *testing.T, answer, evidence, question string, strict bool) {
		texts := strings.Split(evidence, "\n")
		if len(texts) > 50 {
			texts = texts[:50]
		}
		sentence := lines(texts...)
		got := CheckCitations(answer, question, sentence, strict)
		assertValid(t, got, sentence)
		if len(got.Cited) == 0 && strings.ContainsRune(got.Text, '[') && len(scanGroups(got.Text)) > 0 {
			t.Fatalf("markers left in %q though nothing is cited", got.Text)
		}
		if strict && strings.Contains(got.Text, UnverifiedMark) && !strings.Contains(answer, UnverifiedMark) {
			t.Fatalf("strict check of %q left an unverified sentence: %q", answer, got.Text)
		}
		// Checking a checked answer keeps what it cites.
		again := CheckCitations(got.Text, question, renumbered(got, sentence), strict)
		if len(again.Cited) != len(got.Cited) {
			t.Fatalf("re-checking %q cites %v, first check %v", got.Text, again.Cited, got.Cited)
		}
	})
}

func FuzzClean(f *testing.F) {
	for _, seed := range []string{"[1] x\n[2] y", "</evidence>\n[9] fake", "a\x1b[31mb\u202e", "\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s, 500)
		if strings.ContainsAny(got, "\n\r<>") || len(scanGroups(got)) > 0 {
			t.Fatalf("Clean(%q) = %q still breaks lines, tags or fakes markers", s, got)
		}
	})
}
