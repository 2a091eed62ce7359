package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
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
	&backupCommand,
}

// errUsage marks an error in how a command was called; it exits with status 2.
var errUsage = errors.New("usage")

// usageError is a mistake in how a command was called, said in a few words;
// it matches errUsage.
type usageError struct{ msg string }

func (e usageError) Error() string        { return e.msg }
func (e usageError) Is(target error) bool { return target == errUsage }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// errRejected marks a run that finished but rejected some input; it exits with status 1
// after the command has printed its own report.
var errRejected = errors.New("some input was rejected")

// defaultDB is the database used when neither --db nor NEWSBOT_DB names one.
const defaultDB = "newsbot.db"

// app holds what commands share: standard streams, configuration and the
// lazily opened store.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	dbPath         string
	dbFlag         bool // whether --db was given on the command line
	logLevelSet    bool // whether --log-level or NEWSBOT_LOG_LEVEL chose the log level
	log            *slog.Logger
	store          *knowledge.Store
}

// openStore opens the knowledge base once, creating the file when there is
// none; only the commands that store something (load, feeds add, run,
// bench) use it.
func (a *app) openStore(ctx context.Context) (*knowledge.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	s, err := knowledge.Open(ctx, a.dbPath, knowledge.WithProgress(a.upgradeProgress))
	if err != nil {
		return nil, err
	}
	a.store = s
	return s, nil
}

// upgradeProgress tells how an upgrade of the database that rebuilds an
// index goes: on a terminal as one line that updates, elsewhere as one
// line when it is done.
func (a *app) upgradeProgress(task string, done, total int) {
	if writesToTerminal(a.stderr) {
		fmt.Fprintf(a.stderr, "\rupgrading %s: %s, %d of %d articles", a.dbPath, task, done, total)
		if done == total {
			fmt.Fprintln(a.stderr)
		}
		return
	}
	if done == total {
		fmt.Fprintf(a.stderr, "upgraded %s: %s, %d articles\n", a.dbPath, task, total)
	}
}

// openExisting opens the knowledge base once without ever creating it. It
// returns an error naming the path and the command that creates it when
// there is no file there.
func (a *app) openExisting(ctx context.Context) (*knowledge.Store, error) {
	if a.store != nil {
		return a.store, nil
	}
	s, err := knowledge.OpenExisting(ctx, a.dbPath, knowledge.WithProgress(a.upgradeProgress))
	if errors.Is(err, os.ErrNotExist) {
		where := ""
		if a.dbPath == defaultDB {
			where = " (the default, newsbot.db in the working directory; --db or NEWSBOT_DB names another)"
		}
		return nil, fmt.Errorf("no database at %s%s; load articles into it with: %s", a.absDB(), where, a.loadHint())
	}
	if err != nil {
		return nil, err
	}
	a.store = s
	return s, nil
}

// openArticles opens an existing knowledge base that holds articles. It
// returns an error naming the path and the load command when there is no
// database or it holds no articles.
func (a *app) openArticles(ctx context.Context) (*knowledge.Store, error) {
	st, err := a.openExisting(ctx)
	if err != nil {
		return nil, err
	}
	n, _, err := st.Count(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("no articles in %s; load some with: %s", a.absDB(), a.loadHint())
	}
	return st, nil
}

// absDB returns the database path made absolute, as a user should see it.
func (a *app) absDB() string {
	if abs, err := filepath.Abs(a.dbPath); err == nil {
		return abs
	}
	return a.dbPath
}

// loadHint returns the command that loads articles into this database.
func (a *app) loadHint() string {
	if a.dbPath == defaultDB {
		return "newsbot load FILE|DIR|URL"
	}
	return "newsbot --db " + shellQuote(a.dbPath) + " load FILE|DIR|URL"
}

// shellQuote quotes s for a POSIX shell when it holds anything but plain
// path characters.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/+:,=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
	global.StringVar(&a.dbPath, "db", getenv("NEWSBOT_DB", defaultDB), "SQLite database `path` (env NEWSBOT_DB)")
	logLevel := global.String("log-level", getenv("NEWSBOT_LOG_LEVEL", "warn"), "log `level`: debug, info, warn or error (env NEWSBOT_LOG_LEVEL)")
	showVersion := global.Bool("version", false, "print the version and exit")
	global.Usage = func() { printHelp(stderr, global) }
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, versionString())
		return 0
	}

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
		fmt.Fprintln(fs.Output(), "\nflags (before or after the arguments; -- ends them):")
		fs.PrintDefaults()
	}
	runCmd := cmd.flags(fs)
	// The global flags may follow the command name too.
	fs.StringVar(&a.dbPath, "db", a.dbPath, "SQLite database `path` (env NEWSBOT_DB)")
	fs.StringVar(logLevel, "log-level", *logLevel, "log `level`: debug, info, warn or error (env NEWSBOT_LOG_LEVEL)")
	cmdArgs, err := parseArgs(fs, rest[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	for _, f := range []*flag.FlagSet{global, fs} {
		f.Visit(func(f *flag.Flag) {
			a.dbFlag = a.dbFlag || f.Name == "db"
			a.logLevelSet = a.logLevelSet || f.Name == "log-level"
		})
	}
	a.logLevelSet = a.logLevelSet || getenv("NEWSBOT_LOG_LEVEL", "") != ""
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "newsbot: --log-level %q: want debug, info, warn or error\n", *logLevel)
		return 2
	}
	a.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	err = runCmd(ctx, a, cmdArgs)
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

// parseArgs parses args with fs, taking flags before, between and after
// the other arguments, which it returns in order. "--" ends the flags:
// everything after it is an argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version and commit the go command recorded are used.
var version = ""

// versionString returns the program's version, commit and Go version.
func versionString() string {
	v, commit, modified := version, "", false
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	out := "newsbot " + v
	if commit != "" {
		out += " commit " + commit[:min(12, len(commit))]
		if modified {
			out += " (modified)"
		}
	}
	return out + " " + runtime.Version()
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func printHelp(w io.Writer, global *flag.FlagSet) {
	fmt.Fprintln(w, "newsbot answers questions about the news from loaded articles, citing their sentences.")
	fmt.Fprintln(w, "\nusage: newsbot [--db PATH] COMMAND [flags] [args]\n       newsbot --version\n\ncommands:")
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
