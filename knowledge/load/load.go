// Package load loads news articles in bulk from files, directories, URLs
// and uploaded bytes into the knowledge base.
//
// Bad input never stops a load: each file, line or URL that cannot be read
// becomes a rejected Result saying where and why, each file a directory holds
// that is not loaded a skipped one, and the rest is stored.
// Articles reach the store in batches, one transaction each; files are read
// one at a time and JSON Lines line by line, so memory stays flat however
// much is loaded.
package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newsbot/knowledge"
	"newsbot/knowledge/parse"
)

// Putter stores articles; *knowledge.Store is one. Put stores a batch in one
// transaction, fills in the articles' IDs, and fails as a whole.
type Putter interface {
	Put(ctx context.Context, articles []knowledge.Article) ([]knowledge.PutStatus, error)
}

// Fetcher fetches the document at an http or https URL and reads its
// articles; *fetch.Client is one.
type Fetcher interface {
	FetchDocument(ctx context.Context, url string) (parse.Result, error)
}

// Progress shows how far a load has got, in bytes of input read.
type Progress interface {
	Start(total int)
	Add(n int)
	Finish()
}

// The statuses of a Result.
const (
	StatusLoaded    = string(knowledge.Loaded)
	StatusUpdated   = string(knowledge.Updated)
	StatusUnchanged = string(knowledge.Unchanged)
	// StatusDuplicate is an article whose text is stored already as another
	// article, from another origin; Reason names it. Nothing is changed.
	StatusDuplicate = string(knowledge.Duplicate)
	StatusRejected  = "rejected"
	// StatusSkipped is a file a directory holds that is not loaded (another
	// format, a symlink, not a regular file, hidden); Reason says which.
	StatusSkipped = "skipped"
)

// Stdin is the source that names standard input.
const Stdin = "-"

// DefaultBatchSize is the number of articles stored per transaction when
// Loader.BatchSize is not set.
const DefaultBatchSize = 500

// errNoFetcher rejects URL sources when no Fetcher is configured.
var errNoFetcher = errors.New("fetching URLs is not configured")

// Loader loads sources into a store. Store is required; the other fields are
// optional.
type Loader struct {
	Store Putter
	// Fetcher fetches URL sources; without one they are rejected.
	Fetcher Fetcher
	// BatchSize is the number of articles per transaction (default 500).
	BatchSize int
	// Progress, if set, is told how many bytes of input have been read.
	Progress Progress
	// Stdin is what the source "-" reads: one document, of Format, or of
	// the format its content shows when Format is empty.
	Stdin  io.Reader
	Format parse.Format
	Log    *slog.Logger
}

// Result says what happened to one article or to one source that yielded
// none. Its strings are safe to print: control, escape, bidirectional and
// zero-width characters are shown as escapes (see Visible).
type Result struct {
	// Origin is where the article came from: a path, "path:line" for a
	// line of a JSON Lines or JSON array file, a URL, or "-" for stdin.
	Origin    string
	ArticleID string
	Title     string
	// Status is "loaded", "updated", "unchanged", "duplicate", "rejected"
	// or "skipped".
	Status string
	// Reason says why a source or article was rejected or skipped, or
	// which article a duplicate repeats.
	Reason string
	// Note says what of a stored article was left out and why, such as a
	// date that could not be read.
	Note string
}

// Report lists the results of a load in the order the input was read.
type Report struct {
	Results []Result
}

// Counts returns how many results have each status.
func (r Report) Counts() (loaded, updated, unchanged, rejected int) {
	for _, res := range r.Results {
		switch res.Status {
		case StatusLoaded:
			loaded++
		case StatusUpdated:
			updated++
		case StatusUnchanged:
			unchanged++
		case StatusRejected:
			rejected++
		}
	}
	return loaded, updated, unchanged, rejected
}

// Count returns how many results have the status.
func (r Report) Count(status string) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == status {
			n++
		}
	}
	return n
}

// Stored reports whether any article of the load is in the store: loaded,
// updated, unchanged or a duplicate of a stored one.
func (r Report) Stored() bool {
	l, u, n, _ := r.Counts()
	return l+u+n+r.Count(StatusDuplicate) > 0
}

// Summary returns the counts as a line: "3 loaded, 1 updated, 0 unchanged,
// 0 duplicates, 2 rejected, 1 skipped".
func (r Report) Summary() string {
	l, u, n, x := r.Counts()
	d := r.Count(StatusDuplicate)
	plural := "s"
	if d == 1 {
		plural = ""
	}
	return fmt.Sprintf("%d loaded, %d updated, %d unchanged, %d duplicate%s, %d rejected, %d skipped", l, u, n, d, plural, x, r.Count(StatusSkipped))
}

// Rejected returns the rejected results.
func (r Report) Rejected() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == StatusRejected {
			out = append(out, res)
		}
	}
	return out
}

// Load loads sources: files, directories (recursively, in lexical order),
// http or https URLs, and "-" for Stdin. In a directory, dotfiles,
// dot-directories, symlinks (not followed), files that are not regular and
// files of other formats than newsbot reads are skipped, each a skipped
// Result saying why; a symlink named as a source is followed. Every source
// that cannot be read, and every article that cannot be stored, is a
// rejected Result; the rest is stored. An article without an ID or URL of
// its own is known by its origin, the file's absolute path (and line), so
// that loading the file again updates it.
//
// It returns an error only when the load stops early because ctx is done;
// the report then holds what was stored until then.
func (l *Loader) Load(ctx context.Context, sources []string) (Report, error) {
	run := l.start()
	inputs := run.expand(sources)
	total := int64(0)
	for _, in := range inputs {
		total += in.size
	}
	run.progress.Start(int(total))
	defer run.progress.Finish()
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return run.report, err
		}
		switch {
		case in.skip != "":
			run.skip(in.origin, in.skip)
		case in.err != nil:
			run.reject(in.origin, in.err)
		case in.url:
			run.loadURL(ctx, in.origin)
		case in.origin == Stdin && in.stdin:
			run.loadStdin()
		default:
			run.loadFile(ctx, in.origin, in.size)
		}
		if err := run.flushIfFull(ctx); err != nil {
			return run.report, err
		}
	}
	err := run.flush(ctx)
	return run.report, err
}

// LoadBytes loads the articles in one file's bytes, such as an uploaded
// attachment; name gives its format. An article without an ID or URL is
// known by its content. A file that cannot be read is a rejected Result
// naming it. It returns an error only when ctx is done before the articles
// are stored.
func (l *Loader) LoadBytes(ctx context.Context, name string, data []byte) (Report, error) {
	run := l.start()
	run.progress.Start(len(data))
	defer run.progress.Finish()
	res, err := parse.File(name, data)
	if err != nil {
		run.reject(name, err)
	} else {
		run.addResult(name, "", res)
	}
	run.progress.Add(len(data))
	err = run.flush(ctx)
	return run.report, err
}

// run is the state of one Load or LoadBytes call.
type run struct {
	*Loader
	log      *slog.Logger
	progress Progress
	batch    int
	pending  []pending // results in input order, articles not yet stored
	articles []knowledge.Article
	report   Report
}

// pending is a result waiting for its batch to be stored; article indexes
// run.articles, or is -1 for a rejection.
type pending struct {
	result  Result
	article int
}

func (l *Loader) start() *run {
	r := &run{Loader: l, log: l.Log, progress: l.Progress, batch: l.BatchSize}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.progress == nil {
		r.progress = noProgress{}
	}
	if r.batch <= 0 {
		r.batch = DefaultBatchSize
	}
	return r
}

// input is one file or URL to load, or a source that could not be listed
// or is skipped.
type input struct {
	origin string
	size   int64
	url    bool
	stdin  bool
	err    error
	skip   string // why the input is skipped
}

// expand turns sources into the files and URLs to load, in order, each once.
func (r *run) expand(sources []string) []input {
	var inputs []input
	seen := map[string]bool{}
	add := func(in input) {
		key := in.origin
		if !in.url {
			if abs, err := filepath.Abs(in.origin); err == nil {
				key = abs
			}
		}
		if !seen[key] {
			seen[key] = true
			inputs = append(inputs, in)
		}
	}
	for _, src := range sources {
		if isURL(src) {
			add(input{origin: src, url: true})
			continue
		}
		if src == Stdin && r.Stdin != nil {
			if !seen["\x00stdin"] {
				seen["\x00stdin"] = true
				inputs = append(inputs, input{origin: Stdin, stdin: true})
			}
			continue
		}
		info, err := os.Stat(src) // a symlink the user named is followed
		switch {
		case err != nil:
			add(input{origin: src, err: pathError(err)})
		case info.IsDir():
			r.walk(src, add)
		case !info.Mode().IsRegular():
			add(input{origin: src, skip: "not a regular file"})
		default:
			add(input{origin: src, size: info.Size()})
		}
	}
	return inputs
}

// walk lists the article files under dir in lexical order.
func (r *run) walk(dir string, add func(input)) {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			add(input{origin: path, err: pathError(err)})
			return nil
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				add(input{origin: path, skip: "hidden directory"})
				return filepath.SkipDir
			}
			add(input{origin: path, skip: "hidden file"})
			return nil
		}
		switch {
		case d.IsDir():
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			add(input{origin: path, skip: "symlink, not followed (name it on the command line to load what it points to)"})
			return nil
		case !d.Type().IsRegular():
			add(input{origin: path, skip: "not a regular file"})
			return nil
		}
		if why := unsupported(path); why != "" {
			add(input{origin: path, skip: why})
			return nil
		}
		info, err := d.Info()
		if err != nil {
			add(input{origin: path, err: pathError(err)})
			return nil
		}
		add(input{origin: path, size: info.Size()})
		return nil
	})
	if err != nil {
		add(input{origin: dir, err: pathError(err)})
	}
}

// unsupported says why a file found in a directory is not loaded, or ""
// when it is: its extension is one newsbot reads.
func unsupported(path string) string {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".txt", ".text", ".md", ".markdown", ".json", ".jsonl", ".ndjson", ".html", ".htm", ".xhtml":
		return ""
	case "":
		return "unsupported format (no extension; want .txt, .md, .json, .jsonl or .html)"
	default:
		return "unsupported format (" + ext + "; want .txt, .md, .json, .jsonl or .html)"
	}
}

func isURL(s string) bool {
	lower := strings.ToLower(s)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

// pathError drops the path from a file system error; the caller names it.
func pathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// headSize is how much of a file is read to tell its format.
const headSize = 64 << 10

// loadFile reads one file: JSON Lines line by line, any other format whole
// when it is within parse.MaxFileSize.
func (r *run) loadFile(ctx context.Context, path string, size int64) {
	if size == 0 {
		r.reject(path, parse.ErrEmpty)
		return
	}
	tooLarge := fmt.Errorf("%w: %s, over the %s limit", parse.ErrTooLarge, parse.FormatSize(size), parse.FormatSize(parse.MaxFileSize))
	if size > parse.MaxFileSize && !mayBeLines(path) {
		r.reject(path, tooLarge)
		r.progress.Add(int(size))
		return
	}
	f, err := os.Open(path)
	if err != nil {
		r.reject(path, pathError(err))
		return
	}
	defer f.Close()
	counted := &countingReader{r: f, progress: r.progress}
	defer func() {
		if rest := size - counted.n; rest > 0 {
			r.progress.Add(int(rest)) // the part not read counts as done
		}
	}()
	br := bufio.NewReaderSize(counted, headSize)
	head, err := br.Peek(headSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		r.reject(path, fmt.Errorf("read: %w", pathError(err)))
		return
	}
	format, err := parse.Detect(path, head)
	if err != nil {
		r.reject(path, err)
		return
	}
	if format == parse.JSONLines {
		r.loadLines(ctx, path, br)
		return
	}
	if size > parse.MaxFileSize {
		r.reject(path, tooLarge)
		return
	}
	data, err := io.ReadAll(io.LimitReader(br, parse.MaxFileSize+1))
	if err != nil {
		r.reject(path, fmt.Errorf("read: %w", pathError(err)))
		return
	}
	res, err := parse.File(path, data)
	if err != nil {
		r.reject(path, err)
		return
	}
	r.addResult(path, absolute(path), res)
}

// absolute returns path made absolute, the origin of its articles.
func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// loadStdin reads one document from Stdin.
func (r *run) loadStdin() {
	data, err := io.ReadAll(io.LimitReader(r.Stdin, parse.MaxFileSize+1))
	if err != nil {
		r.reject(Stdin, fmt.Errorf("read standard input: %w", err))
		return
	}
	r.progress.Add(len(data))
	res, err := parse.FileAs("", r.Format, data)
	if err != nil {
		r.reject(Stdin, err)
		return
	}
	r.addResult(Stdin, "", res)
}

// mayBeLines reports whether a file may hold JSON Lines, which are read
// line by line whatever the file's size.
func mayBeLines(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case "", ".jsonl", ".ndjson", ".json":
		return true
	}
	return false
}

// loadLines streams a JSON Lines file into batches.
func (r *run) loadLines(ctx context.Context, path string, br io.Reader) {
	abs := absolute(path)
	for rec, err := range parse.Lines(br) {
		var lineErr *parse.LineError
		switch {
		case errors.As(err, &lineErr):
			r.reject(origin(path, lineErr.Line), lineErr.Err)
		case err != nil:
			r.reject(path, err)
		default:
			rec.Article.Origin = origin(abs, rec.Line)
			r.add(origin(path, rec.Line), rec)
		}
		if r.flushIfFull(ctx) != nil {
			return // Load sees ctx is done
		}
	}
}

// loadURL fetches one URL's document and queues its articles; those
// without an ID or URL of their own are known by the URL and line.
func (r *run) loadURL(ctx context.Context, url string) {
	if r.Fetcher == nil {
		r.reject(url, errNoFetcher)
		return
	}
	res, err := r.Fetcher.FetchDocument(ctx, url)
	if err != nil {
		r.reject(url, err)
		return
	}
	r.addResult(url, url, res)
}

// addResult queues what parse read from one file or document, in line
// order; identity, when not empty, is the origin of its articles that have
// no ID or URL (with ":line" for a line of a multi-article file).
func (r *run) addResult(name, identity string, res parse.Result) {
	rejected := res.Rejected
	for _, rec := range res.Articles {
		for len(rejected) > 0 && rejected[0].Line < rec.Line {
			r.reject(origin(name, rejected[0].Line), rejected[0].Err)
			rejected = rejected[1:]
		}
		if identity != "" {
			rec.Article.Origin = origin(identity, rec.Line)
		}
		r.add(origin(name, rec.Line), rec)
	}
	for _, le := range rejected {
		r.reject(origin(name, le.Line), le.Err)
	}
}

func origin(name string, line int) string {
	if line == 0 {
		return name
	}
	return name + ":" + strconv.Itoa(line)
}

func (r *run) add(origin string, rec parse.Record) {
	res := Result{Origin: Visible(origin), Title: Visible(rec.Article.Title), Note: Visible(strings.Join(rec.Notes, "; "))}
	r.pending = append(r.pending, pending{result: res, article: len(r.articles)})
	r.articles = append(r.articles, rec.Article)
}

func (r *run) reject(origin string, err error) {
	r.log.Debug("rejected", "origin", origin, "err", err)
	r.pending = append(r.pending, pending{result: Result{Origin: Visible(origin), Status: StatusRejected, Reason: Visible(err.Error())}, article: -1})
}

func (r *run) skip(origin, why string) {
	r.log.Debug("skipped", "origin", origin, "why", why)
	r.pending = append(r.pending, pending{result: Result{Origin: Visible(origin), Status: StatusSkipped, Reason: why}, article: -1})
}

// flushIfFull stores the pending articles once there is a batch of them.
func (r *run) flushIfFull(ctx context.Context) error {
	if len(r.articles) < r.batch {
		return ctx.Err()
	}
	return r.flush(ctx)
}

// flush stores the pending articles in one transaction, or one by one if
// that fails, so that only the articles the store refuses are rejected. It
// returns an error only when ctx is done.
func (r *run) flush(ctx context.Context) error {
	if len(r.articles) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		started := time.Now()
		var errs []error
		statuses, err := r.Store.Put(ctx, r.articles)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.log.Warn("batch not stored, storing its articles one by one", "articles", len(r.articles), "err", err)
			statuses, errs = r.putOneByOne(ctx)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r.log.Debug("stored batch", "articles", len(r.articles), "took", time.Since(started))
		for i := range r.pending {
			p := &r.pending[i]
			if p.article < 0 {
				continue
			}
			p.result.ArticleID = Visible(r.articles[p.article].ID)
			switch {
			case errs != nil && errs[p.article] != nil:
				p.result.Status, p.result.Reason = StatusRejected, Visible(errs[p.article].Error())
			case p.article < len(statuses) && statuses[p.article] == knowledge.Duplicate:
				p.result.Status = StatusDuplicate
				p.result.Reason = "the same text is stored as article " + Visible(p.result.ArticleID) + ", from another origin; nothing changed"
				p.result.Note = ""
			case p.article < len(statuses) && statuses[p.article] != "":
				p.result.Status = string(statuses[p.article])
			default:
				p.result.Status, p.result.Reason = StatusRejected, "the store gave no status"
			}
		}
	}
	for _, p := range r.pending {
		r.report.Results = append(r.report.Results, p.result)
	}
	clear(r.articles) // let the stored text be collected
	r.articles = r.articles[:0]
	r.pending = r.pending[:0]
	return nil
}

// putOneByOne stores the pending articles one per transaction, returning
// each one's status or error.
func (r *run) putOneByOne(ctx context.Context) ([]knowledge.PutStatus, []error) {
	statuses := make([]knowledge.PutStatus, len(r.articles))
	errs := make([]error, len(r.articles))
	for i := range r.articles {
		st, err := r.Store.Put(ctx, r.articles[i:i+1])
		switch {
		case ctx.Err() != nil:
			return statuses, errs
		case err != nil:
			errs[i] = err
		case len(st) == 1:
			statuses[i] = st[0]
		}
	}
	return statuses, errs
}

// countingReader tells progress how many bytes pass through it.
type countingReader struct {
	r        io.Reader
	n        int64
	progress Progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.progress.Add(n)
	return n, err
}

type noProgress struct{}

func (noProgress) Start(int) {}
func (noProgress) Add(int)   {}
func (noProgress) Finish()   {}

// Visible returns s with what could deceive a terminal or a reader shown as
// escapes: control characters (escape sequences, newlines, carriage
// returns) as \x1b, \n and the like, bidirectional controls, zero-width
// characters and line separators as \u202e and the like, and bytes that are
// not UTF-8 as \xff.
func Visible(s string) string {
	if !strings.ContainsFunc(s, hidden) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && hidden(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case hidden(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

// hidden reports whether r does not show as itself when printed.
func hidden(r rune) bool {
	return unicode.IsControl(r) || knowledge.Invisible(r) || r == '\u2028' || r == '\u2029'
}
