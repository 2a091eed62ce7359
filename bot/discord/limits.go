package discord

import (
	"context"
	"sync"
	"time"

	"newsbot/bot"
)

// rateLimiter allows each user a number of questions per window, as a token
// bucket that refills continuously.
type rateLimiter struct {
	mu     sync.Mutex
	rate   int
	window time.Duration
	now    func() time.Time
	users  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(rate int, window time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{rate: rate, window: window, now: now, users: make(map[string]*bucket)}
}

// allow takes one question from user's allowance. When none is left it
// returns false and how long until there is one.
func (l *rateLimiter) allow(user string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	perToken := l.window / time.Duration(l.rate)
	b, ok := l.users[user]
	if !ok {
		if len(l.users) > 10000 {
			l.forgetFull(now)
		}
		b = &bucket{tokens: float64(l.rate), at: now}
		l.users[user] = b
	}
	b.tokens = min(float64(l.rate), b.tokens+float64(now.Sub(b.at))/float64(perToken))
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(perToken))
}

// refund gives back a question taken from user's allowance for work that
// was then refused, so a "busy" reply costs the user nothing.
func (l *rateLimiter) refund(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.users[user]; ok {
		b.tokens = min(float64(l.rate), b.tokens+1)
	}
}

// forgetFull drops the users whose allowance has refilled, bounding memory.
func (l *rateLimiter) forgetFull(now time.Time) {
	for user, b := range l.users {
		if now.Sub(b.at) >= l.window {
			delete(l.users, user)
		}
	}
}

// seenSet remembers recent event IDs so an event the gateway delivers twice
// is handled once. It keeps at most size IDs, forgetting the oldest.
type seenSet struct {
	mu    sync.Mutex
	size  int
	ids   map[string]struct{}
	order []string
	next  int
}

func newSeenSet(size int) *seenSet {
	return &seenSet{size: size, ids: make(map[string]struct{}, size), order: make([]string, size)}
}

// first reports whether id is seen for the first time, and remembers it.
func (s *seenSet) first(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[id]; ok {
		return false
	}
	if old := s.order[s.next]; old != "" {
		delete(s.ids, old)
	}
	s.order[s.next] = id
	s.next = (s.next + 1) % s.size
	s.ids[id] = struct{}{}
	return true
}

// workPool runs answers: at most `running` at once, and at most `admitted`
// (running plus waiting) accepted at all, so a burst queues up to a bound
// and beyond it the bot says it is busy. Work runs under its own context,
// which outlives the bot's so answers in flight can finish at shutdown.
type workPool struct {
	admit   chan struct{}
	running chan struct{}
	wg      sync.WaitGroup

	mu     sync.Mutex
	closed bool
}

func newWorkPool(running, waiting int) *workPool {
	return &workPool{
		admit:   make(chan struct{}, running+waiting),
		running: make(chan struct{}, running),
	}
}

// tryAdmit reserves a place for one piece of work. It returns false when
// the pool is full or closed; otherwise the caller must pass the place to
// start.
func (p *workPool) tryAdmit() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	select {
	case p.admit <- struct{}{}:
		p.wg.Add(1)
		return true
	default:
		return false
	}
}

// start runs f in the background once a running slot is free, on an
// admitted place. If ctx ends while f waits for a slot, f runs anyway with
// the ended ctx, so it can tell its user.
func (p *workPool) start(ctx context.Context, f func(ctx context.Context)) {
	go func() {
		defer p.wg.Done()
		defer func() { <-p.admit }()
		select {
		case p.running <- struct{}{}:
			defer func() { <-p.running }()
		case <-ctx.Done():
		}
		f(ctx)
	}()
}

// startNow runs f in the background on an admitted place without waiting
// for a running slot: for quick commands that call no model.
func (p *workPool) startNow(ctx context.Context, f func(ctx context.Context)) {
	go func() {
		defer p.wg.Done()
		defer func() { <-p.admit }()
		f(ctx)
	}()
}

// release gives back an admitted place that will not be started.
func (p *workPool) release() {
	<-p.admit
	p.wg.Done()
}

// close stops admitting work.
func (p *workPool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
}

// wait waits until all admitted work is done or timeout passes, and reports
// whether it all finished.
func (p *workPool) wait(timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		p.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// memory keeps each conversation's recent turns, keyed by user and channel:
// at most `turns` per conversation, forgotten after ttl without a question,
// and at most maxConversations at once.
type memory struct {
	mu    sync.Mutex
	turns int
	ttl   time.Duration
	now   func() time.Time
	convs map[string]*conversation
}

type conversation struct {
	turns []bot.Turn
	at    time.Time
}

const maxConversations = 10000

func newMemory(turns int, ttl time.Duration, now func() time.Time) *memory {
	return &memory{turns: turns, ttl: ttl, now: now, convs: make(map[string]*conversation)}
}

func conversationKey(userID, channelID string) string { return userID + "/" + channelID }

// history returns a copy of the conversation's recent turns, oldest first.
func (m *memory) history(key string) []bot.Turn {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.convs[key]
	if !ok {
		return nil
	}
	if m.now().Sub(c.at) > m.ttl {
		delete(m.convs, key)
		return nil
	}
	return append([]bot.Turn(nil), c.turns...)
}

// add appends a turn to the conversation, dropping the oldest beyond the bound.
func (m *memory) add(key string, t bot.Turn) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	c, ok := m.convs[key]
	if !ok || now.Sub(c.at) > m.ttl {
		if len(m.convs) >= maxConversations {
			m.evict(now)
		}
		c = &conversation{}
		m.convs[key] = c
	}
	c.turns = append(c.turns, t)
	if len(c.turns) > m.turns {
		c.turns = append([]bot.Turn(nil), c.turns[len(c.turns)-m.turns:]...)
	}
	c.at = now
}

// evict forgets expired conversations, and the oldest one if none expired.
func (m *memory) evict(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, c := range m.convs {
		if now.Sub(c.at) > m.ttl {
			delete(m.convs, k)
			continue
		}
		if oldestKey == "" || c.at.Before(oldest) {
			oldestKey, oldest = k, c.at
		}
	}
	if len(m.convs) >= maxConversations {
		delete(m.convs, oldestKey)
	}
}
