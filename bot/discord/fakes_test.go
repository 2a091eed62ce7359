package discord

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newsbot/bot"
	"newsbot/bot/model"
	"newsbot/bot/model/modeltest"
	"newsbot/knowledge"
	"newsbot/knowledge/fetch"
	"newsbot/knowledge/load"
)

// countingLoader counts calls and loads nothing.
type countingLoader struct{ calls atomic.Int64 }

func (l *countingLoader) Load(context.Context, []string) (load.Report, error) {
	l.calls.Add(1)
	return load.Report{}, nil
}

func (l *countingLoader) LoadBytes(context.Context, string, []byte) (load.Report, error) {
	l.calls.Add(1)
	return load.Report{}, nil
}

var _ Loader = (*countingLoader)(nil)

// failingLoader fails every load with err.
type failingLoader struct{ err error }

func (l failingLoader) Load(context.Context, []string) (load.Report, error) {
	return load.Report{}, l.err
}
func (l failingLoader) LoadBytes(context.Context, string, []byte) (load.Report, error) {
	return load.Report{}, l.err
}

var _ Loader = failingLoader{}
var _ Loader = (*load.Loader)(nil)

// testFetcher returns the safe fetcher, allowed to reach the one local
// address allow (host:port) that a test serves pages from.
func testFetcher(t *testing.T, allow string) *fetch.Client {
	t.Helper()
	addr, err := netip.ParseAddrPort(allow)
	if err != nil {
		t.Fatal(err)
	}
	return fetch.New(fetch.Options{AllowAddrs: []netip.AddrPort{addr}})
}

// answerer returns the real answer pipeline over store, with m as its model
// (nil: extracts only).
func answerer(t *testing.T, store *knowledge.Store, m model.Model) *bot.Answerer {
	return bot.New(bot.Config{}, store, m, testLogger(t))
}

// evidenceLine matches a numbered evidence sentence in a prompt.
var evidenceLine = regexp.MustCompile(`(?m)^\[(\d+)\] (.*)$`)

// citingModel starts a fake OpenAI-compatible model that answers with
// format, its %d replaced by the marker of the evidence sentence holding
// cite, shaped by reply (delays, stalls, errors). Query rewrites for
// follow-ups are answered with the question itself.
func citingModel(t *testing.T, format, cite string, shape func(r *modeltest.Reply)) (*modeltest.Server, model.Model) {
	t.Helper()
	srv := modeltest.New(t, func(_ int, req modeltest.Request) modeltest.Reply {
		if strings.Contains(req.Messages[0].Content, "search query") {
			_, last, _ := strings.Cut(req.Prompt(), "Last question: ")
			return modeltest.Reply{Text: strings.TrimSpace(last)}
		}
		n := 0
		for _, m := range evidenceLine.FindAllStringSubmatch(req.Prompt(), -1) {
			if strings.Contains(m[2], cite) {
				n, _ = strconv.Atoi(m[1])
			}
		}
		r := modeltest.Reply{Text: fmt.Sprintf(format, n)}
		if shape != nil {
			shape(&r)
		}
		return r
	})
	m, err := model.NewOpenAI(model.Config{
		BaseURL: srv.BaseURL(), Model: "test-model", Timeout: 5 * time.Second,
		Retries: 1, Backoff: 10 * time.Millisecond, Concurrency: 8,
	}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return srv, m
}
