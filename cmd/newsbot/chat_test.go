package main

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/term"

	"newsbot/bot"
	"newsbot/knowledge"
)

// TestChatCommands pipes the chat's commands between questions: none is
// answered as a question, and the extract label is shown once.
func TestChatCommands(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	for _, tt := range []struct {
		name string
		in   string
		want []string // in order
		not  []string
	}{
		{"Help", "/help\nWho will represent Sweden at the Geneva talks?\n",
			[]string{"/reset, /clear   start a new conversation", "> Who will represent Sweden"}, []string{"> /help"}},
		{"Exit", "exit\nWho will represent Sweden at the Geneva talks?\n", nil, []string{"Berg"}},
		{"Quit", "quit\nWho will represent Sweden at the Geneva talks?\n", nil, []string{"Berg"}},
		{"SlashQuit", "/quit\nWho will represent Sweden at the Geneva talks?\n", nil, []string{"Berg"}},
		{"Clear", "Who will represent Sweden at the Geneva talks?\nclear\n", []string{"Berg", "(new conversation)"}, []string{"> clear"}},
		{"Unknown", "/frobnicate\n", []string{"Unknown command /frobnicate. /help lists the commands."}, []string{"> /frobnicate", "don't answer"}},
		{"LabelOnce", "Who will represent Sweden at the Geneva talks?\nWhen do the Geneva talks open?\n",
			[]string{bot.ExtractLabel + "\n“" + askBerg, "> When do the Geneva talks open?\n“The talks open on Monday"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := askRun(t, tt.in, "--db", db, "chat")
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			rest := stdout
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, stdout)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(stdout, n) {
					t.Errorf("output has %q:\n%s", n, stdout)
				}
			}
			if n := strings.Count(stdout, bot.ExtractLabel); n > 1 {
				t.Errorf("the extract label is shown %d times:\n%s", n, stdout)
			}
		})
	}
}

// recordedLines records the lines a chat reads.
type recordedLines struct {
	lineReader
	got []string
}

func (r *recordedLines) ReadLine() (string, error) {
	line, err := r.lineReader.ReadLine()
	if err == nil {
		r.got = append(r.got, line)
	}
	return line, err
}

// TestChatLineEditing types at a terminal, as the keys arrive: a typo
// mended with the arrow keys, the question recalled with the up arrow,
// then exit.
func TestChatLineEditing(t *testing.T) {
	askClearEnv(t)
	st, err := knowledge.Open(t.Context(), askDB(t, askArticles...))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	answerer := bot.New(bot.Config{}, st, nil, slog.New(slog.DiscardHandler))
	keys := "Who will represent Swedn?" + "\x1b[D\x1b[D" + "e" + "\r" + // left, left, mend
		"\x1b[A" + "\r" + // up: the same question again
		"exit\r"
	var out bytes.Buffer
	lines := &recordedLines{lineReader: &terminalLines{fd: -1, t: term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{strings.NewReader(keys), &out}, "> ")}}
	if err := chat(t.Context(), answerer, time.Time{}, lines, &out, true); err != nil {
		t.Fatal(err)
	}
	want := []string{"Who will represent Sweden?", "Who will represent Sweden?", "exit"}
	if strings.Join(lines.got, "|") != strings.Join(want, "|") {
		t.Errorf("lines read %q, want %q", lines.got, want)
	}
	if n := strings.Count(out.String(), "“"+askBerg+"” [1]\n"); n != 2 {
		t.Errorf("%d answers citing Berg, want 2:\n%s", n, out.String())
	}
}
