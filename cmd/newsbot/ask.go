package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"

	"newsbot/bot"
)

var askCommand = command{
	name:  "ask",
	usage: "[--as-of DATE] [--json] QUESTION",
	summary: `Answers QUESTION from the loaded articles, citing their sentences.
With a language model configured (OPENAI_MODEL, OPENAI_BASE_URL), the model
writes the answer and every citation is checked against the stored sentences;
without one, or when the model fails, the answer is an extract of the
best-supported sentences. On a terminal the answer streams as it is written.
With --as-of, the question is answered as if asked then.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		asOfText := asOfFlag(fs)
		asJSON := fs.Bool("json", false, `print one JSON object: question, as_of, answer, mode, citations, timings`)
		return func(ctx context.Context, a *app, args []string) error {
			question := strings.TrimSpace(strings.Join(args, " "))
			if question == "" {
				return usagef("no question")
			}
			asOf, err := parseAsOfFlag(*asOfText)
			if err != nil {
				return err
			}
			st, err := a.openArticles(ctx)
			if err != nil {
				return err
			}
			answerer, err := newAnswerer(a, st)
			if err != nil {
				return err
			}
			live := newLiveText(a.stdout, !*asJSON)
			ans, err := answerer.AnswerAt(ctx, question, asOf, nil, live.update)
			if err != nil {
				live.clear()
				return err
			}
			if *asJSON {
				return writeAnswerJSON(a.stdout, ans, asOf)
			}
			live.clear()
			_, err = fmt.Fprintln(a.stdout, bot.Render(ans))
			return err
		}
	},
}

// answerJSON is the JSON form of an answer.
type answerJSON struct {
	Question  string         `json:"question"`
	AsOf      string         `json:"as_of,omitempty"` // RFC 3339, the time answered as of, when one was given
	Answer    string         `json:"answer"`
	Mode      bot.Mode       `json:"mode"`
	Citations []citationJSON `json:"citations"`
	Timings   bot.Timings    `json:"timings"`
}

type citationJSON struct {
	Marker     int    `json:"marker"`
	ArticleID  string `json:"article_id"`
	SentenceID string `json:"sentence_id"`
	Text       string `json:"text"`
	Title      string `json:"title"`
	Source     string `json:"source"`
	Published  string `json:"published"` // YYYY-MM-DD, empty when unknown
	URL        string `json:"url"`
}

func writeAnswerJSON(w io.Writer, ans bot.Answer, asOf time.Time) error {
	out := answerJSON{Question: ans.Question, Answer: ans.Text, Mode: ans.Mode, Citations: []citationJSON{}, Timings: ans.Timings}
	if !asOf.IsZero() {
		out.AsOf = asOf.Format(time.RFC3339)
	}
	for _, c := range ans.Citations {
		out.Citations = append(out.Citations, citationJSON{
			Marker: c.Marker, ArticleID: c.ArticleID, SentenceID: c.SentenceID, Text: c.Text,
			Title: c.Title, Source: c.Source, Published: date(c.Published), URL: c.URL,
		})
	}
	if err := json.NewEncoder(w).Encode(out); err != nil {
		return fmt.Errorf("write answer: %w", err)
	}
	return nil
}

// liveText shows an answer as it streams in, on a terminal, and clears it
// again when the checked answer is ready to replace it. Elsewhere it shows
// nothing.
type liveText struct {
	w      io.Writer
	on     bool
	width  int
	height int
	shown  string
}

func newLiveText(w io.Writer, want bool) *liveText {
	l := &liveText{w: w}
	f, ok := w.(*os.File)
	if !want || !ok || !term.IsTerminal(int(f.Fd())) {
		return l
	}
	l.on = true
	l.width, l.height = 80, 24
	if wd, ht, err := term.GetSize(int(f.Fd())); err == nil && wd > 0 && ht > 0 {
		l.width, l.height = wd, ht
	}
	return l
}

// update shows text, the whole answer so far.
func (l *liveText) update(text string) {
	if !l.on {
		return
	}
	text = terminalSafe(text)
	if rest, ok := strings.CutPrefix(text, l.shown); ok {
		io.WriteString(l.w, rest)
	} else {
		// The model started over after a failed attempt.
		l.clear()
		io.WriteString(l.w, text)
	}
	l.shown = text
}

// clear removes the streamed text from the screen, or, when it has scrolled
// out of reach, moves below it.
func (l *liveText) clear() {
	if !l.on || l.shown == "" {
		return
	}
	rows := 0
	for line := range strings.SplitSeq(l.shown, "\n") {
		rows += max(1, (utf8.RuneCountInString(line)+l.width-1)/l.width)
	}
	if rows >= l.height {
		io.WriteString(l.w, "\n\n")
	} else {
		io.WriteString(l.w, "\r")
		if rows > 1 {
			fmt.Fprintf(l.w, "\x1b[%dA", rows-1)
		}
		io.WriteString(l.w, "\x1b[J")
	}
	l.shown = ""
}

// terminalSafe drops control characters other than line breaks, so model
// output can't drive the terminal.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
}
