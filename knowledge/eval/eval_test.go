package eval

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Hello, World!":          "hello world",
		"  $1.5 billion -- U.S.": "1 5 billion u s",
		"":                       "",
		"Ünïcode café":           "n code caf",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScore(t *testing.T) {
	qs := []Question{
		{ArticleIDs: []string{"a"}, Answers: []string{"Kellogg"}, Evidence: []Evidence{{Text: "Kellogg will go."}}},
		{ArticleIDs: []string{"b"}, Evidence: []Evidence{{Text: "It rained."}}},
	}
	rs := []Result{
		{Articles: []string{"a", "a", "c"}, Sentences: []string{"Other.", "KELLOGG will go!", "x"}},
		{Articles: []string{"c", "b"}, Sentences: []string{"No.", "No.", "No.", "No.", "No.", "It rained."}},
	}
	m := Score(qs, rs)
	// Ks are 1, 5, 10, 20.
	wantArticle := []float64{0.5, 1, 1, 1}
	wantEvidence := []float64{0, 0.5, 1, 1}
	wantAnswer := []float64{0, 0.5, 0.5, 0.5}
	for i := range Ks {
		if m.ArticleRecall[i] != wantArticle[i] || m.EvidenceRecall[i] != wantEvidence[i] || m.AnswerInContext[i] != wantAnswer[i] {
			t.Errorf("@%d: article %.2f evidence %.2f answer %.2f, want %.2f %.2f %.2f", Ks[i],
				m.ArticleRecall[i], m.EvidenceRecall[i], m.AnswerInContext[i], wantArticle[i], wantEvidence[i], wantAnswer[i])
		}
	}
}

func TestReadQuestions(t *testing.T) {
	qs, err := ReadQuestions(strings.NewReader(`{"id":"q1","article_id":"a","question":"Who?"}` + "\n\n" + `{"id":"q2","article_ids":["b"],"question":"What?"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].ArticleIDs[0] != "a" || qs[1].ArticleIDs[0] != "b" {
		t.Fatalf("got %+v", qs)
	}
	for name, in := range map[string]string{
		"ErrMalformed":  "{\"question\":\"ok\"}\n{bad",
		"ErrNoQuestion": `{"id":"q"}`,
	} {
		if _, err := ReadQuestions(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "line") {
			t.Errorf("%s: error %v, want one naming the line", name, err)
		}
	}
}
