package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
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
cited sentences; on a terminal the answers stream as they are written. Type
/reset to start a new conversation, /quit or Ctrl-D to leave. With piped input
it answers each line in turn, echoing the question. With --as-of, every
question is answered as if asked then.`,
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
			return chat(ctx, answerer, asOf, a.stdin, a.stdout, isTerminal(a.stdin))
		}
	},
}

// chat answers the questions read from in, one per line, as of asOf (zero:
// now), keeping the conversation for follow-ups. interactive shows a
// prompt; otherwise each question is echoed before its answer. It returns
// nil at the end of the input or when ctx ends, and an error when the
// knowledge base fails.
func chat(ctx context.Context, answerer *bot.Answerer, asOf time.Time, in io.Reader, out io.Writer, interactive bool) error {
	stop := make(chan struct{})
	defer close(stop)
	lines, readErr := readLines(in, stop)
	var history []bot.Turn
	if interactive {
		fmt.Fprintln(out, "Ask about the loaded articles. /reset starts over, /quit leaves.")
	}
	for {
		if interactive {
			fmt.Fprint(out, "> ")
		}
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			if interactive {
				fmt.Fprintln(out)
			}
			if err := <-readErr; err != nil {
				return fmt.Errorf("read questions: %w", err)
			}
			return nil
		}
		question := strings.TrimSpace(line)
		switch question {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		case "/reset":
			history = nil
			fmt.Fprintln(out, "(new conversation)")
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
		fmt.Fprintf(out, "%s\n\n", bot.Render(ans))
		history = append(history, ans.Turn())
		if len(history) > chatTurns {
			history = history[len(history)-chatTurns:]
		}
	}
}

// readLines sends the lines of r on the returned channel, in a goroutine so
// that a chat can stop while waiting for input; it closes the channel at the
// end and then sends the read error, if any. It stops sending once stop is
// closed.
func readLines(r io.Reader, stop <-chan struct{}) (<-chan string, <-chan error) {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stop:
				return
			}
		}
		close(lines)
		errc <- sc.Err()
	}()
	return lines, errc
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
