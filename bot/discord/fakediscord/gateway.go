package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The gateway's opcodes, as Discord numbers them.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opReconnect      = 7
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// Identified is one IDENTIFY a shard of the bot sent.
type Identified struct {
	// Shard is the [shard_id, shard_count] the session identified with;
	// [0, 1] when it sent none, as Discord reads it.
	Shard [2]int
	// Payload is the IDENTIFY's d object as sent.
	Payload json.RawMessage
	At      time.Time
}

// Resumed is one RESUME a shard of the bot sent for a session the fake knew.
type Resumed struct {
	Shard     int
	SessionID string
	Seq       int64
	At        time.Time
}

// gateway is the fake's websocket side: the sessions the bot's shards
// opened, which connection each is on now, and what they sent.
type gateway struct {
	mu             sync.Mutex
	shards         int // what GET /gateway/bot recommends
	maxConcurrency int // its session_start_limit.max_concurrency
	count          int // the shard count the bot last identified with
	byShard        map[int]*gatewaySession
	byID           map[string]*gatewaySession
	live           map[*wsConn]bool
	identifies     []Identified
	resumes        []Resumed
}

func (g *gateway) init() {
	g.shards, g.maxConcurrency, g.count = 1, 1, 1
	g.byShard = make(map[int]*gatewaySession)
	g.byID = make(map[string]*gatewaySession)
	g.live = make(map[*wsConn]bool)
}

// gatewaySession is one shard's session: it outlives a connection, as a
// RESUME picks it up on a new one.
type gatewaySession struct {
	id           string
	shard, count int

	mu   sync.Mutex // guards seq and conn; held while dispatching, so events go out in order
	seq  int64
	conn *wsConn // nil while the shard is disconnected
}

// wsConn is a websocket connection whose writes are serialized.
type wsConn struct {
	*websocket.Conn
	wmu sync.Mutex
}

func (c *wsConn) write(v any) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.WriteJSON(v)
}

func (c *wsConn) closeWith(code int, reason string) {
	c.wmu.Lock()
	c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason))
	c.wmu.Unlock()
}

func (g *gateway) closeAll() {
	g.mu.Lock()
	conns := make([]*wsConn, 0, len(g.live))
	for c := range g.live {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// SetGatewayBot sets what GET /gateway/bot answers: the recommended number
// of shards and session_start_limit.max_concurrency (both 1 by default).
func (s *Server) SetGatewayBot(shards, maxConcurrency int) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.shards, s.gw.maxConcurrency = max(shards, 1), max(maxConcurrency, 1)
}

func (s *Server) gatewayURL() string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway"
}

func (s *Server) gatewayBot() map[string]any {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return map[string]any{
		"url":    s.gatewayURL(),
		"shards": s.gw.shards,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": s.gw.maxConcurrency,
		},
	}
}

// Identify returns the latest IDENTIFY payload the bot sent, or nil before
// it sent one.
func (s *Server) Identify() json.RawMessage {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if len(s.gw.identifies) == 0 {
		return nil
	}
	return s.gw.identifies[len(s.gw.identifies)-1].Payload
}

// Identifies returns every IDENTIFY the bot's shards sent, in order.
func (s *Server) Identifies() []Identified {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return slices.Clone(s.gw.identifies)
}

// Resumes returns every RESUME the bot's shards sent for a known session,
// in order.
func (s *Server) Resumes() []Resumed {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return slices.Clone(s.gw.resumes)
}

// Connected reports whether any shard of the bot has identified and is
// connected.
func (s *Server) Connected() bool {
	return len(s.ConnectedShards()) > 0
}

// ConnectedShards returns the IDs of the shards connected now, in order.
func (s *Server) ConnectedShards() []int {
	s.gw.mu.Lock()
	sessions := make([]*gatewaySession, 0, len(s.gw.byShard))
	for _, sess := range s.gw.byShard {
		sessions = append(sessions, sess)
	}
	s.gw.mu.Unlock()
	var ids []int
	for _, sess := range sessions {
		sess.mu.Lock()
		if sess.conn != nil {
			ids = append(ids, sess.shard)
		}
		sess.mu.Unlock()
	}
	slices.Sort(ids)
	return ids
}

// ShardOf returns the shard Discord sends a server's events to when the
// bot runs count shards: (server ID >> 22) % count; direct messages, with
// no server, go to shard 0.
func ShardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if guildID == "" || err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// GuildOnShard returns a server ID whose events go to shard when the bot
// runs count shards; n tells apart several such servers.
func GuildOnShard(shard, count, n int) string {
	count = max(count, 1)
	k := uint64(1000+n)*uint64(count) + uint64(shard)
	return strconv.FormatUint(k<<22|uint64(n)&(1<<22-1), 10)
}

// Dispatch sends a gateway event (op 0) of type t with data to the shard
// that Discord would send it to: the shard of the event's guild_id, or
// shard 0 when it has none (direct messages). It returns an error when
// that shard is not connected.
func (s *Server) Dispatch(t string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("dispatch %s: %w", t, err)
	}
	var ev struct {
		ID      string `json:"id"`
		GuildID string `json:"guild_id"`
	}
	json.Unmarshal(raw, &ev)
	s.gw.mu.Lock()
	shard := ShardOf(ev.GuildID, s.gw.count)
	sess := s.gw.byShard[shard]
	s.gw.mu.Unlock()
	if sess == nil {
		return fmt.Errorf("dispatch %s: no bot connected on shard %d", t, shard)
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.conn == nil {
		return fmt.Errorf("dispatch %s: shard %d is disconnected", t, shard)
	}
	if t == "INTERACTION_CREATE" && ev.ID != "" {
		s.mu.Lock()
		if _, ok := s.sentAt[ev.ID]; !ok {
			s.sentAt[ev.ID] = time.Now()
		}
		s.mu.Unlock()
	}
	sess.seq++
	frame := map[string]any{"op": opDispatch, "s": sess.seq, "t": t, "d": json.RawMessage(raw)}
	if err := sess.conn.write(frame); err != nil {
		return fmt.Errorf("dispatch %s on shard %d: %w", t, shard, err)
	}
	return nil
}

// Reconnect asks the bot's shard to reconnect (op 7), as Discord does
// before it moves a session; a client then resumes on a new connection.
func (s *Server) Reconnect(shard int) error {
	s.gw.mu.Lock()
	sess := s.gw.byShard[shard]
	s.gw.mu.Unlock()
	if sess == nil {
		return fmt.Errorf("reconnect: no session on shard %d", shard)
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.conn == nil {
		return fmt.Errorf("reconnect: shard %d is disconnected", shard)
	}
	return sess.conn.write(map[string]any{"op": opReconnect, "d": nil})
}

// serveGateway speaks the gateway on one connection: HELLO, then either
// IDENTIFY (with an optional [shard_id, shard_count]) answered by READY, or
// RESUME of a known session answered by RESUMED, or by INVALID_SESSION when
// the session is unknown; then heartbeat acknowledgements and dispatched
// events while the bot stays connected.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.tb.Logf("fake Discord: upgrade gateway: %v", err)
		return
	}
	conn := &wsConn{Conn: ws}
	s.gw.mu.Lock()
	s.gw.live[conn] = true
	s.gw.mu.Unlock()
	var sess *gatewaySession
	defer func() {
		s.gw.mu.Lock()
		delete(s.gw.live, conn)
		s.gw.mu.Unlock()
		if sess != nil {
			sess.mu.Lock()
			if sess.conn == conn {
				sess.conn = nil
			}
			sess.mu.Unlock()
		}
		conn.Close()
		s.mu.Lock()
		s.notifyLocked()
		s.mu.Unlock()
	}()
	if err := conn.write(map[string]any{"op": opHello, "d": map[string]any{"heartbeat_interval": 41250}}); err != nil {
		return
	}
	for {
		var frame struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := conn.ReadJSON(&frame); err != nil {
			return
		}
		switch frame.Op {
		case opHeartbeat:
			if err := conn.write(map[string]any{"op": opHeartbeatACK}); err != nil {
				return
			}
		case opIdentify:
			if sess != nil {
				conn.closeWith(4005, "Already authenticated.")
				return
			}
			if sess = s.identify(conn, frame.D); sess == nil {
				return
			}
		case opResume:
			if sess != nil {
				conn.closeWith(4005, "Already authenticated.")
				return
			}
			var ok bool
			if sess, ok = s.resume(conn, frame.D); !ok {
				return
			}
		default:
			conn.closeWith(4001, "Unknown opcode.")
			return
		}
	}
}

// identify answers an IDENTIFY with READY and returns the new session, or
// closes the connection as Discord would and returns nil.
func (s *Server) identify(conn *wsConn, d json.RawMessage) *gatewaySession {
	var id struct {
		Token string  `json:"token"`
		Shard *[2]int `json:"shard"`
	}
	if json.Unmarshal(d, &id) != nil {
		conn.closeWith(4002, "Decode error.")
		return nil
	}
	if id.Token != "Bot "+Token {
		conn.closeWith(4004, "Authentication failed.")
		return nil
	}
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	if shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1] {
		conn.closeWith(4010, "Invalid shard.")
		return nil
	}
	sess := &gatewaySession{id: "fake-session-" + s.Snowflake(), shard: shard[0], count: shard[1], conn: conn, seq: 1}
	s.gw.mu.Lock()
	s.gw.identifies = append(s.gw.identifies, Identified{Shard: shard, Payload: slices.Clone(d), At: time.Now()})
	s.gw.count = shard[1]
	s.gw.byShard[shard[0]] = sess
	s.gw.byID[sess.id] = sess
	s.gw.mu.Unlock()

	sess.mu.Lock()
	err := conn.write(map[string]any{"op": opDispatch, "s": 1, "t": "READY", "d": map[string]any{
		"v":                  9,
		"session_id":         sess.id,
		"resume_gateway_url": s.gatewayURL(),
		"shard":              shard,
		"user":               map[string]any{"id": BotID, "username": BotName, "discriminator": "0", "bot": true},
		"application":        map[string]any{"id": AppID, "flags": 0},
		"guilds":             []any{},
	}})
	sess.mu.Unlock()
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	if err != nil {
		return nil
	}
	return sess
}

// resume picks up a known session on conn and answers RESUMED; for an
// unknown session it answers INVALID_SESSION (not resumable), after which
// the client may IDENTIFY on the same connection. It returns false when
// the connection is closed.
func (s *Server) resume(conn *wsConn, d json.RawMessage) (*gatewaySession, bool) {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(d, &r) != nil {
		conn.closeWith(4002, "Decode error.")
		return nil, false
	}
	if r.Token != "Bot "+Token {
		conn.closeWith(4004, "Authentication failed.")
		return nil, false
	}
	s.gw.mu.Lock()
	sess := s.gw.byID[r.SessionID]
	if sess != nil {
		s.gw.resumes = append(s.gw.resumes, Resumed{Shard: sess.shard, SessionID: sess.id, Seq: r.Seq, At: time.Now()})
	}
	s.gw.mu.Unlock()
	if sess == nil {
		return nil, conn.write(map[string]any{"op": opInvalidSession, "d": false}) == nil
	}
	sess.mu.Lock()
	old := sess.conn
	sess.conn = conn
	if r.Seq > sess.seq {
		sess.seq = r.Seq
	}
	sess.seq++
	err := conn.write(map[string]any{"op": opDispatch, "s": sess.seq, "t": "RESUMED", "d": map[string]any{}})
	sess.mu.Unlock()
	if old != nil && old != conn {
		old.closeWith(websocket.CloseNormalClosure, "resumed elsewhere")
		old.Close()
	}
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
	if err != nil {
		return nil, false
	}
	return sess, true
}

var upgrader = websocket.Upgrader{}
