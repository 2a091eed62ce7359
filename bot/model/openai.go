package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// DefaultBaseURL is the API that OpenAI talks to when no base URL is given.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures an OpenAI model. Zero values take the defaults.
type Config struct {
	// BaseURL is the OpenAI-compatible API, e.g. http://localhost:11434/v1
	// for Ollama (default DefaultBaseURL).
	BaseURL string
	// APIKey is sent as a bearer token; it may be empty for a server that
	// needs none, but not for DefaultBaseURL.
	APIKey string
	// Model names the model (required).
	Model string
	// Timeout is the longest wait for the first words of a reply, and
	// between two pieces of a streamed reply (default 60s). A model that
	// keeps streaming is never cut off.
	Timeout time.Duration
	// Retries is how many times a call that failed for a passing reason
	// (429, 5xx, timeout, unreachable, a broken stream) is tried again
	// (default 2; negative for none).
	Retries int
	// Backoff is the wait before the first retry, doubling each time up
	// to MaxBackoff, with jitter (defaults 500ms and 8s).
	Backoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the model honours; a server
	// asking for a longer wait fails the call at once (default 30s).
	MaxRetryAfter time.Duration
	// Concurrency is the most calls in flight at once; more wait their
	// turn (default 4).
	Concurrency int
	// Temperature is the sampling temperature, from 0 (the likeliest words)
	// to 2 (default DefaultTemperature when nil).
	Temperature *float64
	// MaxTokens bounds the reply's length, sent as max_tokens (default
	// DefaultMaxTokens; negative for no bound, leaving it to the server).
	MaxTokens int
	// HTTPClient sends the requests (default: a new http.Client). Its
	// Timeout should be 0: Timeout above applies instead.
	HTTPClient *http.Client
}

// DefaultTemperature keeps answers close to the evidence while leaving the
// model some freedom of wording.
const DefaultTemperature = 0.2

// DefaultMaxTokens bounds a reply to about 2,400 characters: an answer that
// fits in one or two Discord messages (2,000 characters each).
const DefaultMaxTokens = 600

func (c Config) withDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	switch {
	case c.Retries == 0:
		c.Retries = 2
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.Backoff <= 0 {
		c.Backoff = 500 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 8 * time.Second
	}
	if c.MaxRetryAfter <= 0 {
		c.MaxRetryAfter = 30 * time.Second
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	return c
}

// OpenAI is a chat model behind an OpenAI-compatible API. It is safe for
// concurrent use.
type OpenAI struct {
	cfg         Config
	temperature float32 // as sent; 0 sends none
	maxTokens   int     // as sent; 0 sends none
	client      *openai.Client
	slots       chan struct{}
	log         *slog.Logger
}

var _ Model = (*OpenAI)(nil)

// NewOpenAI returns a model that calls cfg.Model at cfg.BaseURL. It returns
// an error when the model is not named, the temperature is outside 0 to 2,
// the base URL is not an http(s) URL, or the API key is missing for
// api.openai.com.
func NewOpenAI(cfg Config, log *slog.Logger) (*OpenAI, error) {
	cfg = cfg.withDefaults()
	if strings.TrimSpace(cfg.Model) == "" {
		return nil, errors.New("model: no model named: set OPENAI_MODEL")
	}
	temperature, maxTokens, err := sampling(cfg)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("model: base URL %q: want http(s)://host/path", cfg.BaseURL)
	}
	if cfg.APIKey == "" && u.Host == "api.openai.com" {
		return nil, errors.New("model: api.openai.com needs an API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for another server")
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = recordingTransport{base: base}

	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	oc.HTTPClient = hc
	return &OpenAI{
		cfg:         cfg,
		temperature: temperature,
		maxTokens:   maxTokens,
		client:      openai.NewClientWithConfig(oc),
		slots:       make(chan struct{}, cfg.Concurrency),
		log:         log,
	}, nil
}

// sampling returns the temperature and max_tokens that calls to cfg.Model
// send, 0 for a field left out of the request.
//
// go-openai leaves a zero temperature out of the request (its field is
// omitempty), and the server then uses its own default, often 1; a
// temperature of 0 is therefore sent as math.SmallestNonzeroFloat32 (1e-45),
// the way go-openai's maintainers advise, which samples as 0 does.
//
// OpenAI's reasoning models (o1, o3, o4, gpt-5…, as go-openai recognises
// them) refuse max_tokens and any temperature but 1: for them the defaults
// are not sent, as before newsbot had them, and only values set explicitly
// are.
func sampling(cfg Config) (temperature float32, maxTokens int, err error) {
	t := DefaultTemperature
	if cfg.Temperature != nil {
		t = *cfg.Temperature
	}
	if !(t >= 0 && t <= 2) {
		return 0, 0, fmt.Errorf("model: temperature %v: want a number from 0 to 2", t)
	}
	temperature = float32(t)
	if temperature == 0 {
		temperature = math.SmallestNonzeroFloat32
	}
	switch {
	case cfg.MaxTokens == 0:
		maxTokens = DefaultMaxTokens
	case cfg.MaxTokens > 0:
		maxTokens = cfg.MaxTokens
	}
	req := openai.ChatCompletionRequest{Model: cfg.Model, Temperature: temperature, MaxTokens: maxTokens}
	if openai.NewReasoningValidator().Validate(req) != nil {
		if cfg.Temperature == nil {
			temperature = 0
		}
		if cfg.MaxTokens == 0 {
			maxTokens = 0
		}
	}
	return temperature, maxTokens, nil
}

// BaseURL returns the API the model is called at.
func (m *OpenAI) BaseURL() string { return m.cfg.BaseURL }

// Name returns the model's name.
func (m *OpenAI) Name() string { return m.cfg.Model }

// Complete returns the model's reply to msgs, streamed to onText when it is
// not nil. It retries failures that may pass, waiting with exponential
// backoff and jitter, or as long as a 429's Retry-After asks. It returns the
// ctx's error when ctx ends, and an *Error otherwise.
func (m *OpenAI) Complete(ctx context.Context, msgs []Message, onText func(soFar string)) (string, error) {
	req := openai.ChatCompletionRequest{
		Model:       m.cfg.Model,
		Stream:      true,
		Temperature: m.temperature,
		MaxTokens:   m.maxTokens,
	}
	for _, msg := range msgs {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: string(msg.Role), Content: msg.Content})
	}
	for attempt := 0; ; attempt++ {
		text, err := m.attempt(ctx, req, onText)
		if err == nil {
			return text, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		var e *Error
		if !errors.As(err, &e) || !e.retryable() || attempt >= m.cfg.Retries {
			return "", err
		}
		wait := m.backoff(attempt)
		if e.RetryAfter > 0 {
			if e.RetryAfter > m.cfg.MaxRetryAfter {
				return "", err
			}
			wait = e.RetryAfter
		}
		m.log.Warn("model call failed; retrying", "reason", e.Reason, "status", e.Status,
			"attempt", attempt+1, "wait", wait, "err", e.Err)
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
	}
}

// backoff returns the wait before retry number attempt+1: Backoff doubled
// for each earlier retry, at most MaxBackoff, less up to half as jitter.
func (m *OpenAI) backoff(attempt int) time.Duration {
	d := m.cfg.Backoff << min(attempt, 20)
	if d <= 0 || d > m.cfg.MaxBackoff {
		d = m.cfg.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// attempt makes one streamed call, within a concurrency slot.
func (m *OpenAI) attempt(ctx context.Context, req openai.ChatCompletionRequest, onText func(string)) (string, error) {
	select {
	case m.slots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-m.slots }()

	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(m.cfg.Timeout, func() { cancel(errStalled) })
	defer stall.Stop()
	info := &responseInfo{}
	actx = context.WithValue(actx, responseInfoKey{}, info)

	fail := func(err error) (string, error) {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", classify(actx, err, info)
	}
	stream, err := m.client.CreateChatCompletionStream(actx, req)
	if err != nil {
		return fail(err)
	}
	defer stream.Close()
	info.streaming = true
	var text strings.Builder
	for {
		stall.Reset(m.cfg.Timeout)
		resp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(err)
		}
		for _, c := range resp.Choices {
			if c.Index != 0 || c.Delta.Content == "" {
				continue
			}
			text.WriteString(c.Delta.Content)
			if onText != nil {
				onText(text.String())
			}
		}
	}
	if strings.TrimSpace(text.String()) == "" {
		return fail(errEmpty)
	}
	return text.String(), nil
}

// responseInfo records what the HTTP response of an attempt said that the
// API client doesn't pass on.
type responseInfo struct {
	status     int
	retryAfter time.Duration
	streaming  bool // the reply had started streaming
}

type responseInfoKey struct{}

// recordingTransport notes each response's status and Retry-After in the
// request's responseInfo.
type recordingTransport struct{ base http.RoundTripper }

func (t recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if info, ok := req.Context().Value(responseInfoKey{}).(*responseInfo); ok && resp != nil {
		info.status = resp.StatusCode
		info.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return resp, err
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date. It
// returns 0 when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if !(s > 0 && s <= 24*3600) {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
