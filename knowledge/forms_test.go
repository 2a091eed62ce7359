package knowledge

import (
	"slices"
	"testing"
)

func TestForms(t *testing.T) {
	for _, tt := range []struct {
		word string
		want []string
	}{
		{"lose", []string{"lose", "lost"}},
		{"lost", []string{"lost", "lose"}},
		{"went", []string{"went", "go", "gone"}},
		{"children", []string{"children", "child"}},
		{"storm", []string{"storm"}},
		{"left", []string{"left"}}, // also a direction
		{"", []string{""}},
	} {
		if got := forms(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("forms(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

// TestWordFamilies checks that every form of a family leads to the same
// forms, and that no form belongs to two families.
func TestWordFamilies(t *testing.T) {
	for w, fs := range wordFamilies {
		if fs[0] != w {
			t.Errorf("forms of %q begin with %q", w, fs[0])
		}
		for _, f := range fs {
			other := wordFamilies[f]
			if len(other) != len(fs) || !slices.Contains(other, w) {
				t.Errorf("%q has forms %q, but %q has %q", w, fs, f, other)
			}
		}
	}
}
