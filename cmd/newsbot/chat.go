package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"newsbot/bot"
)

// chatTurns is how many earlier exchanges a chat keeps for follow-ups.
const chatTurns = 10

var chatCommand = command{
	name:  "chat",
	usage: "[--as-of DATE]",
	summary: `Holds a conversation about the loaded articles, with follow-up questions
("and what did Moscow say?"). Reads one question per line and answers each with
cited sentences; on a terminal the answers stream as they are written, lines
can be edited and the up arrow recalls earlier questions. Type /help for the
commands, /reset to start a new conversation, /quit (or exit, or Ctrl-D) to
leave. With piped input it answers each line in turn, echoing the question.
With --as-of, every question is answered as if asked then.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		asOfText := asOfFlag(fs)
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) > 0 {
				return usagef("chat takes no arguments; type the questions")
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
			if f, ok := a.stdin.(*os.File); ok && isTerminal(f) && writesToTerminal(a.stdout) {
				lines := newTerminalLines(f, a.stdout)
				defer lines.restore()
				return chat(ctx, answerer, asOf, lines, a.stdout, true)
			}
			return chat(ctx, answerer, asOf, newScannedLines(a.stdin), a.stdout, isTerminal(a.stdin))
		}
	},
}

// chatHelp lists what a chat understands besides questions.
const chatHelp = `Type a question about the loaded articles; follow-up questions understand
the conversation. Commands:
  /help            this list
  /reset, /clear   start a new conversation
  /quit, exit      leave (also quit, /exit, Ctrl-D)`

// lineReader reads one line of input, returning io.EOF at the end.
type lineReader interface {
	ReadLine() (string, error)
}

// chat answers the questions read from lines, one per line, as of asOf
// (zero: now), keeping the conversation for follow-ups. interactive means
// a person types at a terminal; otherwise each question is echoed before
// its answer. The extract label is shown once, on the first answer that has
// it. It returns nil at the end of the input or when ctx ends, and an
// error when the knowledge base fails.
func chat(ctx context.Context, answerer *bot.Answerer, asOf time.Time, lines lineReader, out io.Writer, interactive bool) error {
	next, stop := readLines(lines)
	defer stop()
	var history []bot.Turn
	labelShown := false
	if interactive {
		fmt.Fprintln(out, "Ask about the loaded articles. /help lists the commands, /quit leaves.")
	}
	for {
		var r lineResult
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case r = <-next():
		}
		if r.err != nil {
			if interactive {
				fmt.Fprintln(out)
			}
			if errors.Is(r.err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read questions: %w", r.err)
		}
		question := strings.TrimSpace(r.line)
		switch strings.ToLower(question) {
		case "":
			continue
		case "/quit", "/exit", "quit", "exit":
			return nil
		case "/reset", "/clear", "clear":
			history = nil
			fmt.Fprintln(out, "(new conversation)")
			continue
		case "/help", "/?", "help":
			fmt.Fprintln(out, chatHelp)
			continue
		}
		if strings.HasPrefix(question, "/") && !strings.ContainsAny(question, " \t") {
			fmt.Fprintf(out, "Unknown command %s. /help lists the commands.\n", terminalSafe(question))
			continue
		}
		if !interactive {
			fmt.Fprintf(out, "> %s\n", terminalSafe(question))
		}
		live := newLiveText(out, true)
		ans, err := answerer.AnswerAt(ctx, question, asOf, history, live.update)
		live.clear()
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintln(out)
				return nil
			}
			return err
		}
		text := bot.Render(ans)
		if rest, ok := strings.CutPrefix(text, bot.ExtractLabel+"\n"); ok {
			if labelShown {
				text = rest
			}
			labelShown = true
		}
		fmt.Fprintf(out, "%s\n\n", text)
		history = append(history, ans.Turn())
		if len(history) > chatTurns {
			history = history[len(history)-chatTurns:]
		}
	}
}

// lineResult is one line read, or the error that ended the input.
type lineResult struct {
	line string
	err  error
}

// readLines reads from lines in a goroutine, one line each time the
// returned next is called, so that a chat can stop while waiting for input
// and a terminal is read only when a prompt is due. stop ends the goroutine
// once its read returns.
func readLines(lines lineReader) (next func() <-chan lineResult, stop func()) {
	want := make(chan struct{})
	got := make(chan lineResult, 1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-want:
			case <-done:
				return
			}
			line, err := lines.ReadLine()
			got <- lineResult{line, err}
			if err != nil {
				return
			}
		}
	}()
	return func() <-chan lineResult {
			select {
			case want <- struct{}{}:
			case <-done:
			}
			return got
		}, func() {
			close(done)
		}
}

// scannedLines reads lines from a reader, such as piped input.
type scannedLines struct{ sc *bufio.Scanner }

func newScannedLines(r io.Reader) *scannedLines {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	return &scannedLines{sc}
}

// ReadLine returns the next line, io.EOF at the end.
func (s *scannedLines) ReadLine() (string, error) {
	if s.sc.Scan() {
		return s.sc.Text(), nil
	}
	if err := s.sc.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}

// terminalLines reads lines typed at a terminal with line editing (arrow
// keys, Home, End, Ctrl-W and the like) and a history of the session's
// questions (up and down arrows). The terminal is in raw mode only while a
// line is read; Ctrl-C and Ctrl-D on an empty line end the input.
type terminalLines struct {
	fd int // -1: not a real terminal (tests), never put in raw mode
	t  *term.Terminal

	mu    sync.Mutex
	saved *term.State
}

// newTerminalLines reads lines from in, a terminal, echoing to out.
func newTerminalLines(in *os.File, out io.Writer) *terminalLines {
	fd := int(in.Fd())
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, "> ")
	if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
		t.SetSize(w, h)
	}
	return &terminalLines{fd: fd, t: t}
}

// ReadLine returns the next line typed, io.EOF when the user ends the
// input, and an error when the terminal can't be put in raw mode.
func (l *terminalLines) ReadLine() (string, error) {
	if l.fd >= 0 {
		state, err := term.MakeRaw(l.fd)
		if err != nil {
			return "", fmt.Errorf("terminal: %w", err)
		}
		l.mu.Lock()
		l.saved = state
		l.mu.Unlock()
		defer l.restore()
	}
	return l.t.ReadLine()
}

// restore puts the terminal back as it was before ReadLine, also when a
// chat ends while a line is being read.
func (l *terminalLines) restore() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.saved != nil {
		term.Restore(l.fd, l.saved)
		l.saved = nil
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
