package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/joho/godotenv"

	"newsbot/knowledge"
)

// command is one newsbot subcommand; each is defined next to its handler.
type command struct {
	name    string
	usage   string // arguments after the name, e.g. "[--json] QUERY"
	summary string
	// flags declares the command's flags on fs; the returned function runs it
	// with the remaining arguments.
	flags func(fs *flag.FlagSet) func(ctx context.Context, a *app, args []string) error
}

// commands is the table of subcommands, in the order help lists them.
var commands = []*command{
	&loadCommand,
	&searchCommand,
	&askCommand,
	&chatCommand,
	&articlesCommand,
	&showCommand,
	&removeCommand,
	&feedsCommand,
	&runCommand,
	&evalCommand,
	&benchCommand,
	&feedbackCommand,
}

// errUsage marks an error in how a command was called; it exits with status 2.
var errUsage = errors.New("usage")

// errRejected marks a run that finished but rejected some input; it exits with status 1
// after the command has printed its own report.
var errRejected = errors.New("some input was rejected")

// app holds what commands share: standard streams, configuration and the
// lazily opened store.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dbPath         string
	log            *slog.Logger
	store          *knowledge.Store
}

// openStore opens the knowledge base once.
func (a *app) openStore(ctx context.Context) (*knowledge.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	s, err := knowledge.Open(ctx, a.dbPath)
	if err != nil {
		return nil, err
	}
	a.store = s
	return s, nil
}

// getenv reads configuration from the environment.
func getenv(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// run parses global flags, dispatches to a command, and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// A .env file in the working directory fills in variables not already set.
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "newsbot: read .env: %v\n", err)
		return 1
	}
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	global := flag.NewFlagSet("newsbot", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.StringVar(&a.dbPath, "db", getenv("NEWSBOT_DB", "newsbot.db"), "SQLite database `path` (env NEWSBOT_DB)")
	logLevel := global.String("log-level", getenv("NEWSBOT_LOG_LEVEL", "warn"), "log `level`: debug, info, warn or error (env NEWSBOT_LOG_LEVEL)")
	global.Usage = func() { printHelp(stderr, global) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "newsbot: --log-level %q: want debug, info, warn or error\n", *logLevel)
		return 2
	}
	a.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	rest := global.Args()
	if len(rest) == 0 {
		printHelp(stderr, global)
		return 2
	}
	if rest[0] == "help" {
		printHelp(stdout, global)
		return 0
	}
	cmd := lookup(rest[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "newsbot: unknown command %q; run 'newsbot help' for the list\n", rest[0])
		return 2
	}
	fs := flag.NewFlagSet("newsbot "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: newsbot %s %s\n\n%s\n", cmd.name, cmd.usage, cmd.summary)
		if hasFlags(fs) {
			fmt.Fprintln(fs.Output(), "\nflags:")
			fs.PrintDefaults()
		}
	}
	runCmd := cmd.flags(fs)
	if err := fs.Parse(rest[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	err := runCmd(ctx, a, fs.Args())
	if a.store != nil {
		if cerr := a.store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "newsbot %s: %v\nusage: newsbot %s %s\n", cmd.name, err, cmd.name, cmd.usage)
		return 2
	case errors.Is(err, errRejected):
		return 1
	default:
		fmt.Fprintf(stderr, "newsbot %s: %v\n", cmd.name, err)
		return 1
	}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func printHelp(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintln(w, "newsbot answers questions about the news from loaded articles, citing their sentences.")
	fmt.Fprintln(w, "\nusage: newsbot [--db PATH] COMMAND [flags] [args]\n\ncommands:")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, firstSentence(c.summary))
	}
	fmt.Fprintln(w, "\nglobal flags:")
	global.SetOutput(w)
	global.PrintDefaults()
	fmt.Fprintln(w, "\nRun 'newsbot COMMAND -h' for a command's flags.")
}

// firstSentence returns the first sentence of a command's summary, on one line.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}
