package discord

import (
	"strings"
	"testing"

	"newsbot/knowledge/load"
)

// TestFormatReportCountsDuplicates checks that a /load reply counts the
// articles it found already stored from another origin, and names them.
func TestFormatReportCountsDuplicates(t *testing.T) {
	rep := load.Report{Results: []load.Result{
		{Origin: "harvest.txt", ArticleID: "a1", Title: "Harvest festival", Status: load.StatusLoaded},
		{Origin: "copy.txt", ArticleID: "a1", Title: "Harvest festival", Status: load.StatusDuplicate, Reason: "the same text as a1"},
	}}
	got := formatReport(rep)
	for _, want := range []string{"Loaded 1, updated 0, unchanged 0, duplicates 1, rejected 0.", "• duplicate `a1`"} {
		if !strings.Contains(got, want) {
			t.Errorf("report %q lacks %q", got, want)
		}
	}
}
