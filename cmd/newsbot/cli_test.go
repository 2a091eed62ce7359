package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"newsbot/bot/discord/fakediscord"
	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// newsbotBinary builds the newsbot command once per test run (with the race
// detector when the tests have it) and returns its path.
func newsbotBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the newsbot binary; skipped with -short")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "newsbot-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "newsbot")
		args := []string{"build", "-tags", "sqlite_fts5", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// binResult is what a run of the built binary left.
type binResult struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

// runBinary runs the built newsbot in dir with args, stdin and the test's
// environment plus env, giving up after timeout.
func runBinary(t *testing.T, dir string, timeout time.Duration, stdin string, env []string, args ...string) binResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, newsbotBinary(t), args...)
	cmd.Dir = dir
	// A binary built with the race detector otherwise waits a second as
	// it exits.
	cmd.Env = append(append(os.Environ(), "GORACE=atexit_sleep_ms=0"), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := binResult{stdout: out.String(), stderr: errOut.String(), elapsed: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		r.code = exit.ExitCode()
	default:
		t.Fatalf("newsbot %s: %v after %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, r.elapsed, r.stdout, r.stderr)
	}
	t.Logf("newsbot %s → %d in %s\n%s%s", strings.Join(args, " "), r.code, r.elapsed.Round(time.Millisecond), r.stdout, r.stderr)
	return r
}

// readingCommands are the commands that only read the knowledge base, with
// arguments they accept.
var readingCommands = [][]string{
	{"search", "bridge"},
	{"ask", "When does the fare cap take effect?"},
	{"chat"},
	{"articles"},
	{"articles", "--json"},
	{"show", "some-id"},
}

// TestReadingCommandsWithoutDatabase runs each reading command in a new
// directory: each says on stderr that there is no database, where it
// looked and how to load one, exits 1, and creates no file.
func TestReadingCommandsWithoutDatabase(t *testing.T) {
	askClearEnv(t)
	commands := append(readingCommands, []string{"remove", "some-id"}, []string{"backup", "copy.db"}, []string{"feedback"}, []string{"feeds", "list"},
		[]string{"feeds", "poll"}, []string{"feeds", "remove", "https://example.com/feed"})
	for _, args := range commands {
		t.Run(strings.Join(args[:1+min(1, len(args)-1)], " "), func(t *testing.T) {
			dir := t.TempDir()
			r := runBinary(t, dir, time.Minute, "What?\n", []string{"NEWSBOT_DB="}, args...)
			want := "no database at " + filepath.Join(dir, "newsbot.db") + " (the default, newsbot.db in the working directory"
			if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, want) ||
				!strings.HasSuffix(r.stderr, "load articles into it with: newsbot load FILE|DIR|URL\n") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, and %q with the load command", r.code, r.stdout, r.stderr, want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("the command left %s in the directory", entries[0].Name())
			}
		})
	}
	t.Run("NamedDatabase", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "my news.db")
		r := runBinary(t, dir, time.Minute, "", nil, "search", "bridge", "--db", db)
		if want := "load articles into it with: newsbot --db '" + db + "' load FILE|DIR|URL\n"; r.code != 1 || !strings.HasSuffix(r.stderr, want) {
			t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, want)
		}
		if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was created (%v)", db, err)
		}
	})
}

// TestReadingCommandsOnEmptyDatabase runs each reading command on a
// database that holds no articles: each says so with the path and the load
// command, and exits 1, rather than answering that nothing matches.
func TestReadingCommandsOnEmptyDatabase(t *testing.T) {
	askClearEnv(t)
	db := askDB(t)
	for _, args := range readingCommands {
		t.Run(args[0], func(t *testing.T) {
			r := runBinary(t, t.TempDir(), time.Minute, "What?\n", nil, append([]string{"--db", db}, args...)...)
			want := "newsbot " + args[0] + ": no articles in " + db + "; load some with: newsbot --db " + db + " load FILE|DIR|URL\n"
			if r.code != 1 || r.stdout != "" || r.stderr != want {
				t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing and %q", r.code, r.stdout, r.stderr, want)
			}
		})
	}
}

// TestLoadAndFeedsAddCreateTheDatabase: the commands that store something
// create the database file.
func TestLoadAndFeedsAddCreateTheDatabase(t *testing.T) {
	askClearEnv(t)
	dir := loadFiles(t, map[string]string{"storm.md": "# Storm hits coast\n\nWinds reached 150 km/h."})
	r := runBinary(t, dir, time.Minute, "", []string{"NEWSBOT_DB="}, "load", "--quiet", "storm.md")
	if _, err := os.Stat(filepath.Join(dir, "newsbot.db")); r.code != 0 || err != nil {
		t.Errorf("load: exit %d, %v; want 0 and newsbot.db", r.code, err)
	}
	// feeds add creates the file before it fetches; a refused address
	// leaves it, empty, behind.
	dir = t.TempDir()
	runBinary(t, dir, time.Minute, "", []string{"NEWSBOT_DB=", "NEWSBOT_ALLOW_PRIVATE_URLS="}, "feeds", "add", "http://127.0.0.1:1/feed")
	if _, err := os.Stat(filepath.Join(dir, "newsbot.db")); err != nil {
		t.Errorf("feeds add: %v; want newsbot.db created", err)
	}
}

// TestFlagsAfterArguments gives every kind of flag after the arguments, and
// text after -- that looks like a flag.
func TestFlagsAfterArguments(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	dir := t.TempDir()

	r := runBinary(t, dir, time.Minute, "", nil, "search", "Geneva", "talks", "--limit", "1", "--db", db, "--json")
	var res searchResult
	if err := json.Unmarshal([]byte(r.stdout), &res); r.code != 0 || err != nil || res.Query != "Geneva talks" || len(res.Results) != 1 {
		t.Errorf("search QUERY --limit 1 --db DB --json: exit %d, %v, %+v; want one result for \"Geneva talks\"", r.code, err, res)
	}

	r = runBinary(t, dir, time.Minute, "", nil, "--db", db, "ask", "Who will represent Sweden?", "--json")
	var ans askOutput
	if err := json.Unmarshal([]byte(r.stdout), &ans); r.code != 0 || err != nil || ans.Question != "Who will represent Sweden?" {
		t.Errorf("ask QUESTION --json: exit %d, %v, %+v; want JSON for the question alone", r.code, err, ans)
	}

	r = runBinary(t, dir, time.Minute, "", nil, "articles", "--db", db, "--limit", "1")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("articles --db DB --limit 1: exit %d, stdout %q; want a heading and one article", r.code, r.stdout)
	}

	src := loadFiles(t, map[string]string{"storm.md": "# Storm hits coast\n\nWinds reached 150 km/h."})
	r = runBinary(t, src, time.Minute, "", nil, "load", "storm.md", "--verbose", "--quiet", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "Storm hits coast") || r.stderr != "" {
		t.Errorf("load FILE --verbose --quiet: exit %d, stdout %q, stderr %q; want the article listed, no progress", r.code, r.stdout, r.stderr)
	}

	// After --, everything is text: the query is "--limit 1".
	r = runBinary(t, dir, time.Minute, "", nil, "search", "--json", "--db", db, "--", "--limit", "1")
	res = searchResult{}
	if err := json.Unmarshal([]byte(r.stdout), &res); r.code != 0 || err != nil || res.Query != "--limit 1" {
		t.Errorf("search -- --limit 1: exit %d, %v, query %q; want the query \"--limit 1\"", r.code, err, res.Query)
	}
	r = runBinary(t, dir, time.Minute, "", nil, "--db", db, "remove", "--", "-nope")
	if r.code != 1 || !strings.Contains(r.stderr, `"-nope"`) {
		t.Errorf("remove -- -nope: exit %d, stderr %q; want 1 and the ID -nope not found", r.code, r.stderr)
	}
}

// TestReadBesideWrite holds a write transaction open, as a long load does,
// and runs search, ask, articles and the Discord bot's start-up in other
// processes: each must succeed within a second.
func TestReadBesideWrite(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	conn := knowledgetest.HoldWrite(t, db)
	if _, err := conn.ExecContext(t.Context(), `INSERT INTO migrations (name, applied_at) VALUES ('held by a writer', 0)`); err != nil {
		t.Fatal(err)
	}
	// The write lock is held: another writer can't have it.
	other, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=0&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if tx, err := other.BeginTx(t.Context(), nil); err == nil {
		tx.Rollback()
		t.Fatal("a second writer began a transaction; the first holds none")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"search", "Geneva energy talks"},
		{"ask", "Who will represent Sweden at the Geneva talks?"},
		{"articles"},
	} {
		// The old open waited 10 s for the write lock, then failed.
		r := runBinary(t, dir, 20*time.Second, "", nil, append([]string{"--db", db}, args...)...)
		if r.code != 0 || r.elapsed > time.Second {
			t.Errorf("%s beside a write: exit %d after %s, stderr %q; want 0 within 1s", args[0], r.code, r.elapsed, r.stderr)
		}
	}

	// newsbot run starts, registers its commands and says it is online.
	fake := fakediscord.New(t)
	api := gatewayFront(t, fake.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, newsbotBinary(t), "--db", db, "run")
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN="+fakediscord.Token, "DISCORD_API_URL="+api,
		"DISCORD_GUILD_ID=300000000000000001", "NEWSBOT_ADMIN_IDS=500000000000000001", "NEWSBOT_FEED_INTERVAL=1h", "NEWSBOT_RETENTION=")
	cmd.Dir = dir
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	for !strings.Contains(stdout.String(), "is online") {
		if time.Since(start) > time.Second {
			t.Fatalf("newsbot run beside a write: not online after %s\nstdout %q\nstderr %q", time.Since(start), stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("newsbot run online beside a write in %s", time.Since(start).Round(time.Millisecond))
}

// gatewayFront serves the fake Discord at fakeURL to another process: it
// answers the gateway look-up itself and passes every other request on. The
// fake's own answer reads its URL, which it sets after it starts serving;
// a request from another process has no happens-before edge with that
// write, and the race detector would report it.
func gatewayFront(t *testing.T, fakeURL string) string {
	target, err := url.Parse(fakeURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	wsURL := "ws" + strings.TrimPrefix(fakeURL, "http") + "/gateway"
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && (strings.HasSuffix(r.URL.Path, "/gateway") || strings.HasSuffix(r.URL.Path, "/gateway/bot")) {
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"url": wsURL})
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// syncBuffer is a bytes.Buffer safe to write from a process's output
// copier while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestBenchLeavesTheDefaultDatabaseAlone runs bench without --db where a
// newsbot.db holds real articles (also named by NEWSBOT_DB): it says it
// uses a temporary database, and the real one is unchanged.
func TestBenchLeavesTheDefaultDatabaseAlone(t *testing.T) {
	askClearEnv(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "newsbot.db")
	st, err := knowledge.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(t.Context(), askArticles); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, env := range []string{"NEWSBOT_DB=", "NEWSBOT_DB=" + db} {
		r := runBinary(t, dir, 2*time.Minute, "", []string{env}, "bench", "--articles", "20", "--queries", "5")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "no --db given: benchmarking in a temporary database, ") {
			t.Errorf("%s bench: exit %d, stdout %q; want it to say it uses a temporary database", env, r.code, r.stdout)
		}
		tmp := strings.TrimSuffix(strings.TrimPrefix(strings.SplitN(r.stdout, "\n", 2)[0], "no --db given: benchmarking in a temporary database, "), ", removed at the end")
		if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the temporary database %s is still there (%v)", tmp, err)
		}
	}
	st, err = knowledge.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _, err := st.Count(t.Context()); err != nil || n != len(askArticles) {
		t.Errorf("newsbot.db holds %d articles (%v) after bench; want the %d it had", n, err, len(askArticles))
	}

	bench := filepath.Join(dir, "bench.db")
	r := runBinary(t, dir, 2*time.Minute, "", nil, "bench", "--db", bench, "--articles", "20", "--queries", "5")
	if _, err := os.Stat(bench); r.code != 0 || err != nil || !strings.HasPrefix(r.stdout, "loading 20 synthetic articles into "+bench) {
		t.Errorf("bench --db: exit %d, %v, stdout %q; want the corpus kept in %s", r.code, err, r.stdout, bench)
	}
}

// TestRemoveTriesEveryID removes an ID that is not there between two that
// are: both are removed, the missing one reported, and the exit status is 1.
func TestRemoveTriesEveryID(t *testing.T) {
	db := askDB(t, knowledge.Article{ID: "a", Title: "First", Body: "One thing happened."},
		knowledge.Article{ID: "b", Title: "Second", Body: "Another thing happened."},
		knowledge.Article{ID: "c", Title: "Third", Body: "A third thing happened."})
	code, stdout, stderr := askRun(t, "", "--db", db, "remove", "a", "nope", "b")
	if code != 1 || stdout != "removed a\nremoved b\n" || !strings.Contains(stderr, `"nope": not found`) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, a and b removed, nope not found", code, stdout, stderr)
	}
	if code, stdout, _ := askRun(t, "", "--db", db, "articles", "--json"); code != 0 || !strings.Contains(stdout, `"id":"c"`) || strings.Count(stdout, "\n") != 1 {
		t.Errorf("after remove: exit %d, articles %q; want c alone", code, stdout)
	}
}

// TestUsageErrors: out-of-range numbers are refused, naming the flag, and
// a usage error reads as a sentence followed by the usage.
func TestUsageErrors(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	for _, tt := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"ErrLimitZero", []string{"search", "--limit", "0", "Geneva"}, "newsbot search: --limit 0: want 1 or more\n"},
		{"ErrLimitNegative", []string{"search", "Geneva", "--limit", "-3"}, "newsbot search: --limit -3: want 1 or more\n"},
		{"ErrWindow", []string{"search", "Geneva", "--window", "-1"}, "newsbot search: --window -1: want 0 or more\n"},
		{"ErrPerArticle", []string{"search", "Geneva", "--per-article", "0"}, "newsbot search: --per-article 0: want 1 or more\n"},
		{"ErrLead", []string{"search", "Geneva", "--lead", "-2"}, "newsbot search: --lead -2: want 0 or more\n"},
		{"ErrArticlesLimit", []string{"articles", "--limit", "0"}, "newsbot articles: --limit 0: want 1 or more\n"},
		{"ErrArticlesOffset", []string{"articles", "--offset", "-1"}, "newsbot articles: --offset -1: want 0 or more\n"},
		{"ErrBenchArticles", []string{"bench", "--articles", "0"}, "newsbot bench: --articles 0: want 1 or more\n"},
		{"ErrLoadBatch", []string{"load", "--batch", "0", "x"}, "newsbot load: --batch 0: want 1 or more\n"},
		{"ErrNoQuestion", []string{"ask"}, "newsbot ask: no question\nusage: newsbot ask "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := askRun(t, "", append([]string{"--db", db}, tt.args...)...)
			if code != 2 || stdout != "" || !strings.HasPrefix(stderr, tt.wantErr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tt.wantErr)
			}
		})
	}
}

// TestVersion: the built binary says its version, commit and Go version.
func TestVersion(t *testing.T) {
	r := runBinary(t, t.TempDir(), time.Minute, "", nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "newsbot ") || !strings.Contains(r.stdout, " go1.") || r.stderr != "" {
		t.Errorf("--version: exit %d, stdout %q, stderr %q; want 0 and newsbot's version", r.code, r.stdout, r.stderr)
	}
}

// TestAPIKeyWithoutModelSaysSo: a key without a model answers with an
// extract and says on stderr why, and what to set.
func TestAPIKeyWithoutModelSaysSo(t *testing.T) {
	askClearEnv(t)
	t.Setenv("OPENAI_API_KEY", "sk-test")
	db := askDB(t, askArticles...)
	code, stdout, stderr := askRun(t, "", "--db", db, "ask", "Who will represent Sweden at the Geneva talks?")
	if code != 0 || !strings.Contains(stdout, askBerg) ||
		!strings.Contains(stderr, "OPENAI_API_KEY is set but OPENAI_MODEL is not, so answers are extracts; set OPENAI_MODEL") {
		t.Errorf("exit %d, stdout %q, stderr %q; want an extract and a hint to set OPENAI_MODEL", code, stdout, stderr)
	}
	t.Setenv("OPENAI_API_KEY", "")
	if _, _, stderr := askRun(t, "", "--db", db, "ask", "Who will represent Sweden?"); stderr != "" {
		t.Errorf("without a key: stderr %q, want nothing", stderr)
	}
}

// TestLoadRefusesOtherURLSchemes: an ftp:// source is rejected as a URL
// newsbot doesn't fetch, not as a missing file, and the rest still loads.
func TestLoadRefusesOtherURLSchemes(t *testing.T) {
	dir := loadFiles(t, map[string]string{"storm.md": "# Storm hits coast\n\nWinds reached 150 km/h."})
	db := filepath.Join(t.TempDir(), "kb.db")
	code, stdout, stderr := askRun(t, "", "--db", db, "load", "--quiet", "ftp://example.com/news.txt", filepath.Join(dir, "storm.md"))
	want := `rejected ftp://example.com/news.txt: unsupported URL scheme "ftp": only http and https URLs are fetched` + "\n"
	if code != 1 || stderr != want || stdout != "1 loaded, 0 updated, 0 unchanged, 0 duplicates, 1 rejected, 0 skipped\n" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, %q", code, stdout, stderr, want)
	}
	for src, want := range map[string]bool{"ftp://x": true, "FILE://x": true, "https://x": true, "./a://b": false, "://x": false, "notes.txt": false, "1ab://x": false} {
		if _, ok := urlScheme(src); ok != want {
			t.Errorf("urlScheme(%q) = %v, want %v", src, ok, want)
		}
	}
}

// TestBackupCommand backs up a database while a write transaction is held
// open, then searches the copy; a second backup onto it is refused.
func TestBackupCommand(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	knowledgetest.HoldWrite(t, db)

	dir := t.TempDir()
	r := runBinary(t, dir, time.Minute, "", nil, "backup", "copy.db", "--db", db)
	if r.code != 0 || r.stdout != "backed up "+db+" (2 articles) to copy.db\n" {
		t.Fatalf("backup: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runBinary(t, dir, time.Minute, "", nil, "--db", "copy.db", "search", "Geneva")
	if r.code != 0 || !strings.Contains(r.stdout, askBerg) {
		t.Errorf("search the copy: exit %d, stdout %q", r.code, r.stdout)
	}
	r = runBinary(t, dir, time.Minute, "", nil, "--db", db, "backup", "copy.db")
	if r.code != 1 || !strings.Contains(r.stderr, "back up to copy.db: file already exists") {
		t.Errorf("backup onto the copy: exit %d, stderr %q; want 1 and a refusal", r.code, r.stderr)
	}
}
