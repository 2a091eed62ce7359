// Package modeltest runs a fake OpenAI-compatible chat server on 127.0.0.1
// for tests: it speaks POST /v1/chat/completions, plain JSON and SSE
// streaming ("data: {...}" chunks, then "data: [DONE]"), and lets a test
// script each reply: text, HTTP errors with Retry-After, delays, streams that
// stall or break off, and errors sent inside a stream.
package modeltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one chat message of a request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Request is a chat completion request as the server received it.
type Request struct {
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
	Stream   bool      `json:"stream"`
	// Temperature, MaxTokens and MaxCompletionTokens are nil when the
	// request leaves them out.
	Temperature         *float64 `json:"temperature"`
	MaxTokens           *int     `json:"max_tokens"`
	MaxCompletionTokens *int     `json:"max_completion_tokens"`
	Authorization       string   `json:"-"` // the Authorization header
}

// Prompt returns the request's messages joined, for assertions.
func (r Request) Prompt() string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.WriteString(m.Content)
		b.WriteByte('\n')
	}
	return b.String()
}

// Reply scripts the server's answer to one request.
type Reply struct {
	// Text is the answer. Streamed, it is sent in Chunks when given, and
	// otherwise word by word.
	Text   string
	Chunks []string
	// Status, when not 0 or 200, answers with this HTTP status and an
	// OpenAI-style error body made of ErrMessage and ErrCode.
	Status     int
	ErrMessage string
	ErrCode    string
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Delay waits before answering; StallAfter (with Stall) waits in the
	// middle of a stream, after that many chunks.
	Delay      time.Duration
	StallAfter int
	Stall      time.Duration
	// BreakAfter, when > 0, drops the connection after that many chunks,
	// without ending the stream.
	BreakAfter int
	// StreamError, when not empty, is sent inside the stream as an error
	// event after the chunks, instead of the end of the stream.
	StreamError string
}

// Server is a fake OpenAI-compatible server.
type Server struct {
	srv      *httptest.Server
	reply    func(call int, req Request) Reply
	mu       sync.Mutex
	requests []Request
	inFlight int
	peak     int
}

// New starts a server that answers the n-th request (from 0) with
// reply(n, req), and stops it when the test ends.
func New(tb testing.TB, reply func(call int, req Request) Reply) *Server {
	tb.Helper()
	s := &Server{reply: reply}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	return s
}

// Text returns a reply function that always answers text.
func Text(text string) func(int, Request) Reply {
	return func(int, Request) Reply { return Reply{Text: text} }
}

// BaseURL returns the API's base URL, ending in /v1.
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// Close stops the server, so that calls to it fail as unreachable.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Calls returns how many requests the server received.
func (s *Server) Calls() int { return len(s.Requests()) }

// PeakInFlight returns the most requests that were waiting for their answer
// at once.
func (s *Server) PeakInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		writeError(w, http.StatusNotFound, "no route "+r.URL.Path, "")
		return
	}
	var req Request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "bad JSON: "+err.Error(), "")
		return
	}
	req.Authorization = r.Header.Get("Authorization")
	s.mu.Lock()
	call := len(s.requests)
	s.requests = append(s.requests, req)
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	s.mu.Unlock()

	rep := s.reply(call, req)
	ok := sleep(r, rep.Delay)
	// A request counts as in flight until it starts to be answered: the
	// client may send the next one as soon as it has read this answer.
	s.mu.Lock()
	s.inFlight--
	s.mu.Unlock()
	if !ok {
		return
	}
	if rep.RetryAfter != "" {
		w.Header().Set("Retry-After", rep.RetryAfter)
	}
	if rep.Status != 0 && rep.Status != http.StatusOK {
		writeError(w, rep.Status, rep.ErrMessage, rep.ErrCode)
		return
	}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion", "created": 1, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": rep.Text}}},
		})
		return
	}
	s.stream(w, r, req, rep)
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, req Request, rep Reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher := w.(http.Flusher)
	send := func(v any) {
		data, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", data)
		flusher.Flush()
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": req.Model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	chunks := rep.Chunks
	if chunks == nil {
		chunks = words(rep.Text)
	}
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for i, c := range chunks {
		if rep.BreakAfter > 0 && i == rep.BreakAfter {
			panic(http.ErrAbortHandler) // drops the connection mid-stream
		}
		if rep.Stall > 0 && i == rep.StallAfter && !sleep(r, rep.Stall) {
			return
		}
		send(chunk(map[string]any{"content": c}, nil))
	}
	if rep.StreamError != "" {
		send(map[string]any{"error": map[string]any{"message": rep.StreamError, "type": "server_error"}})
		return
	}
	send(chunk(map[string]any{}, "stop"))
	fmt.Fprint(w, "data: [DONE]\n\n")
	flusher.Flush()
}

// words splits text into chunks that keep their spaces, like a model's tokens.
func words(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text[1:], ' ')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}

func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	select {
	case <-time.After(d):
		return true
	case <-r.Context().Done():
		return false
	}
}

func writeError(w http.ResponseWriter, status int, message, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]any{"message": message, "type": "invalid_request_error", "param": nil, "code": nil}
	if code != "" {
		e["code"] = code
	}
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}
