package discord

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"newsbot/bot"
)

func TestSourceEmbedsKeepEveryCitationWithinLimits(t *testing.T) {
	long := strings.Repeat("The harbour council's report goes on at great length about dredging. ", 40)
	for _, tc := range []struct {
		name  string
		count int
		text  string
		quote bool
	}{
		{"OneShort", 1, "The harbour opened.", true},
		{"ManyLong", 80, long, true},
		{"ManyWithoutQuotes", 200, long, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cites []bot.Citation
			for i := 1; i <= tc.count; i++ {
				cites = append(cites, bot.Citation{
					Marker: i, Text: tc.text, Title: strings.Repeat("Harbour report ", 30), Source: "Port Gazette",
					URL: fmt.Sprintf("https://news.example/harbour/%d?a=(b)", i), Published: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
				})
			}
			embeds := sourceEmbeds(sourcesTitle, cites, tc.quote)
			var entries []string
			for _, e := range embeds {
				total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
				if n := utf8.RuneCountInString(e.Description); n > MaxEmbedDescription || total > MaxEmbedTotal || utf8.RuneCountInString(e.Title) > MaxEmbedTitle {
					t.Errorf("embed %q: description %d, total %d characters", e.Title, n, total)
				}
				entries = append(entries, strings.Split(e.Description, "\n")...)
			}
			if len(entries) != tc.count {
				t.Fatalf("%d entries in %d embeds, want %d", len(entries), len(embeds), tc.count)
			}
			for i, entry := range entries {
				if !strings.HasPrefix(entry, fmt.Sprintf("**[%d]** ", i+1)) {
					t.Errorf("entry %d = %.40q…, want marker %d", i, entry, i+1)
				}
				if !strings.Contains(entry, fmt.Sprintf("](https://news.example/harbour/%d?a=%%28b%%29) · Port Gazette · 2025-03-01", i+1)) {
					t.Errorf("entry %d = %q, want the title linked to the escaped URL, with source and date", i, entry)
				}
				if strings.Contains(entry, "“") != tc.quote {
					t.Errorf("entry %d = %q, quote shown: %v, want %v", i, entry, !tc.quote, tc.quote)
				}
			}
		})
	}
}

func TestSourceEntryShowsArticleTextAsText(t *testing.T) {
	c := bot.Citation{
		Marker: 2, Text: "Officials told @everyone and <@&555> to *read* [this](https://evil.example) now.",
		Title: "Harbour | vote_results", Source: "`Gazette`", URL: "javascript:alert(1)",
	}
	got := sourceEntry(c, true)
	want := "**[2]** “Officials told @\u200beveryone and \\<@\u200b&555\\> to \\*read\\* \\[this\\](https://evil.example) now.” — **Harbour \\| vote\\_results** · \\`Gazette\\`"
	if got != want {
		t.Errorf("sourceEntry = %q\nwant           %q", got, want)
	}
}

func TestAnswerResponseLayout(t *testing.T) {
	a := bot.Answer{
		Mode: bot.ModeNoAnswer, Text: "The loaded articles don't answer this.",
		Citations: []bot.Citation{{Marker: 1, Text: "The ferry runs hourly.", Title: "Ferry timetable", URL: "https://news.example/ferry"}},
	}
	resp := answerResponse(a)
	msgs := resp.messages()
	if len(msgs) != 1 || msgs[0].content != a.Text || len(msgs[0].embeds) != 1 || msgs[0].embeds[0].Title != closestTitle {
		t.Fatalf("no-answer messages = %+v, want its text with one embed of the closest sentences", msgs)
	}
	if want := "**[1]** “The ferry runs hourly.” — [Ferry timetable](https://news.example/ferry)"; msgs[0].embeds[0].Description != want {
		t.Errorf("closest sentences = %q, want %q", msgs[0].embeds[0].Description, want)
	}
}

func TestShorten(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"the harbour opened on monday", 16, "the harbour…"},
		{"Überraschungsei", 6, "Überr…"},
	} {
		if got := shorten(tc.in, tc.n); got != tc.want || utf8.RuneCountInString(got) > tc.n {
			t.Errorf("shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
