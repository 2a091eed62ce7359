package sentences

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestStrings(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"Empty", "", []string{}},
		{"OnlySpace", " \n\t \u00a0\n", []string{}},
		{"OneNoStop", "  no full stop here  ", []string{"no full stop here"}},
		{"Simple", "One. Two! Three? Four.", []string{"One.", "Two!", "Three?", "Four."}},
		{"CountryAbbreviation", "The U.S. Senate voted. Officials in the U.K. agreed.",
			[]string{"The U.S. Senate voted.", "Officials in the U.K. agreed."}},
		{"CountryAbbreviationEndsSentence", "Sanctions hit the U.S. The move angered Beijing.",
			[]string{"Sanctions hit the U.S.", "The move angered Beijing."}},
		{"USBeforeTitle", "U.S. Sen. Lindsey Graham and U.S. Rep. Nancy Mace spoke.",
			[]string{"U.S. Sen. Lindsey Graham and U.S. Rep. Nancy Mace spoke."}},
		{"Titles", "Gen. Keith Kellogg met Gov. Kathy Hochul. Mr. Smith and Mrs. Jones came. Ms. Lee and Dr. Patel left.",
			[]string{"Gen. Keith Kellogg met Gov. Kathy Hochul.", "Mr. Smith and Mrs. Jones came.", "Ms. Lee and Dr. Patel left."}},
		{"Saint", "They prayed at St. Paul's Cathedral. It was full.",
			[]string{"They prayed at St. Paul's Cathedral.", "It was full."}},
		{"Months", "The vote is on Jan. 20. Talks began Dec. 3, 2024, in Paris.",
			[]string{"The vote is on Jan. 20.", "Talks began Dec. 3, 2024, in Paris."}},
		{"MonthEndsSentence", "It happened in Sept. The next month was calm.",
			[]string{"It happened in Sept.", "The next month was calm."}},
		{"Times", "The meeting starts at 10 a.m. Eastern and ends at 4 p.m. on Friday. It was short.",
			[]string{"The meeting starts at 10 a.m. Eastern and ends at 4 p.m. on Friday.", "It was short."}},
		{"TimeEndsSentence", "They met at 9 a.m. The talks lasted hours.",
			[]string{"They met at 9 a.m.", "The talks lasted hours."}},
		{"Companies", "Apple Inc. said sales rose. Shares of Microsoft Corp. fell. He works for Acme Ltd. The firm grew.",
			[]string{"Apple Inc. said sales rose.", "Shares of Microsoft Corp. fell.", "He works for Acme Ltd.", "The firm grew."}},
		{"CompanyBeforeName", "Apple Inc. CEO Tim Cook spoke.", []string{"Apple Inc. CEO Tim Cook spoke."}},
		{"NumberAbbreviation", "He is ranked No. 1 in the world. No. That was wrong.",
			[]string{"He is ranked No. 1 in the world.", "No.", "That was wrong."}},
		{"Latin", "Fruit, e.g. apples, and nuts, i.e. almonds, etc. are sold. Pears vs. Apples is a game.",
			[]string{"Fruit, e.g. apples, and nuts, i.e. almonds, etc. are sold.", "Pears vs. Apples is a game."}},
		{"EtcEndsSentence", "They sold apples, pears, etc. The stall closed.",
			[]string{"They sold apples, pears, etc.", "The stall closed."}},
		{"Initials", "J. R. R. Tolkien wrote it. George W. Bush read it.",
			[]string{"J. R. R. Tolkien wrote it.", "George W. Bush read it."}},
		{"RomanNumeralEnds", "It began after World War I. The peace was short.",
			[]string{"It began after World War I.", "The peace was short."}},
		{"Decimals", "The deal is worth $1.5 billion. Prices rose 3.5% in May. The rate is .25 points.",
			[]string{"The deal is worth $1.5 billion.", "Prices rose 3.5% in May.", "The rate is .25 points."}},
		{"YearEnds", "It was annexed in 2014. Since then talks stalled.",
			[]string{"It was annexed in 2014.", "Since then talks stalled."}},
		{"QuoteEnds", `He said "we will win." Then he left.`,
			[]string{`He said "we will win."`, "Then he left."}},
		{"CurlyQuotes", "“Are we safe?” The crowd roared. ‘Never!’ She laughed.",
			[]string{"“Are we safe?”", "The crowd roared.", "‘Never!’", "She laughed."}},
		{"SingleQuoteEnds", "He called it 'reality on the ground.' Moscow agreed.",
			[]string{"He called it 'reality on the ground.'", "Moscow agreed."}},
		{"QuoteThenSaid", `"Why now?" he asked. "Because," she said, "it's time!" They left.`,
			[]string{`"Why now?" he asked.`, `"Because," she said, "it's time!"`, "They left."}},
		{"Parenthesis", "The talks failed (again.) A new round is due. It (the plan) works.",
			[]string{"The talks failed (again.)", "A new round is due.", "It (the plan) works."}},
		{"Ellipsis", "Wait... what happened? Then... Nothing. Well… Maybe later… or not.",
			[]string{"Wait... what happened?", "Then...", "Nothing.", "Well…", "Maybe later… or not."}},
		{"SpacedEllipsis", "He paused . . . and went on. Done.", []string{"He paused . . . and went on.", "Done."}},
		{"Exclamations", "Stop!! Really?! Yes.", []string{"Stop!!", "Really?!", "Yes."}},
		{"Lowercase after stop", "The ratio fell to 3. then it rose.", []string{"The ratio fell to 3. then it rose."}},
		{"Web", "See example.com. Or U.S.-led talks at www.cnn.com today.",
			[]string{"See example.com.", "Or U.S.-led talks at www.cnn.com today."}},
		{"DatelineDash", "WASHINGTON (Reuters) - The U.S. Senate passed the bill. It goes to the House.",
			[]string{"WASHINGTON (Reuters) - The U.S. Senate passed the bill.", "It goes to the House."}},
		{"DatelineOwnLine", "WASHINGTON (Reuters) -\nThe Senate passed the bill on Tuesday.",
			[]string{"WASHINGTON (Reuters) -\nThe Senate passed the bill on Tuesday."}},
		{"DatelineEmDash", "LONDON —\nTalks opened on Wednesday.", []string{"LONDON —\nTalks opened on Wednesday."}},
		{"CNN", "(CNN) -- Air New Zealand's latest video is a hit. It was shot in the Cook Islands.",
			[]string{"(CNN) -- Air New Zealand's latest video is a hit.", "It was shot in the Cook Islands."}},
		{"HeadingNoStop", "Witkoff heads to Russia while US officials skip London talks\nOn April 23, 2025, Rubio withdrew.",
			[]string{"Witkoff heads to Russia while US officials skip London talks", "On April 23, 2025, Rubio withdrew."}},
		{"Bullets", "Key points\n- Rubio will not attend.\n- Kellogg will represent the US\n* Talks go on\n• Putin meets Witkoff\nBody text starts here.",
			[]string{"Key points", "- Rubio will not attend.", "- Kellogg will represent the US", "* Talks go on", "• Putin meets Witkoff", "Body text starts here."}},
		{"BulletWrapped", "- a bullet that wraps\n  onto the next line\n- next", []string{"- a bullet that wraps\n  onto the next line", "- next"}},
		{"NumberedList", "Steps:\n1. Open the file.\n2. Read it.", []string{"Steps:", "1. Open the file.", "2. Read it."}},
		{"MarkdownHeading", "# Talks in London\nThe talks began.\n## Reaction\nMoscow said little",
			[]string{"# Talks in London", "The talks began.", "## Reaction", "Moscow said little"}},
		{"BlankLineEnds", "First paragraph without stop\n\nSecond paragraph", []string{"First paragraph without stop", "Second paragraph"}},
		{"BlankLineWithSpaces", "A line of prose that is long and keeps going and going on and on\n  \t\nNext", []string{"A line of prose that is long and keeps going and going on and on", "Next"}},
		{"WrappedProse", "The talks will include officials from\nFrance and Germany, who back Ukraine.\nThey meet on Monday.",
			[]string{"The talks will include officials from\nFrance and Germany, who back Ukraine.", "They meet on Monday."}},
		{"WrappedLowercase", "The president spoke on Monday\nabout the talks. Then he left.",
			[]string{"The president spoke on Monday\nabout the talks.", "Then he left."}},
		{"WrappedMidSentence", "He said so. The president spoke at length on Monday\nWashington listened.",
			[]string{"He said so.", "The president spoke at length on Monday\nWashington listened."}},
		{"LineEndsWithAbbreviation", "He moved to the U.S.\nThe family followed.", []string{"He moved to the U.S.", "The family followed."}},
		{"LineEndsWithTitle", "He met with Dr.\nSmith on Monday.", []string{"He met with Dr.\nSmith on Monday."}},
		{"CRLF", "Title line\r\nFirst sentence. Second.\r\n\r\nThird", []string{"Title line", "First sentence.", "Second.", "Third"}},
		{"Unicode", "Ça va. Él dijo «no.» Über alles.", []string{"Ça va.", "Él dijo «no.»", "Über alles."}},
		{"NBSP", "One.\u00a0Two.", []string{"One.", "Two."}},
		{"TrailingPunctuationOnly", "...", []string{"..."}},
		{"Emoji", "Great news 🎉. More soon!", []string{"Great news 🎉.", "More soon!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Strings(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Strings(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
			checkCover(t, tt.text, Split(tt.text))
		})
	}
}

// TestSampleArticle splits the shipped-format sample: title, key points, body.
func TestSampleArticle(t *testing.T) {
	text := "Witkoff heads to Russia while US officials skip London talks\n" +
		"- US Secretary of State Marco Rubio and special envoy Steve Witkoff will not attend the Ukraine talks in London due to scheduling conflicts.\n" +
		"- General Keith Kellogg will represent the US at the discussions, which include officials from the UK, France, and Germany advocating support for Ukraine.\n" +
		"On April 23, 2025, US Secretary of State Marco Rubio and US special envoy Steve Witkoff withdrew from participating in discussions regarding Ukraine, scheduled to take place in London. " +
		"General Keith Kellogg will represent the US instead at the talks, which will include UK, French, and German officials advocating for ongoing military support for Ukraine. " +
		"The insistence on acknowledging 'reality on the ground' as a precondition for peace talks emphasizes the ongoing tensions."
	got := Strings(text)
	if len(got) != 6 {
		t.Fatalf("got %d sentences, want 6: %q", len(got), got)
	}
	if got[0] != "Witkoff heads to Russia while US officials skip London talks" {
		t.Errorf("title = %q", got[0])
	}
	if want := "General Keith Kellogg will represent the US instead at the talks, which will include UK, French, and German officials advocating for ongoing military support for Ukraine."; got[4] != want {
		t.Errorf("sentence 4 = %q, want %q", got[4], want)
	}
}

// checkCover asserts the coverage invariant of Split.
func checkCover(t *testing.T, text string, spans []Span) {
	t.Helper()
	prev := 0
	for i, sp := range spans {
		if sp.Start < prev || sp.End <= sp.Start || sp.End > len(text) {
			t.Fatalf("span %d %v out of order or empty (prev end %d, len %d)", i, sp, prev, len(text))
		}
		if gap := text[prev:sp.Start]; !allSpace(gap) {
			t.Fatalf("non-space %q before span %d", gap, i)
		}
		s := text[sp.Start:sp.End]
		if strings.TrimFunc(s, unicode.IsSpace) != s {
			t.Fatalf("span %d %q has leading or trailing space", i, s)
		}
		prev = sp.End
	}
	if gap := text[prev:]; !allSpace(gap) {
		t.Fatalf("non-space %q after last span", gap)
	}
}

func allSpace(s string) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 || !unicode.IsSpace(r) {
			return false
		}
		s = s[n:]
	}
	return true
}

func FuzzSplit(f *testing.F) {
	seeds := []string{
		"", " ", "\n\n", "One. Two.", "U.S. Sen. Smith", "$1.5 billion. Next.",
		"He said \"no.\" Then left.", "Wait... what? Yes… No.", "- a\n* b\n• c\n",
		"WASHINGTON (Reuters) -\nThe Senate", "Title\nBody.\r\n\r\nMore", "\xe2\x80", "a.\xe2",
		"1. one\n2. two", "“Hi!” ‘Bye.’ «Oui.»", ". . .", "e.g. i.e. vs. etc.", "\u00a0.\u2028x",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkCover(t, text, Split(text))
	})
}
