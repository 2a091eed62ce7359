package bot

import (
	"slices"
	"testing"
)

func TestTidyQuery(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Plain", "Moscow reaction London talks Kellogg", "Moscow reaction London talks Kellogg"},
		{"Label", "Search query: \"Moscow reaction to London talks\"", "Moscow reaction to London talks"},
		{"FirstLine", "\n\nMoscow London talks\nThis query finds…", "Moscow London talks"},
		{"Reasoning", "<think>They mean Russia.</think>\nRussia London talks", "Russia London talks"},
		{"Empty", "  \n ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tidyQuery(tt.in); got != tt.want {
				t.Errorf("tidyQuery(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestConversationTerms(t *testing.T) {
	history := []Turn{
		{Question: "What happened in Paris?", Answer: "Talks were held [1]."},
		{Question: "Who will represent the US at the London talks?",
			Answer: extractNoModel + "\n“General Keith Kellogg will represent the US instead.” [1]"},
	}
	got := conversationTerms("And what did Moscow say?", history)
	// The newest question first, then older ones, then names from the
	// newest answer; not the follow-up's own words, nor newsbot's labels.
	if want := []string{"represent", "us", "london", "talks"}; len(got) < 4 || !slices.Equal(got[:4], want) {
		t.Errorf("conversationTerms = %q, want it to start with %q", got, want)
	}
	for _, w := range []string{"paris", "keith", "kellogg"} {
		if !slices.Contains(got, w) {
			t.Errorf("conversationTerms = %q, want %q in it", got, w)
		}
	}
	for _, w := range []string{"moscow", "extract", "loaded", "model"} {
		if slices.Contains(got, w) {
			t.Errorf("conversationTerms = %q, want no %q", got, w)
		}
	}
}

// TestKeywordMatches checks that a question's word matches a sentence's
// as knowledge matches them: by stem, and in its irregular forms.
func TestKeywordMatches(t *testing.T) {
	tests := []struct {
		word, sentence string
		want           bool
	}{
		{"talks", "The talk lasted an hour.", true},
		{"represented", "She will represent Sweden.", true},
		{"buses", "The bus runs at night.", true},
		{"built", "They build a farm.", true},
		{"lose", "She never lost a case.", true},
		{"children", "A child was born.", true},
		{"us", "The USA said no.", false},
		{"state", "The statement was read.", false},
	}
	for _, tt := range tests {
		if got := newKeyword(tt.word).in(readSentence(tt.sentence).stems); got != tt.want {
			t.Errorf("%q in %q = %v, want %v", tt.word, tt.sentence, got, tt.want)
		}
	}
}
