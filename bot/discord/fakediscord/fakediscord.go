// Package fakediscord is a fake Discord for tests: the REST API and the
// gateway websocket on 127.0.0.1, speaking Discord's wire protocol closely
// enough for a real discordgo Session. It records every REST call so tests
// can assert on method, path and JSON body, and it pushes gateway events
// (slash commands, messages) to the connected bot: to the shard Discord
// would send each to, when the bot runs several (GET /gateway/bot says how
// many it recommends). Shards identify, resume and reconnect as on Discord.
package fakediscord

import (
	"encoding/json"
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
	sentAt    map[string]time.Time // interaction ID → when it was dispatched
	deferLags map[string]time.Duration
	originals map[string]string           // interaction token → its response's message ID
	roles     map[string][]map[string]any // guild ID → its roles

	gw gateway

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
		originals: make(map[string]string),
		roles:     make(map[string][]map[string]any),
	}
	s.nextID.Store(200000000000000000)
	s.gw.init()
	// The URL is known before the server serves, so handlers read it
	// without a race.
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.URL = "http://" + s.srv.Listener.Addr().String()
	s.srv.Start()
	tb.Cleanup(s.Close)
	return s
}

// Close disconnects the bot's every shard and stops the server.
func (s *Server) Close() {
	s.gw.closeAll()
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

// DeferLag returns how long after its dispatch the interaction was
// acknowledged, and whether it was.
func (s *Server) DeferLag(interactionID string) (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deferLags[interactionID]
	return d, ok
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
	case method == "GET" && path == "/gateway":
		return http.StatusOK, map[string]any{"url": s.gatewayURL()}
	case method == "GET" && path == "/gateway/bot":
		return http.StatusOK, s.gatewayBot()
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
		if msg := checkCallback(body); msg != "" {
			return http.StatusBadRequest, discordError(50035, msg)
		}
		return http.StatusNoContent, nil
	case len(parts) == 5 && parts[0] == "webhooks" && parts[3] == "messages" && method == "PATCH":
		if msg := checkMessage(body, ""); msg != "" {
			return http.StatusBadRequest, discordError(50035, msg)
		}
		id := parts[4]
		if id == "@original" {
			id = s.originalID(parts[2])
		}
		return http.StatusOK, s.message(id, "", body)
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
	case len(parts) == 3 && parts[0] == "guilds" && parts[2] == "roles" && method == "GET":
		return http.StatusOK, s.guildRoles(parts[1])
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
	if raw, ok := msg["embeds"]; ok && string(raw) != "null" {
		if m := checkEmbeds(raw); m != "" {
			return m
		}
	}
	if raw, ok := msg["components"]; ok && string(raw) != "null" {
		if m := checkComponents(raw); m != "" {
			return m
		}
	}
	return ""
}

// checkCallback checks an interaction callback: a response type Discord
// knows, and its message within Discord's limits.
func checkCallback(body []byte) string {
	var cb struct {
		Type int `json:"type"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return "Invalid JSON"
	}
	switch cb.Type {
	case 1, 4, 5, 6, 7:
	default:
		return fmt.Sprintf("type: Value %d is not a valid interaction response type.", cb.Type)
	}
	return checkMessage(body, "data")
}

// Embed is the part of a message embed the fake checks and tests read.
type Embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Author *struct {
		Name string `json:"name"`
	} `json:"author"`
}

// checkEmbeds applies Discord's embed limits: at most 10 embeds; a title of
// 256 characters, a description of 4,096, 25 fields of 256 and 1,024, a
// footer of 2,048, and 6,000 characters in all the message's embeds.
func checkEmbeds(raw json.RawMessage) string {
	var embeds []Embed
	if err := json.Unmarshal(raw, &embeds); err != nil {
		return "embeds: Invalid Form Body"
	}
	if len(embeds) > 10 {
		return "embeds: Must be 10 or fewer in length."
	}
	total := 0
	n := utf8.RuneCountInString
	for i, e := range embeds {
		switch {
		case n(e.Title) > 256:
			return fmt.Sprintf("embeds.%d.title: Must be 256 or fewer in length.", i)
		case n(e.Description) > 4096:
			return fmt.Sprintf("embeds.%d.description: Must be 4096 or fewer in length.", i)
		case len(e.Fields) > 25:
			return fmt.Sprintf("embeds.%d.fields: Must be 25 or fewer in length.", i)
		}
		total += n(e.Title) + n(e.Description)
		for j, f := range e.Fields {
			if n(f.Name) > 256 || n(f.Value) > 1024 || f.Name == "" || f.Value == "" {
				return fmt.Sprintf("embeds.%d.fields.%d: Invalid field.", i, j)
			}
			total += n(f.Name) + n(f.Value)
		}
		if e.Footer != nil {
			if n(e.Footer.Text) > 2048 {
				return fmt.Sprintf("embeds.%d.footer.text: Must be 2048 or fewer in length.", i)
			}
			total += n(e.Footer.Text)
		}
		if e.Author != nil {
			total += n(e.Author.Name)
		}
	}
	if total > 6000 {
		return fmt.Sprintf("embeds: Embed size exceeds maximum size of 6000 (got %d).", total)
	}
	return ""
}

// checkComponents applies Discord's limits on buttons: at most 5 action
// rows of at most 5 buttons, each with a label of at most 80 characters and
// either a custom_id of 1 to 100 characters or, for a link button, a URL.
func checkComponents(raw json.RawMessage) string {
	var rows []struct {
		Type       int `json:"type"`
		Components []struct {
			Type     int    `json:"type"`
			Style    int    `json:"style"`
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
			URL      string `json:"url"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &rows); err != nil {
		return "components: Invalid Form Body"
	}
	if len(rows) > 5 {
		return "components: Must be 5 or fewer in length."
	}
	seen := map[string]bool{}
	for i, row := range rows {
		if row.Type != 1 || len(row.Components) == 0 || len(row.Components) > 5 {
			return fmt.Sprintf("components.%d: Invalid action row.", i)
		}
		for j, c := range row.Components {
			if c.Type != 2 || c.Style < 1 || c.Style > 6 || utf8.RuneCountInString(c.Label) > 80 {
				return fmt.Sprintf("components.%d.components.%d: Invalid button.", i, j)
			}
			if c.Style == 5 {
				if c.URL == "" || c.CustomID != "" {
					return fmt.Sprintf("components.%d.components.%d: A link button needs a url and no custom_id.", i, j)
				}
				continue
			}
			if c.CustomID == "" || len(c.CustomID) > 100 || c.URL != "" {
				return fmt.Sprintf("components.%d.components.%d.custom_id: Must be between 1 and 100 in length.", i, j)
			}
			if seen[c.CustomID] {
				return fmt.Sprintf("components.%d.components.%d.custom_id: Component custom id cannot be duplicated", i, j)
			}
			seen[c.CustomID] = true
		}
	}
	return ""
}

// message returns the message Discord would send back for a body.
func (s *Server) message(id, channelID string, body []byte) map[string]any {
	var sent map[string]any
	json.Unmarshal(body, &sent)
	content, _ := sent["content"].(string)
	m := map[string]any{
		"id":         id,
		"channel_id": channelID,
		"content":    content,
		"author":     map[string]any{"id": BotID, "username": BotName, "bot": true},
		"timestamp":  time.Now().UTC().Format(time.RFC3339),
		"type":       0,
		"embeds":     []any{},
		"components": []any{},
	}
	for _, k := range []string{"embeds", "components"} {
		if v, ok := sent[k].([]any); ok {
			m[k] = v
		}
	}
	return m
}

// originalID returns the ID of the message that answers the interaction
// with token, the same on every call, as Discord gives the original
// response one message ID.
func (s *Server) originalID(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.originals[token]
	if !ok {
		id = s.Snowflake()
		s.originals[token] = id
	}
	return id
}

// OriginalID returns the message ID of the response to the interaction
// with token, as its edits return it.
func (s *Server) OriginalID(token string) string { return s.originalID(token) }

// SetRoles sets a server's roles, as GET /guilds/{id}/roles returns them.
// A server without roles set has @everyone and the bot's managed role,
// BotRoleID, whose tags name the bot.
func (s *Server) SetRoles(guildID string, roles []map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[guildID] = roles
}

// BotRoleID is the ID of the bot's managed role in every server whose roles
// are not set.
const BotRoleID = "100000000000000003"

func (s *Server) guildRoles(guildID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if roles, ok := s.roles[guildID]; ok {
		return roles
	}
	return []map[string]any{
		{"id": guildID, "name": "@everyone", "managed": false, "position": 0, "permissions": "0"},
		{"id": "100000000000000004", "name": "Other bot", "managed": true, "position": 1, "permissions": "0",
			"tags": map[string]any{"bot_id": "100000000000000009"}},
		{"id": BotRoleID, "name": BotName, "managed": true, "position": 2, "permissions": "0",
			"tags": map[string]any{"bot_id": BotID}},
	}
}

func discordError(code int, msg string) map[string]any {
	return map[string]any{"code": code, "message": msg}
}
