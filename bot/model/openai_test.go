package model_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"newsbot/bot/model"
	"newsbot/bot/model/modeltest"
)

// testConfig is a model configuration with short waits, for tests.
func testConfig(baseURL string) model.Config {
	return model.Config{
		BaseURL:    baseURL,
		Model:      "test-model",
		Timeout:    300 * time.Millisecond,
		Retries:    2,
		Backoff:    5 * time.Millisecond,
		MaxBackoff: 20 * time.Millisecond,
	}
}

func newModel(t *testing.T, cfg model.Config) *model.OpenAI {
	t.Helper()
	m, err := model.NewOpenAI(cfg, slog.New(slog.NewTextHandler(t.Output(), nil)))
	if err != nil {
		t.Fatalf("NewOpenAI: %v", err)
	}
	return m
}

var chat = []model.Message{
	{Role: model.RoleSystem, Content: "Answer from the evidence."},
	{Role: model.RoleUser, Content: "Who will represent the US?"},
}

func TestCompleteStreams(t *testing.T) {
	srv := modeltest.New(t, modeltest.Text("General Keith Kellogg will represent the US [1]."))
	cfg := testConfig(srv.BaseURL())
	cfg.APIKey = "sk-test"
	m := newModel(t, cfg)

	var partials []string
	got, err := m.Complete(t.Context(), chat, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if want := "General Keith Kellogg will represent the US [1]."; got != want {
		t.Errorf("Complete = %q, want %q", got, want)
	}
	if len(partials) < 3 {
		t.Fatalf("onText called %d times, want one call per streamed piece", len(partials))
	}
	for i := 1; i < len(partials); i++ {
		if !strings.HasPrefix(partials[i], partials[i-1]) || len(partials[i]) <= len(partials[i-1]) {
			t.Errorf("partial %d = %q does not extend %q", i, partials[i], partials[i-1])
		}
	}
	if partials[len(partials)-1] != got {
		t.Errorf("last partial = %q, want the whole answer", partials[len(partials)-1])
	}
	req := srv.Requests()[0]
	if req.Model != "test-model" || !req.Stream || req.Authorization != "Bearer sk-test" {
		t.Errorf("request model=%q stream=%v auth=%q", req.Model, req.Stream, req.Authorization)
	}
	if len(req.Messages) != 2 || req.Messages[0].Role != "system" || req.Messages[1].Content != chat[1].Content {
		t.Errorf("request messages = %+v", req.Messages)
	}
}

func TestCompleteWithoutKeySendsNoAuthorization(t *testing.T) {
	srv := modeltest.New(t, modeltest.Text("ok"))
	m := newModel(t, testConfig(srv.BaseURL()))
	if _, err := m.Complete(t.Context(), chat, nil); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if auth := srv.Requests()[0].Authorization; auth != "" {
		t.Errorf("Authorization = %q, want none", auth)
	}
}

func TestCompleteFailures(t *testing.T) {
	tests := []struct {
		name      string
		reply     func(call int, req modeltest.Request) modeltest.Reply
		want      string // the answer, when it succeeds
		wantErr   model.Reason
		wantCalls int
	}{
		{
			name: "RateLimitedThenOK",
			reply: func(call int, _ modeltest.Request) modeltest.Reply {
				if call == 0 {
					return modeltest.Reply{Status: 429, ErrMessage: "slow down", RetryAfter: "0.05"}
				}
				return modeltest.Reply{Text: "fine"}
			},
			want: "fine", wantCalls: 2,
		},
		{
			name: "ServerErrorUntilRetriesRunOut",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 500, ErrMessage: "boom"}
			},
			wantErr: model.ServerError, wantCalls: 3,
		},
		{
			name: "BadGatewayWithoutJSONThenOK",
			reply: func(call int, _ modeltest.Request) modeltest.Reply {
				if call < 2 {
					return modeltest.Reply{Status: 502}
				}
				return modeltest.Reply{Text: "third time"}
			},
			want: "third time", wantCalls: 3,
		},
		{
			name: "QuotaSpentIsNotRetried",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 429, ErrMessage: "You exceeded your current quota", ErrCode: "insufficient_quota"}
			},
			wantErr: model.RateLimited, wantCalls: 1,
		},
		{
			name: "RetryAfterTooLongFailsAtOnce",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 429, ErrMessage: "later", RetryAfter: "3600"}
			},
			wantErr: model.RateLimited, wantCalls: 1,
		},
		{
			name: "Unauthorized",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 401, ErrMessage: "Incorrect API key provided", ErrCode: "invalid_api_key"}
			},
			wantErr: model.Unauthorized, wantCalls: 1,
		},
		{
			name: "ModelNotFound",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 404, ErrMessage: `model "llama9" not found, try pulling it first`}
			},
			wantErr: model.ModelNotFound, wantCalls: 1,
		},
		{
			name: "ContextLengthOpenAI",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 400, ErrMessage: "This model's maximum context length is 8192 tokens.", ErrCode: "context_length_exceeded"}
			},
			wantErr: model.ContextLength, wantCalls: 1,
		},
		{
			name: "ContextLengthLlamaCpp",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 400, ErrMessage: "the request exceeds the available context size, try increasing it"}
			},
			wantErr: model.ContextLength, wantCalls: 1,
		},
		{
			name: "OtherBadRequest",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Status: 400, ErrMessage: "temperature out of range"}
			},
			wantErr: model.BadRequest, wantCalls: 1,
		},
		{
			name: "SlowerThanTimeout",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Delay: 2 * time.Second, Text: "too late"}
			},
			wantErr: model.Timeout, wantCalls: 3,
		},
		{
			name: "StreamStallsMidAnswer",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Text: "General Keith Kellogg will", StallAfter: 2, Stall: 2 * time.Second}
			},
			wantErr: model.Timeout, wantCalls: 3,
		},
		{
			name: "StreamBreaksOffThenOK",
			reply: func(call int, _ modeltest.Request) modeltest.Reply {
				if call == 0 {
					return modeltest.Reply{Text: "General Keith Kellogg will represent", BreakAfter: 2}
				}
				return modeltest.Reply{Text: "whole answer"}
			},
			want: "whole answer", wantCalls: 2,
		},
		{
			name: "StreamAlwaysBreaksOff",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Text: "General Keith Kellogg will represent", BreakAfter: 2}
			},
			wantErr: model.Interrupted, wantCalls: 3,
		},
		{
			name: "ErrorInsideStream",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Text: "Gen", StreamError: "the model crashed"}
			},
			wantErr: model.ServerError, wantCalls: 3,
		},
		{
			name: "EmptyAnswer",
			reply: func(int, modeltest.Request) modeltest.Reply {
				return modeltest.Reply{Text: ""}
			},
			wantErr: model.BadResponse, wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := modeltest.New(t, tt.reply)
			m := newModel(t, testConfig(srv.BaseURL()))
			var last string
			got, err := m.Complete(t.Context(), chat, func(s string) { last = s })
			if calls := srv.Calls(); calls != tt.wantCalls {
				t.Errorf("server got %d calls, want %d", calls, tt.wantCalls)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Complete: %v", err)
				}
				if got != tt.want || last != tt.want {
					t.Errorf("Complete = %q (last partial %q), want %q", got, last, tt.want)
				}
				return
			}
			if reason := model.ReasonOf(err); reason != tt.wantErr {
				t.Fatalf("Complete error = %v (reason %q), want reason %q", err, reason, tt.wantErr)
			}
			if got != "" {
				t.Errorf("Complete returned text %q with an error", got)
			}
			var me *model.Error
			errors.As(err, &me)
			if msg := me.UserMessage(); msg == "" || strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, "test-model") {
				t.Errorf("UserMessage = %q: want a short message without server details", msg)
			}
		})
	}
}

func TestCompleteHonoursRetryAfter(t *testing.T) {
	srv := modeltest.New(t, func(call int, _ modeltest.Request) modeltest.Reply {
		if call == 0 {
			return modeltest.Reply{Status: 429, ErrMessage: "slow down", RetryAfter: "1"}
		}
		return modeltest.Reply{Text: "ok"}
	})
	m := newModel(t, testConfig(srv.BaseURL()))
	start := time.Now()
	if _, err := m.Complete(t.Context(), chat, nil); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("retried after %v, want the 1s the server asked for", waited)
	}
}

func TestCompleteUnreachable(t *testing.T) {
	srv := modeltest.New(t, modeltest.Text("never"))
	srv.Close()
	m := newModel(t, testConfig(srv.BaseURL()))
	_, err := m.Complete(t.Context(), chat, nil)
	if reason := model.ReasonOf(err); reason != model.Unreachable {
		t.Fatalf("Complete error = %v (reason %q), want %q", err, reason, model.Unreachable)
	}
}

func TestCompleteCancelled(t *testing.T) {
	srv := modeltest.New(t, func(int, modeltest.Request) modeltest.Reply {
		return modeltest.Reply{Delay: 5 * time.Second}
	})
	cfg := testConfig(srv.BaseURL())
	cfg.Timeout = 10 * time.Second
	m := newModel(t, cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := m.Complete(ctx, chat, nil)
	if !errors.Is(err, context.DeadlineExceeded) || model.ReasonOf(err) != "" {
		t.Fatalf("Complete error = %v, want the context's own error", err)
	}
}

func TestCompleteLimitsConcurrency(t *testing.T) {
	srv := modeltest.New(t, func(int, modeltest.Request) modeltest.Reply {
		return modeltest.Reply{Delay: 30 * time.Millisecond, Text: "ok"}
	})
	cfg := testConfig(srv.BaseURL())
	cfg.Concurrency = 2
	m := newModel(t, cfg)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := m.Complete(t.Context(), chat, nil); err != nil {
				t.Errorf("Complete: %v", err)
			}
		})
	}
	wg.Wait()
	if peak := srv.PeakInFlight(); peak != 2 {
		t.Errorf("peak concurrent calls = %d, want 2", peak)
	}
}

func TestNewOpenAI(t *testing.T) {
	tests := []struct {
		name    string
		cfg     model.Config
		wantErr string
	}{
		{name: "OK", cfg: model.Config{BaseURL: "http://localhost:11434/v1", Model: "llama3.2"}},
		{name: "OKOpenAIWithKey", cfg: model.Config{APIKey: "sk-x", Model: "gpt-4o-mini"}},
		{name: "ErrNoModel", cfg: model.Config{BaseURL: "http://localhost:11434/v1"}, wantErr: "OPENAI_MODEL"},
		{name: "ErrOpenAIWithoutKey", cfg: model.Config{Model: "gpt-4o-mini"}, wantErr: "OPENAI_API_KEY"},
		{name: "ErrBadScheme", cfg: model.Config{BaseURL: "ftp://x/v1", Model: "m"}, wantErr: "base URL"},
		{name: "ErrNoHost", cfg: model.Config{BaseURL: "localhost:8080", Model: "m"}, wantErr: "base URL"},
		{name: "ErrTemperatureAbove2", cfg: model.Config{BaseURL: "http://localhost:11434/v1", Model: "m", Temperature: ptr(2.5)}, wantErr: "temperature"},
		{name: "ErrTemperatureNegative", cfg: model.Config{BaseURL: "http://localhost:11434/v1", Model: "m", Temperature: ptr(-0.1)}, wantErr: "temperature"},
		{name: "ErrTemperatureNaN", cfg: model.Config{BaseURL: "http://localhost:11434/v1", Model: "m", Temperature: ptr(math.NaN())}, wantErr: "temperature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := model.NewOpenAI(tt.cfg, slog.New(slog.DiscardHandler))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("NewOpenAI: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("NewOpenAI error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestCompleteSendsSampling checks the temperature and max_tokens that
// reach the server in the request's JSON body.
func TestCompleteSendsSampling(t *testing.T) {
	tests := []struct {
		name            string
		model           string
		temperature     *float64
		maxTokens       int
		wantTemperature *float64 // nil: left out
		wantMaxTokens   *int     // nil: left out
	}{
		{name: "Defaults", wantTemperature: ptr(model.DefaultTemperature), wantMaxTokens: ptr(model.DefaultMaxTokens)},
		{name: "Set", temperature: ptr(1.3), maxTokens: 1200, wantTemperature: ptr(1.3), wantMaxTokens: ptr(1200)},
		{name: "ZeroTemperatureIsSent", temperature: ptr(0.0), wantTemperature: ptr(0.0), wantMaxTokens: ptr(model.DefaultMaxTokens)},
		{name: "NoMaxTokens", maxTokens: -1, wantTemperature: ptr(model.DefaultTemperature)},
		// go-openai refuses max_tokens and a temperature but 1 for OpenAI's
		// reasoning models: their requests carry neither by default.
		{name: "ReasoningModelDefaults", model: "o3-mini"},
		{name: "ReasoningModelTemperatureOne", model: "gpt-5-mini", temperature: ptr(1.0), wantTemperature: ptr(1.0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := modeltest.New(t, modeltest.Text("ok"))
			cfg := testConfig(srv.BaseURL())
			if tt.model != "" {
				cfg.Model = tt.model
			}
			cfg.Temperature, cfg.MaxTokens = tt.temperature, tt.maxTokens
			if _, err := newModel(t, cfg).Complete(t.Context(), chat, nil); err != nil {
				t.Fatalf("Complete: %v", err)
			}
			req := srv.Requests()[0]
			switch {
			case (req.Temperature == nil) != (tt.wantTemperature == nil):
				t.Errorf("temperature sent: %v, want sent: %v", req.Temperature != nil, tt.wantTemperature != nil)
			case req.Temperature != nil && math.Abs(*req.Temperature-*tt.wantTemperature) > 1e-6:
				t.Errorf("temperature = %v, want %v", *req.Temperature, *tt.wantTemperature)
			}
			switch {
			case (req.MaxTokens == nil) != (tt.wantMaxTokens == nil):
				t.Errorf("max_tokens sent: %v, want sent: %v", req.MaxTokens != nil, tt.wantMaxTokens != nil)
			case req.MaxTokens != nil && *req.MaxTokens != *tt.wantMaxTokens:
				t.Errorf("max_tokens = %d, want %d", *req.MaxTokens, *tt.wantMaxTokens)
			}
			if req.MaxCompletionTokens != nil {
				t.Errorf("max_completion_tokens = %d sent, want none", *req.MaxCompletionTokens)
			}
		})
	}
}

func TestUserMessageIsGenericForOtherErrors(t *testing.T) {
	if got := model.UserMessage(errors.New("dial tcp 10.0.0.7:443: secret detail")); strings.Contains(got, "10.0.0.7") {
		t.Errorf("UserMessage = %q leaks the error", got)
	}
	e := &model.Error{Reason: model.Unauthorized, Status: http.StatusUnauthorized, Err: errors.New("key sk-secret refused")}
	if got := model.UserMessage(e); strings.Contains(got, "sk-secret") || got != e.UserMessage() {
		t.Errorf("UserMessage = %q", got)
	}
}
