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

func TestRelated(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{stem("talks"), stem("talk"), true},
		{stem("negotiations"), stem("negotiate"), true},
		{stem("represented"), stem("represent"), true},
		{"us", "usa", false},
		{"state", "statement", false},
	}
	for _, tt := range tests {
		if got := related(tt.a, tt.b); got != tt.want {
			t.Errorf("related(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
