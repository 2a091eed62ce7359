package eval

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Answer is what a user was shown for one question.
type Answer struct {
	// Texts are the answer's text and the texts of its sources.
	Texts []string
	// NoAnswer reports whether the answer says the articles don't answer.
	NoAnswer bool
}

// AnswerFunc answers a question as of a time (the zero time: now).
type AnswerFunc func(ctx context.Context, question string, asOf time.Time) (Answer, error)

// AnswerMetrics are shares of questions by what their answers showed.
type AnswerMetrics struct {
	Questions int
	// Answerable is how many questions have accepted answers; Shown and
	// ShownAnswering are shares of them, and mean nothing when it is 0.
	Answerable int
	// Shown is the share of answerable questions whose answer shows an
	// accepted answer, in its text or one of its sources, whether or not
	// it is a no-answer (which lists the closest sentences).
	Shown float64
	// ShownAnswering is the share whose answer shows an accepted answer and
	// is not a no-answer.
	ShownAnswering float64
	// NoAnswer is the share of all questions answered with a no-answer.
	NoAnswer float64
}

// ScoreAnswers computes the answer metrics of answers, one per question in
// the same order. An accepted answer counts as shown when its normalised
// text (see Normalize) occurs in the normalised text of one of the
// answer's texts.
func ScoreAnswers(questions []Question, answers []Answer) AnswerMetrics {
	m := AnswerMetrics{Questions: len(questions)}
	var shown, shownAnswering, noAnswer int
	for i, q := range questions {
		a := answers[i]
		if a.NoAnswer {
			noAnswer++
		}
		if len(q.Answers) == 0 {
			continue
		}
		m.Answerable++
		if showsAny(a.Texts, q.Answers) {
			shown++
			if !a.NoAnswer {
				shownAnswering++
			}
		}
	}
	if m.Answerable > 0 {
		m.Shown = float64(shown) / float64(m.Answerable)
		m.ShownAnswering = float64(shownAnswering) / float64(m.Answerable)
	}
	if m.Questions > 0 {
		m.NoAnswer = float64(noAnswer) / float64(m.Questions)
	}
	return m
}

// showsAny reports whether one of texts contains one of accepted, both
// normalised. Texts are matched one by one, so an answer never counts for
// words that only meet across two of them.
func showsAny(texts, accepted []string) bool {
	for _, t := range texts {
		if containsAny(Normalize(t), accepted) {
			return true
		}
	}
	return false
}

// RunAnswers asks every question through ask, as of the question's date
// unless noDates, and scores the answers. It returns an error naming the
// question when a date does not parse or ask fails.
func RunAnswers(ctx context.Context, ask AnswerFunc, questions []Question, noDates bool) (AnswerMetrics, error) {
	answers := make([]Answer, len(questions))
	for i, q := range questions {
		var asOf time.Time
		if !noDates {
			var err error
			if asOf, err = q.AsOf(); err != nil {
				return AnswerMetrics{}, fmt.Errorf("evaluate answers: %w", err)
			}
		}
		a, err := ask(ctx, q.Question, asOf)
		if err != nil {
			return AnswerMetrics{}, fmt.Errorf("evaluate answers %s: %w", q.ID, err)
		}
		answers[i] = a
	}
	return ScoreAnswers(questions, answers), nil
}

// Write prints the answer metrics, n/a for shares that do not apply.
func (m AnswerMetrics) Write(w io.Writer) {
	share := func(v float64, applies bool) string {
		if !applies {
			return "n/a"
		}
		return fmt.Sprintf("%.3f", v)
	}
	fmt.Fprintf(w, "answers (%d questions, no model: extracts)\n", m.Questions)
	fmt.Fprintf(w, "  %-44s %7s\n", "accepted answer shown (text or sources)", share(m.Shown, m.Answerable > 0))
	fmt.Fprintf(w, "  %-44s %7s\n", "accepted answer shown, not a no-answer", share(m.ShownAnswering, m.Answerable > 0))
	fmt.Fprintf(w, "  %-44s %7s\n", "answered no-answer", share(m.NoAnswer, m.Questions > 0))
}

// ReadQuestionLines reads plain questions, one a line; blank lines and
// lines starting with # are skipped. Each question's ID is its line
// number. It returns an error when r fails.
func ReadQuestionLines(r io.Reader) ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		out = append(out, Question{ID: fmt.Sprintf("line %d", line), Question: text})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	return out, nil
}
