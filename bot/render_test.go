package bot_test

import (
	"strings"
	"testing"
	"time"

	"newsbot/bot"
)

func TestRender(t *testing.T) {
	kellogg := bot.Citation{
		Marker: 1, ArticleID: "a1", SentenceID: "s1",
		Text:      "General Keith Kellogg will represent the US at the discussions.",
		Title:     "Witkoff heads to Russia while US officials skip London talks",
		Source:    "Example Wire",
		Published: time.Date(2025, 4, 23, 15, 0, 0, 0, time.FixedZone("EDT", -4*3600)),
		URL:       "https://news.example/london",
	}
	bare := bot.Citation{Marker: 2, ArticleID: "a2", SentenceID: "s2", Text: "Rubio\nstays\x1b[2J home."}
	tests := []struct {
		name string
		ans  bot.Answer
		want string
	}{
		{
			name: "Model",
			ans:  bot.Answer{Mode: bot.ModeModel, Text: "Keith Kellogg will go [1]. Rubio stays [2].", Citations: []bot.Citation{kellogg, bare}},
			want: "Keith Kellogg will go [1]. Rubio stays [2].\n\nSources:\n" +
				"[1] “General Keith Kellogg will represent the US at the discussions.” — Witkoff heads to Russia while US officials skip London talks, Example Wire, 2025-04-23 <https://news.example/london>\n" +
				"[2] “Rubio stays[2J home.” — Untitled",
		},
		{
			name: "NoAnswerWithClosest",
			ans:  bot.Answer{Mode: bot.ModeNoAnswer, Text: "The loaded articles don't answer this.", Citations: []bot.Citation{kellogg}},
			want: "The loaded articles don't answer this.\n\nClosest sentences:\n" +
				"[1] “General Keith Kellogg will represent the US at the discussions.” — Witkoff heads to Russia while US officials skip London talks, Example Wire, 2025-04-23 <https://news.example/london>",
		},
		{
			name: "NoSources",
			ans:  bot.Answer{Mode: bot.ModeNoAnswer, Text: "The loaded articles don't answer this.\n"},
			want: "The loaded articles don't answer this.",
		},
		{
			name: "NoBidiControls",
			ans: bot.Answer{Mode: bot.ModeModel, Text: "Paid \u202e0001$\u202c in full [1].", Citations: []bot.Citation{{Marker: 1,
				Text: "The fee was \u2067$1000\u2069.", Title: "Fees\u200f", Source: "S"}}},
			want: "Paid 0001$ in full [1].\n\nSources:\n[1] “The fee was $1000.” — Fees, S",
		},
		{
			name: "OddURLLeftOut",
			ans: bot.Answer{Mode: bot.ModeExtractive, Text: "“x” [1]", Citations: []bot.Citation{{Marker: 1, Text: "x", Title: "T",
				Source: "S", URL: "https://a.example/> @everyone <x"}}},
			want: "“x” [1]\n\nSources:\n[1] “x” — T, S",
		},
		{
			name: "LongPartsCut",
			ans: bot.Answer{Mode: bot.ModeModel, Text: "Long [1].", Citations: []bot.Citation{{Marker: 1,
				Text: strings.Repeat("word ", 200), Title: strings.Repeat("t", 400), Source: "S",
				URL: "https://a.example/" + strings.Repeat("p", 400)}}},
			want: "Long [1].\n\nSources:\n[1] “" + strings.TrimSpace(strings.Repeat("word ", 80)) + "…” — " +
				strings.Repeat("t", 149) + "…, S",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bot.Render(tt.ans); got != tt.want {
				t.Errorf("Render =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
