// Package fakediscord is a fake Discord for tests: the REST API and the
// gateway websocket on 127.0.0.1, speaking Discord's wire protocol closely
// enough for a real discordgo Session. It records every REST call so tests
// can assert on method, path and JSON body, and it pushes gateway events
// (slash commands, messages) to the connected bot.
package fakediscord

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// The identities the fake gives the bot and its application.
const (
	AppID   = "100000000000000001"
	BotID   = "100000000000000002"
	BotName = "newsbot-test"
	// Token is the bot token the fake accepts.
	Token = "fake-token"
)

// apiPrefix is the REST API's path prefix.
const apiPrefix = "/api/v9"

// Call is one REST call the bot made.
type Call struct {
	Method string
	Path   string // without the /api/v9 prefix, e.g. /channels/1/messages
	Query  string
	Body   []byte
	Status int // what the fake answered
	At     time.Time
}

// Decode unmarshals the call's JSON body into v; it returns an error when
// the body is not JSON.
func (c Call) Decode(v any) error {
	if err := json.Unmarshal(c.Body, v); err != nil {
		return fmt.Errorf("decode %s %s body %q: %w", c.Method, c.Path, c.Body, err)
	}
	return nil
}

// String describes the call for test failures.
func (c Call) String() string {
	return fmt.Sprintf("%s %s %s", c.Method, c.Path, c.Body)
}

// Server is a running fake Discord.
type Server struct {
	// URL is the scheme and host to give the bot as DISCORD_API_URL.
	URL string

	tb  testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every recorded change
	calls     []Call
	files     map[string][]byte
	identify  json.RawMessage
	conn      *websocket.Conn
	connMu    sync.Mutex // serializes writes to conn
	seq       int64
	sentAt    map[string]time.Time // interaction ID → when it was dispatched
	deferLags map[string]time.Duration

	nextID atomic.Int64
}

// New starts a fake Discord; it is closed when the test ends (close the
// bot's session before that).
func New(tb testing.TB) *Server {
	s := &Server{
		tb:        tb,
		changed:   make(chan struct{}),
		files:     make(map[string][]byte),
		sentAt:    make(map[string]time.Time),
		deferLags: make(map[string]time.Duration),
	}
	s.nextID.Store(200000000000000000)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close disconnects the bot and stops the server.
func (s *Server) Close() {
	s.connMu.Lock()
	if s.conn != nil {
		s.conn.Close()
	}
	s.connMu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// ServeFile makes data downloadable as an attachment and returns its URL.
func (s *Server) ServeFile(name string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[name] = data
	return s.URL + "/attachments/" + name
}

// Snowflake returns a new unique ID.
func (s *Server) Snowflake() string {
	return strconv.FormatInt(s.nextID.Add(1), 10)
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Calls returns every REST call recorded so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// WaitFor waits until done, given all calls so far, returns true, and
// returns the calls. It fails the test after timeout.
func (s *Server) WaitFor(timeout time.Duration, what string, done func(calls []Call) bool) []Call {
	s.tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		calls, changed := slices.Clone(s.calls), s.changed
		s.mu.Unlock()
		if done(calls) {
			return calls
		}
		select {
		case <-changed:
		case <-deadline.C:
			s.tb.Fatalf("fake Discord: waited %v for %s; calls:\n%s", timeout, what, describe(calls))
			return nil
		}
	}
}

func describe(calls []Call) string {
	var b strings.Builder
	for _, c := range calls {
		body := string(c.Body)
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		fmt.Fprintf(&b, "  %s %s → %d %s\n", c.Method, c.Path, c.Status, body)
	}
	return b.String()
}

// Identify returns the IDENTIFY payload the bot sent, or nil before it did.
func (s *Server) Identify() json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identify
}

// DeferLag returns how long after its dispatch the interaction was
// acknowledged, and whether it was.
func (s *Server) DeferLag(interactionID string) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deferLags[interactionID]
	return d, ok
}

// Dispatch sends a gateway event (op 0) of type t with data to the bot.
func (s *Server) Dispatch(t string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("dispatch %s: %w", t, err)
	}
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.conn == nil {
		return errors.New("dispatch " + t + ": no bot connected")
	}
	s.seq++
	if t == "INTERACTION_CREATE" {
		var in struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &in) == nil {
			s.mu.Lock()
			if _, ok := s.sentAt[in.ID]; !ok {
				s.sentAt[in.ID] = time.Now()
			}
			s.mu.Unlock()
		}
	}
	frame := map[string]any{"op": 0, "s": s.seq, "t": t, "d": json.RawMessage(raw)}
	if err := s.conn.WriteJSON(frame); err != nil {
		return fmt.Errorf("dispatch %s: %w", t, err)
	}
	return nil
}

var upgrader = websocket.Upgrader{}

// serveGateway speaks the gateway: HELLO, then IDENTIFY from the bot, READY,
// then heartbeat acknowledgements while the bot stays connected.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.tb.Logf("fake Discord: upgrade gateway: %v", err)
		return
	}
	defer conn.Close()
	write := func(v any) error {
		s.connMu.Lock()
		defer s.connMu.Unlock()
		return conn.WriteJSON(v)
	}
	if err := write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}}); err != nil {
		return
	}
	var frame struct {
		Op int             `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if err := conn.ReadJSON(&frame); err != nil || frame.Op != 2 {
		s.tb.Logf("fake Discord: expected IDENTIFY (op 2), got op %d, err %v", frame.Op, err)
		return
	}
	var id struct {
		Token string `json:"token"`
	}
	if json.Unmarshal(frame.D, &id) != nil || id.Token != "Bot "+Token {
		conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		return
	}
	s.mu.Lock()
	s.identify = slices.Clone(frame.D)
	s.mu.Unlock()
	s.connMu.Lock()
	s.seq = 1
	s.conn = conn
	err = conn.WriteJSON(map[string]any{"op": 0, "s": 1, "t": "READY", "d": map[string]any{
		"v":           9,
		"session_id":  "fake-session",
		"user":        map[string]any{"id": BotID, "username": BotName, "discriminator": "0", "bot": true},
		"application": map[string]any{"id": AppID, "flags": 0},
		"guilds":      []any{},
	}})
	s.connMu.Unlock()
	if err != nil {
		return
	}
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	for {
		if err := conn.ReadJSON(&frame); err != nil {
			s.connMu.Lock()
			if s.conn == conn {
				s.conn = nil
			}
			s.connMu.Unlock()
			return
		}
		if frame.Op == 1 {
			if err := write(map[string]any{"op": 11}); err != nil {
				return
			}
		}
	}
}

// Connected reports whether a bot has identified and is connected.
func (s *Server) Connected() bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return s.conn != nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/gateway"):
		s.serveGateway(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/attachments/"):
		s.mu.Lock()
		data, ok := s.files[strings.TrimPrefix(r.URL.Path, "/attachments/")]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(data)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	path := strings.TrimPrefix(r.URL.Path, apiPrefix)
	status, resp := s.route(r, path, body)
	now := time.Now()
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: body, Status: status, At: now})
	if status < 300 && r.Method == http.MethodPost && strings.HasSuffix(path, "/callback") {
		if id := segment(path, 1); id != "" {
			if sent, ok := s.sentAt[id]; ok {
				if _, seen := s.deferLags[id]; !seen {
					s.deferLags[id] = now.Sub(sent)
				}
			}
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	if resp == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(resp)
}

// segment returns the i-th element of a slash-separated path ("" at 0).
func segment(path string, i int) string {
	parts := strings.Split(path, "/")
	if i+1 < len(parts) {
		return parts[i+1]
	}
	return ""
}

// route answers a REST call as Discord would.
func (s *Server) route(r *http.Request, path string, body []byte) (int, any) {
	if !strings.HasPrefix(r.URL.Path, apiPrefix+"/") {
		return http.StatusNotFound, discordError(0, "404: Not Found")
	}
	// Interaction callbacks and webhooks authenticate by their token.
	if !strings.HasPrefix(path, "/interactions/") && !strings.HasPrefix(path, "/webhooks/") && path != "/gateway" &&
		r.Header.Get("Authorization") != "Bot "+Token {
		return http.StatusUnauthorized, discordError(0, "401: Unauthorized")
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	method := r.Method
	switch {
	case method == "GET" && (path == "/gateway" || path == "/gateway/bot"):
		return http.StatusOK, map[string]any{"url": "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway"}
	case method == "PUT" && len(parts) >= 3 && parts[0] == "applications" && parts[len(parts)-1] == "commands":
		var cmds []map[string]any
		if err := json.Unmarshal(body, &cmds); err != nil {
			return http.StatusBadRequest, discordError(50109, "The request body contains invalid JSON.")
		}
		for _, c := range cmds {
			c["id"] = s.Snowflake()
			c["application_id"] = parts[1]
			c["version"] = s.Snowflake()
		}
		return http.StatusOK, cmds
	case method == "POST" && len(parts) == 4 && parts[0] == "interactions" && parts[3] == "callback":
		if msg := checkMessage(body, "data"); msg != "" {
			return http.StatusBadRequest, discordError(50035, msg)
		}
		return http.StatusNoContent, nil
	case len(parts) == 5 && parts[0] == "webhooks" && parts[3] == "messages" && method == "PATCH":
		if msg := checkMessage(body, ""); msg != "" {
			return http.StatusBadRequest, discordError(50035, msg)
		}
		return http.StatusOK, s.message(parts[4], "", body)
	case len(parts) == 5 && parts[0] == "webhooks" && parts[3] == "messages" && method == "DELETE":
		return http.StatusNoContent, nil
	case len(parts) == 3 && parts[0] == "webhooks" && method == "POST":
		if msg := checkMessage(body, ""); msg != "" {
			return http.StatusBadRequest, discordError(50035, msg)
		}
		return http.StatusOK, s.message(s.Snowflake(), "", body)
	case len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages" && method == "POST":
		if msg := checkMessage(body, ""); msg != "" {
			return http.StatusBadRequest, discordError(50035, msg)
		}
		return http.StatusOK, s.message(s.Snowflake(), parts[1], body)
	case len(parts) == 3 && parts[0] == "channels" && parts[2] == "typing" && method == "POST":
		return http.StatusNoContent, nil
	}
	return http.StatusNotFound, discordError(0, "404: Not Found")
}

// checkMessage applies Discord's limits to a message body (or to its field
// named in, for interaction callbacks), returning what is wrong or "".
func checkMessage(body []byte, in string) string {
	var msg map[string]json.RawMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		return "Invalid JSON"
	}
	if in != "" {
		inner, ok := msg[in]
		if !ok || string(inner) == "null" {
			return ""
		}
		msg = nil
		if err := json.Unmarshal(inner, &msg); err != nil {
			return "Invalid Form Body"
		}
	}
	var content string
	if raw, ok := msg["content"]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &content); err != nil {
			return "content: must be a string"
		}
	}
	if n := utf8.RuneCountInString(content); n > 2000 {
		return fmt.Sprintf("content: Must be 2000 or fewer in length (got %d).", n)
	}
	return ""
}

// message returns the message Discord would send back for a body.
func (s *Server) message(id, channelID string, body []byte) map[string]any {
	var sent map[string]any
	json.Unmarshal(body, &sent)
	content, _ := sent["content"].(string)
	return map[string]any{
		"id":         id,
		"channel_id": channelID,
		"content":    content,
		"author":     map[string]any{"id": BotID, "username": BotName, "bot": true},
		"timestamp":  time.Now().UTC().Format(time.RFC3339),
		"type":       0,
	}
}

func discordError(code int, msg string) map[string]any {
	return map[string]any{"code": code, "message": msg}
}
