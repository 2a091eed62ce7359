package main

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"newsbot/bot"
	"newsbot/bot/model"
	"newsbot/knowledge"
	"newsbot/prompts"
)

// modelFromEnv returns the chat model that the environment configures:
// OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL, tuned by
// NEWSBOT_MODEL_TIMEOUT, NEWSBOT_MODEL_RETRIES, NEWSBOT_MODEL_CONCURRENCY,
// NEWSBOT_MODEL_TEMPERATURE and NEWSBOT_MODEL_MAX_TOKENS. It returns a nil Model when neither OPENAI_MODEL
// nor OPENAI_BASE_URL is set (answers are then extracts), and an error naming
// the variable when one is invalid.
func modelFromEnv(log *slog.Logger) (model.Model, error) {
	baseURL, name := getenv("OPENAI_BASE_URL", ""), getenv("OPENAI_MODEL", "")
	if baseURL == "" && name == "" {
		return nil, nil
	}
	cfg := model.Config{
		BaseURL: baseURL,
		APIKey:  getenv("OPENAI_API_KEY", ""),
		Model:   name,
	}
	var err error
	if cfg.Timeout, err = envDuration("NEWSBOT_MODEL_TIMEOUT", 60*time.Second); err != nil {
		return nil, err
	}
	retries, err := envInt("NEWSBOT_MODEL_RETRIES", 2, 0, 10)
	if err != nil {
		return nil, err
	}
	cfg.Retries = retries
	if retries == 0 {
		cfg.Retries = -1 // none
	}
	if cfg.Concurrency, err = envInt("NEWSBOT_MODEL_CONCURRENCY", 4, 1, 256); err != nil {
		return nil, err
	}
	if cfg.Temperature, err = envTemperature("NEWSBOT_MODEL_TEMPERATURE"); err != nil {
		return nil, err
	}
	// Unset: the model's default, which OpenAI's reasoning models are not
	// sent; 0: none, the server's default.
	if getenv("NEWSBOT_MODEL_MAX_TOKENS", "") != "" {
		if cfg.MaxTokens, err = envInt("NEWSBOT_MODEL_MAX_TOKENS", 0, 0, 1_000_000); err != nil {
			return nil, err
		}
		if cfg.MaxTokens == 0 {
			cfg.MaxTokens = -1
		}
	}
	m, err := model.NewOpenAI(cfg, log)
	if err != nil {
		return nil, err
	}
	log.Info("language model configured", "base_url", m.BaseURL(), "model", name)
	return m, nil
}

// answerConfigFromEnv returns how answers are made, from NEWSBOT_PROMPTS_DIR,
// NEWSBOT_EVIDENCE_CHARS, NEWSBOT_STRICT, NEWSBOT_PASSAGES and
// NEWSBOT_RECENCY_HALF_LIFE. It returns an error naming the variable when
// one is invalid, or when the prompt templates don't load.
func answerConfigFromEnv() (bot.Config, error) {
	var cfg bot.Config
	if dir := getenv("NEWSBOT_PROMPTS_DIR", ""); dir != "" {
		set, err := prompts.Load(dir)
		if err != nil {
			return cfg, fmt.Errorf("NEWSBOT_PROMPTS_DIR: %w", err)
		}
		cfg.Prompts = set
	}
	var err error
	if cfg.EvidenceChars, err = envInt("NEWSBOT_EVIDENCE_CHARS", prompts.DefaultEvidenceChars, 500, 1_000_000); err != nil {
		return cfg, err
	}
	if cfg.Strict, err = envBool("NEWSBOT_STRICT", false); err != nil {
		return cfg, err
	}
	if cfg.Passages, err = envInt("NEWSBOT_PASSAGES", 0, 1, 50); err != nil {
		return cfg, err
	}
	if cfg.RecencyHalfLife, err = envAge("NEWSBOT_RECENCY_HALF_LIFE"); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// newAnswerer builds the answer pipeline over st, with the model and
// settings the environment configures. When OPENAI_API_KEY is set without
// OPENAI_MODEL or OPENAI_BASE_URL it says on stderr that answers will be
// extracts, and why.
func newAnswerer(a *app, st *knowledge.Store) (*bot.Answerer, error) {
	cfg, err := answerConfigFromEnv()
	if err != nil {
		return nil, err
	}
	m, err := modelFromEnv(a.log)
	if err != nil {
		return nil, err
	}
	if m == nil && getenv("OPENAI_API_KEY", "") != "" {
		fmt.Fprintln(a.stderr, "newsbot: OPENAI_API_KEY is set but OPENAI_MODEL is not, so answers are extracts; "+
			"set OPENAI_MODEL (such as gpt-4o-mini) to have the model write them")
	}
	return bot.New(cfg, st, m, a.log), nil
}

func envInt(key string, def, lo, hi int) (int, error) {
	v := getenv(key, "")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s=%q: want a whole number from %d to %d", key, v, lo, hi)
	}
	return n, nil
}

// envTemperature reads a sampling temperature from 0 to 2 from key; nil
// when unset, for the model's default.
func envTemperature(key string) (*float64, error) {
	v := strings.TrimSpace(getenv(key, ""))
	if v == "" {
		return nil, nil
	}
	t, err := strconv.ParseFloat(v, 64)
	if err != nil || !(t >= 0 && t <= 2) {
		return nil, fmt.Errorf("%s=%q: want a number from 0 to 2, such as 0.2", key, v)
	}
	return &t, nil
}

func envDuration(key string, def time.Duration) (time.Duration, error) {
	v := getenv(key, "")
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as 60s or 2m", key, v)
	}
	return d, nil
}

// envAge reads a span of days ("90d") or a duration ("2160h") from key;
// zero when unset.
func envAge(key string) (time.Duration, error) {
	v := strings.TrimSpace(getenv(key, ""))
	if v == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n > 0 && n <= 100_000 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("%s=%q: want a number of days such as 90d, or a duration such as 720h", key, v)
}

func envBool(key string, def bool) (bool, error) {
	v, ok := os.LookupEnv(key)
	if !ok || v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", key, v)
	}
	return b, nil
}
