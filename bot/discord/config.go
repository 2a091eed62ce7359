package discord

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is how the bot connects to Discord and how much work it takes on.
// Zero values of the limits take the defaults listed on each field.
type Config struct {
	// Token is the bot token from the Discord developer portal (required),
	// with or without its "Bot " prefix.
	Token string
	// GuildID, when set, registers the slash commands in that one server,
	// which updates instantly, instead of globally.
	GuildID string
	// AdminIDs are the Discord user IDs allowed to run admin commands. None
	// means admin commands refuse everyone.
	AdminIDs []string
	// APIURL is the scheme and host REST calls go to instead of
	// https://discord.com, e.g. a shared rate-limit proxy. Empty means Discord.
	APIURL string
	// Shards are the gateway shards this process runs; the zero value runs
	// every shard of the count Discord recommends.
	Shards Shards

	// UserRate is how many questions one user may ask per UserRateWindow
	// (default 5 per minute).
	UserRate       int
	UserRateWindow time.Duration
	// Concurrency is how many answers are worked on at once (default 4), and
	// QueueSize how many more wait for a turn (default 100) before the bot
	// says it is busy.
	Concurrency int
	QueueSize   int
	// MaxQuestionChars caps the length of a question (default 1000).
	MaxQuestionChars int
	// AnswerTimeout bounds the work on one answer (default 2m).
	AnswerTimeout time.Duration
	// ShutdownTimeout is how long answers in flight may take to finish once
	// the bot is asked to stop (default 20s).
	ShutdownTimeout time.Duration
	// ProgressInterval is the least time between two progress edits while a
	// model streams (default 1s).
	ProgressInterval time.Duration
	// MemoryTurns is how many earlier exchanges a conversation keeps for
	// follow-up questions (default 6), MemoryTTL how long a quiet
	// conversation is remembered (default 30m).
	MemoryTurns int
	MemoryTTL   time.Duration
	// MaxAttachmentBytes caps the size of a file given to /load (default 10 MiB).
	MaxAttachmentBytes int64
}

// The defaults of Config's limits.
const (
	defaultUserRate           = 5
	defaultUserRateWindow     = time.Minute
	defaultConcurrency        = 4
	defaultQueueSize          = 100
	defaultMaxQuestionChars   = 1000
	defaultAnswerTimeout      = 2 * time.Minute
	defaultShutdownTimeout    = 20 * time.Second
	defaultProgressInterval   = time.Second
	defaultMemoryTurns        = 6
	defaultMemoryTTL          = 30 * time.Minute
	defaultMaxAttachmentBytes = 10 << 20
)

// ErrNoToken means DISCORD_TOKEN is not set.
var ErrNoToken = errors.New("DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications and put its token in .env")

// ConfigFromEnv reads the bot's configuration through getenv (os.Getenv in
// production): DISCORD_TOKEN (required), DISCORD_GUILD_ID, NEWSBOT_ADMIN_IDS,
// DISCORD_API_URL, DISCORD_SHARDS ("auto", "N" or "I-J/N"), NEWSBOT_USER_RATE ("5/1m"), NEWSBOT_ANSWER_CONCURRENCY,
// NEWSBOT_ANSWER_QUEUE, NEWSBOT_MAX_QUESTION_CHARS and
// NEWSBOT_SHUTDOWN_TIMEOUT. It returns ErrNoToken without a token, and an
// error naming the variable when a value is malformed.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{
		Token:   strings.TrimSpace(getenv("DISCORD_TOKEN")),
		GuildID: strings.TrimSpace(getenv("DISCORD_GUILD_ID")),
		APIURL:  strings.TrimSpace(getenv("DISCORD_API_URL")),
	}
	if cfg.Token == "" {
		return Config{}, ErrNoToken
	}
	if cfg.GuildID != "" && !isSnowflake(cfg.GuildID) {
		return Config{}, fmt.Errorf("DISCORD_GUILD_ID %q: want a numeric server ID", cfg.GuildID)
	}
	ids, err := parseAdminIDs(getenv("NEWSBOT_ADMIN_IDS"))
	if err != nil {
		return Config{}, fmt.Errorf("NEWSBOT_ADMIN_IDS: %w", err)
	}
	cfg.AdminIDs = ids
	if cfg.APIURL != "" {
		if _, err := parseAPIURL(cfg.APIURL); err != nil {
			return Config{}, fmt.Errorf("DISCORD_API_URL: %w", err)
		}
	}
	if v := strings.TrimSpace(getenv("DISCORD_SHARDS")); v != "" {
		shards, err := ParseShards(v)
		if err != nil {
			return Config{}, fmt.Errorf("DISCORD_SHARDS: %w", err)
		}
		cfg.Shards = shards
	}
	if v := strings.TrimSpace(getenv("NEWSBOT_USER_RATE")); v != "" {
		n, window, err := parseRate(v)
		if err != nil {
			return Config{}, fmt.Errorf("NEWSBOT_USER_RATE: %w", err)
		}
		cfg.UserRate, cfg.UserRateWindow = n, window
	}
	ints := []struct {
		name string
		dst  *int
	}{
		{"NEWSBOT_ANSWER_CONCURRENCY", &cfg.Concurrency},
		{"NEWSBOT_ANSWER_QUEUE", &cfg.QueueSize},
		{"NEWSBOT_MAX_QUESTION_CHARS", &cfg.MaxQuestionChars},
	}
	for _, v := range ints {
		s := strings.TrimSpace(getenv(v.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return Config{}, fmt.Errorf("%s %q: want a positive whole number", v.name, s)
		}
		*v.dst = n
	}
	if s := strings.TrimSpace(getenv("NEWSBOT_SHUTDOWN_TIMEOUT")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("NEWSBOT_SHUTDOWN_TIMEOUT %q: want a duration such as 20s", s)
		}
		cfg.ShutdownTimeout = d
	}
	return cfg, nil
}

// withDefaults fills in the zero limits.
func (c Config) withDefaults() Config {
	setInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setInt(&c.UserRate, defaultUserRate)
	setDur(&c.UserRateWindow, defaultUserRateWindow)
	setInt(&c.Concurrency, defaultConcurrency)
	setInt(&c.QueueSize, defaultQueueSize)
	setInt(&c.MaxQuestionChars, defaultMaxQuestionChars)
	setDur(&c.AnswerTimeout, defaultAnswerTimeout)
	setDur(&c.ShutdownTimeout, defaultShutdownTimeout)
	setDur(&c.ProgressInterval, defaultProgressInterval)
	setInt(&c.MemoryTurns, defaultMemoryTurns)
	setDur(&c.MemoryTTL, defaultMemoryTTL)
	if c.MaxAttachmentBytes <= 0 {
		c.MaxAttachmentBytes = defaultMaxAttachmentBytes
	}
	return c
}

// parseAdminIDs reads a comma-separated list of user IDs.
func parseAdminIDs(s string) ([]string, error) {
	var ids []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !isSnowflake(f) {
			return nil, fmt.Errorf("%q is not a Discord user ID (a number; turn on Developer Mode and use Copy User ID)", f)
		}
		ids = append(ids, f)
	}
	return ids, nil
}

// parseAPIURL checks a REST base URL: http or https, a host, nothing else.
func parseAPIURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q: want a scheme and host such as https://discord.com", s)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("%q: want only a scheme and host, no path, query or credentials", s)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// parseRate reads "N/DURATION" such as "5/1m".
func parseRate(s string) (int, time.Duration, error) {
	count, per, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("%q: want questions/period such as 5/1m", s)
	}
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n <= 0 {
		return 0, 0, fmt.Errorf("%q: want a positive number of questions", s)
	}
	d, err := time.ParseDuration(strings.TrimSpace(per))
	if err != nil || d <= 0 {
		return 0, 0, fmt.Errorf("%q: want a period such as 1m", s)
	}
	return n, d, nil
}

// isSnowflake reports whether s looks like a Discord ID: 1 to 20 digits.
func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
