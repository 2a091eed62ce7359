// Package discord puts newsbot on Discord: slash commands, direct messages
// and mentions answered with cited sentences, and admin commands to load and
// remove articles and manage feeds. It is the only package that speaks
// Discord's protocol; the answers themselves come from package bot.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"newsbot/bot"
	"newsbot/knowledge"
	"newsbot/knowledge/feeds"
	"newsbot/knowledge/load"
)

// Answerer answers a question from the knowledge base with checked
// citations; *bot.Answerer is one. onText, when not nil, receives the whole
// text so far while a model writes it.
type Answerer interface {
	Answer(ctx context.Context, question string, history []bot.Turn, onText func(partial string)) (bot.Answer, error)
}

// Library is the knowledge base as the commands use it; *knowledge.Store is one.
type Library interface {
	Search(ctx context.Context, query string, opts knowledge.SearchOptions) ([]knowledge.Passage, error)
	Articles(ctx context.Context, opts knowledge.ListOptions) ([]knowledge.Article, error)
	Remove(ctx context.Context, id string) error
}

// Loader loads articles for /load; *load.Loader is one. The bot passes Load
// only http(s) URLs, never paths.
type Loader interface {
	Load(ctx context.Context, sources []string) (load.Report, error)
	LoadBytes(ctx context.Context, name string, data []byte) (load.Report, error)
}

// Feeds manages the RSS, Atom and JSON feeds the bot follows, for /feeds;
// *feeds.Feeds is one.
type Feeds interface {
	Add(ctx context.Context, url string) (feeds.Feed, error)
	List(ctx context.Context) ([]feeds.Feed, error)
	Remove(ctx context.Context, url string) error
}

// Deps are what the bot works with. Answerer and Library are required;
// without Loader or Feeds the admin commands that need them say they are
// not set up.
type Deps struct {
	Answerer Answerer
	Library  Library
	Loader   Loader
	Feeds    Feeds
	// Feedback, when set, keeps what people say of answers: every answer
	// gets "Helpful" and "Wrong or unsupported" buttons, which work for a
	// day, restarts included, and admins can read the latest with
	// /feedback.
	Feedback Feedback
	// Now is the clock for rate limits and conversation memory (default time.Now).
	Now func() time.Time
	// Ready, when set, is called once the bot is connected and its commands
	// are registered, with its name and the URL that invites it to a server.
	Ready func(name, inviteURL string)
}

// Bot is newsbot connected to Discord. Create it with New and start it with Run.
type Bot struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	// session makes the REST calls and is never connected; shards are the
	// gateway sessions, one per shard this process runs, which take their
	// token, HTTP client, rate limits and reconnection setting from it.
	session      *discordgo.Session
	shards       []*discordgo.Session
	identifyWait time.Duration // between starting two groups of shards

	commands    map[string]*slashCommand
	limiter     *rateLimiter
	seen        *seenSet
	pool        *workPool
	memory      *memory
	attachments *attachmentFetcher
	pagers      *remembered[pager] // listings that can be paged
	roles       *roleCache
	examples    *exampleCache

	// workCtx is the context answers run under; it ends only after the
	// shutdown deadline, so answers in flight can finish.
	workCtx    context.Context
	cancelWork context.CancelFunc

	closing atomic.Bool
	botID   atomic.Value // string: the bot's own user ID
	appID   atomic.Value // string: the application's ID
	runOnce sync.Once
}

// New builds a bot from its configuration and dependencies. It returns an
// error when the token or a required dependency is missing or the
// configuration is malformed; it does not connect yet.
func New(cfg Config, deps Deps, log *slog.Logger) (*Bot, error) {
	if cfg.Token == "" {
		return nil, ErrNoToken
	}
	if deps.Answerer == nil || deps.Library == nil {
		return nil, errors.New("new discord bot: an Answerer and a Library are required")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	client, err := restClient(cfg.APIURL)
	if err != nil {
		return nil, fmt.Errorf("new discord bot: %w", err)
	}
	token := cfg.Token
	if !hasPrefixFold(token, "Bot ") {
		token = "Bot " + token
	}
	session, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("new discord session: %w", err)
	}
	session.Client = client
	session.StateEnabled = false
	// Replies and edits carry their own timeouts; a REST call that Discord
	// rate-limits waits its turn rather than failing.
	session.ShouldRetryOnRateLimit = true

	b := &Bot{
		cfg:          cfg,
		deps:         deps,
		log:          log,
		session:      session,
		identifyWait: identifyInterval,
		commands:     make(map[string]*slashCommand),
		limiter:      newRateLimiter(cfg.UserRate, cfg.UserRateWindow, deps.Now),
		seen:         newSeenSet(4096),
		pool:         newWorkPool(cfg.Concurrency, cfg.QueueSize),
		memory:       newMemory(cfg.MemoryTurns, cfg.MemoryTTL, deps.Now),
		attachments:  newAttachmentFetcher(cfg.APIURL, cfg.MaxAttachmentBytes),
		pagers:       newRemembered[pager](pageButtonsTTL, maxRemembered, deps.Now),
		roles:        newRoleCache(deps.Now),
		examples:     &exampleCache{now: deps.Now},
	}
	b.workCtx, b.cancelWork = context.WithCancel(context.Background())
	b.botID.Store("")
	b.appID.Store("")
	for _, c := range commandTable {
		b.commands[c.def.Name] = c
	}
	return b, nil
}

// Intents are the gateway events the bot asks for: messages in servers (it
// answers those that mention it) and direct messages. Slash commands need no
// intent, and the privileged Message Content intent is not needed: Discord
// sends the content of DMs and of messages that mention the bot anyway.
const Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// Permissions are the channel permissions the bot needs, and asks for in
// its invite URL: see channels, send messages (also in threads), embed
// links, without which Discord hides the sources embed of an answer, and
// read message history, which replies need.
const Permissions = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionReadMessageHistory

// InviteURL returns the link that adds the application to a server with
// the bot and applications.commands scopes and the Permissions it needs.
func InviteURL(appID string) string {
	q := url.Values{}
	q.Set("client_id", appID)
	q.Set("permissions", strconv.FormatInt(Permissions, 10))
	q.Set("scope", "bot applications.commands")
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}

// Run connects to Discord, one gateway session per shard it runs (see
// Shards), registers the slash commands and answers until ctx ends; each
// shard reconnects on its own when its connection drops. Then it stops
// taking new work, lets answers in flight finish within the shutdown
// timeout and disconnects; it returns nil after such a graceful shutdown.
// It returns an error when it cannot connect or register the commands. Run
// may be called once.
func (b *Bot) Run(ctx context.Context) error {
	ran := false
	b.runOnce.Do(func() { ran = true })
	if !ran {
		return errors.New("run discord bot: already run")
	}
	ready, err := b.connect(ctx)
	if err != nil {
		if ctx.Err() != nil {
			b.shutdown()
			return nil
		}
		b.closeShards()
		b.cancelWork()
		return err
	}
	b.botID.Store(ready.User.ID)
	b.appID.Store(ready.Application.ID)
	if err := b.registerCommands(); err != nil {
		b.closeShards()
		b.cancelWork()
		return err
	}
	b.log.Info("newsbot is on Discord",
		"name", ready.User.Username, "id", ready.User.ID,
		"invite", InviteURL(ready.Application.ID),
		"commands", scopeName(b.cfg.GuildID))
	if b.deps.Ready != nil {
		b.deps.Ready(ready.User.Username, InviteURL(ready.Application.ID))
	}
	if len(b.cfg.AdminIDs) == 0 {
		b.log.Warn("no admins configured: /load, /remove and /feeds refuse everyone until NEWSBOT_ADMIN_IDS lists user IDs")
	}

	<-ctx.Done()
	b.shutdown()
	return nil
}

// shutdown stops taking work, waits for work in flight up to the shutdown
// timeout, then cancels what is left and disconnects.
func (b *Bot) shutdown() {
	b.log.Info("shutting down: finishing answers in flight", "timeout", b.cfg.ShutdownTimeout)
	b.closing.Store(true)
	b.pool.close()
	closed := make(chan struct{})
	go func() {
		b.closeShards()
		close(closed)
	}()
	if !b.pool.wait(b.cfg.ShutdownTimeout) {
		b.log.Warn("shutdown timeout passed: cancelling answers still in flight")
		b.cancelWork()
		if !b.pool.wait(5 * time.Second) {
			b.log.Error("answers still in flight after cancelling; leaving them")
		}
	}
	b.cancelWork()
	<-closed
	b.log.Info("disconnected from Discord")
}

// registerCommands registers every slash command with one bulk overwrite,
// in the configured server or globally.
func (b *Bot) registerCommands() error {
	defs := definitions()
	if _, err := b.session.ApplicationCommandBulkOverwrite(b.applicationID(), b.cfg.GuildID, defs); err != nil {
		return fmt.Errorf("register slash commands (%s): %w", scopeName(b.cfg.GuildID), err)
	}
	return nil
}

func scopeName(guildID string) string {
	if guildID == "" {
		return "global"
	}
	return "server " + guildID
}

func (b *Bot) applicationID() string { return b.appID.Load().(string) }
func (b *Bot) selfID() string        { return b.botID.Load().(string) }

// onReady keeps the bot's own IDs current across reconnects.
func (b *Bot) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	if r.User != nil && r.User.ID != "" {
		b.botID.Store(r.User.ID)
	}
	if r.Application != nil && r.Application.ID != "" {
		b.appID.Store(r.Application.ID)
	}
}

// recoverPanic keeps one bad event from taking the bot down; it must be
// deferred directly. tell, when not nil, lets the user know something
// went wrong.
func (b *Bot) recoverPanic(what string, tell func()) {
	if r := recover(); r != nil {
		b.log.Error("panic handling Discord event", "event", what, "panic", r, "stack", string(debug.Stack()))
		if tell != nil {
			tell()
		}
	}
}

// errInternal stands for a failure whose details are only in the log.
var errInternal = errors.New("internal error")

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
