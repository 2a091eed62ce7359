package load

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"newsbot/knowledge/parse"
)

// NewProgress returns a Progress that writes to w: a progress bar of bytes
// read when w is a terminal, otherwise a plain line at each tenth of the way
// (at most one a second) and one when the load is done.
func NewProgress(w io.Writer, isTerminal bool) Progress {
	if isTerminal {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w, now: time.Now}
}

// barProgress draws a progress bar on a terminal.
type barProgress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *barProgress) Start(total int) {
	p.bar = progressbar.NewOptions64(int64(total),
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription("loading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *barProgress) Add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

func (p *barProgress) Finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// lineProgress writes plain lines for logs and pipes.
type lineProgress struct {
	w             io.Writer
	now           func() time.Time
	total, done   int
	tenth         int // the last tenth reported
	started, last time.Time
}

func (p *lineProgress) Start(total int) {
	p.total, p.done, p.tenth = total, 0, 0
	p.started = p.now()
	p.last = p.started
}

func (p *lineProgress) Add(n int) {
	p.done += n
	if p.total <= 0 {
		return
	}
	tenth := min(p.done*10/p.total, 10)
	if tenth > p.tenth && tenth < 10 && p.now().Sub(p.last) >= time.Second {
		p.tenth, p.last = tenth, p.now()
		fmt.Fprintf(p.w, "loading: %d%% (%s of %s)\n", tenth*10, parse.FormatSize(int64(p.done)), parse.FormatSize(int64(p.total)))
	}
}

func (p *lineProgress) Finish() {
	took := p.now().Sub(p.started).Round(10 * time.Millisecond)
	if p.done == 0 {
		// Pages fetched from URLs are not counted in bytes.
		fmt.Fprintf(p.w, "loading: done in %s\n", took)
		return
	}
	fmt.Fprintf(p.w, "loading: done, %s read in %s\n", parse.FormatSize(int64(p.done)), took)
}
