package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"newsbot/bot/model/modeltest"
	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// askArticles are written for these tests.
var askArticles = []knowledge.Article{
	{
		Title:     "Nordic ministers meet in Geneva on energy",
		Source:    "Example Wire",
		URL:       "https://news.example/geneva",
		Published: time.Date(2025, 5, 2, 0, 0, 0, 0, time.UTC),
		KeyPoints: []string{"Foreign Minister Anna Berg will represent Sweden at the Geneva energy talks."},
		Body: "The talks open on Monday at the Palais des Nations. Norway and Finland will send their energy ministers. " +
			"Berg said the meeting would focus on winter gas supplies.",
	},
	{
		Title:  "Wheat harvest beats forecasts",
		Source: "Farm Daily",
		Body:   "Farmers in the plains reported a record wheat harvest this autumn. Prices fell two percent after the report.",
	},
}

// askEnv lists the variables that configure answers, cleared for each test.
var askEnv = []string{"OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "NEWSBOT_MODEL_TIMEOUT",
	"NEWSBOT_MODEL_RETRIES", "NEWSBOT_MODEL_CONCURRENCY", "NEWSBOT_MODEL_MAX_TOKENS", "NEWSBOT_MODEL_TEMPERATURE",
	"NEWSBOT_PROMPTS_DIR", "NEWSBOT_EVIDENCE_CHARS", "NEWSBOT_STRICT", "NEWSBOT_PASSAGES", "NEWSBOT_RECENCY_HALF_LIFE"}

func askClearEnv(t *testing.T) {
	for _, k := range askEnv {
		t.Setenv(k, "")
	}
}

// askDB returns a database path loaded with articles.
func askDB(t *testing.T, articles ...knowledge.Article) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "newsbot.db")
	st, err := knowledge.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Put(t.Context(), articles); err != nil {
		t.Fatal(err)
	}
	return path
}

// askRun runs the command line and returns its exit status and output.
func askRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(t.Context(), args, strings.NewReader(stdin), &out, &errOut)
	t.Logf("newsbot %s → %d\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	return code, out.String(), errOut.String()
}

// askFakeModel starts a fake OpenAI-compatible server that answers with format,
// its %d replaced by the marker of the evidence line holding cite, and
// points the environment at it.
func askFakeModel(t *testing.T, format, cite string) *modeltest.Server {
	line := regexp.MustCompile(`(?m)^\[(\d+)\] (.*)$`)
	srv := modeltest.New(t, func(_ int, req modeltest.Request) modeltest.Reply {
		if strings.Contains(req.Messages[0].Content, "search query") {
			return modeltest.Reply{Text: "Geneva talks opening day"}
		}
		n := 0
		for _, m := range line.FindAllStringSubmatch(req.Messages[1].Content, -1) {
			if strings.Contains(m[2], cite) {
				n, _ = strconv.Atoi(m[1])
			}
		}
		return modeltest.Reply{Text: fmt.Sprintf(format, n)}
	})
	t.Setenv("OPENAI_BASE_URL", srv.BaseURL())
	t.Setenv("OPENAI_MODEL", "test-model")
	t.Setenv("NEWSBOT_MODEL_TIMEOUT", "2s")
	return srv
}

type askOutput struct {
	Question  string `json:"question"`
	Answer    string `json:"answer"`
	Mode      string `json:"mode"`
	Citations []struct {
		Marker     int    `json:"marker"`
		ArticleID  string `json:"article_id"`
		SentenceID string `json:"sentence_id"`
		Text       string `json:"text"`
		Title      string `json:"title"`
		Source     string `json:"source"`
		Published  string `json:"published"`
		URL        string `json:"url"`
	} `json:"citations"`
	Timings map[string]int64 `json:"timings"`
}

func askJSON(t *testing.T, db, question string) askOutput {
	t.Helper()
	code, stdout, _ := askRun(t, "", "--db", db, "ask", "--json", question)
	if code != 0 {
		t.Fatalf("exit status %d", code)
	}
	var out askOutput
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("decode %q: %v", stdout, err)
	}
	for _, k := range []string{"retrieve_ms", "model_ms", "total_ms"} {
		if _, ok := out.Timings[k]; !ok {
			t.Errorf("timings lack %s: %v", k, out.Timings)
		}
	}
	return out
}

const askBerg = "Foreign Minister Anna Berg will represent Sweden at the Geneva energy talks."

func TestAskJSONWithoutModel(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	out := askJSON(t, db, "Who will represent Sweden at the Geneva talks?")
	if out.Mode != "extractive" || !strings.HasPrefix(out.Answer, "Extract from the loaded articles") {
		t.Errorf("mode %q answer %q, want a labelled extract", out.Mode, out.Answer)
	}
	if len(out.Citations) == 0 {
		t.Fatal("no citations")
	}
	c := out.Citations[0]
	if c.Marker != 1 || c.Text != askBerg || c.Title != askArticles[0].Title || c.Source != "Example Wire" ||
		c.Published != "2025-05-02" || c.URL != "https://news.example/geneva" || c.ArticleID == "" || c.SentenceID == "" {
		t.Errorf("citation = %+v", c)
	}
}

func TestAskJSONWithModel(t *testing.T) {
	askClearEnv(t)
	srv := askFakeModel(t, "Anna Berg will represent Sweden [%d].", "Anna Berg")
	db := askDB(t, askArticles...)
	out := askJSON(t, db, "Who will represent Sweden at the Geneva talks?")
	if out.Mode != "model" || out.Answer != "Anna Berg will represent Sweden [1]." ||
		len(out.Citations) != 1 || out.Citations[0].Text != askBerg {
		t.Errorf("got %+v", out)
	}
	if srv.Calls() != 1 {
		t.Errorf("model called %d times", srv.Calls())
	}
}

func TestAskText(t *testing.T) {
	askClearEnv(t)
	askFakeModel(t, "Anna Berg will represent Sweden [%d].", "Anna Berg")
	db := askDB(t, askArticles...)
	code, stdout, _ := askRun(t, "", "--db", db, "ask", "Who will represent Sweden", "at the Geneva talks?")
	want := "Anna Berg will represent Sweden [1].\n\nSources:\n[1] “" + askBerg +
		"” — Nordic ministers meet in Geneva on energy, Example Wire, 2025-05-02 <https://news.example/geneva>\n"
	if code != 0 || stdout != want {
		t.Errorf("exit %d, output %q, want %q", code, stdout, want)
	}
}

func TestAskErrors(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string
	}{
		{name: "ErrNoQuestion", args: []string{"ask"}, wantCode: 2, wantErr: "no question"},
		{name: "ErrEvidenceChars", env: map[string]string{"NEWSBOT_EVIDENCE_CHARS": "lots"}, args: []string{"ask", "Who?"},
			wantCode: 1, wantErr: "NEWSBOT_EVIDENCE_CHARS"},
		{name: "ErrPromptsDir", env: map[string]string{"NEWSBOT_PROMPTS_DIR": "/nonexistent/prompts"}, args: []string{"ask", "Who?"},
			wantCode: 1, wantErr: "NEWSBOT_PROMPTS_DIR"},
		{name: "ErrModelWithoutName", env: map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1"}, args: []string{"ask", "Who?"},
			wantCode: 1, wantErr: "OPENAI_MODEL"},
		{name: "ErrChatArguments", args: []string{"chat", "Who?"}, wantCode: 2, wantErr: "no arguments"},
	}
	db := askDB(t, askArticles...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			askClearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, _, stderr := askRun(t, "", append([]string{"--db", db}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.wantCode, tt.wantErr)
			}
		})
	}
}

func TestAskModelDownStillAnswers(t *testing.T) {
	askClearEnv(t)
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1") // nothing listens there
	t.Setenv("OPENAI_MODEL", "test-model")
	t.Setenv("NEWSBOT_MODEL_RETRIES", "0")
	db := askDB(t, askArticles...)
	out := askJSON(t, db, "Who will represent Sweden at the Geneva talks?")
	if out.Mode != "extractive" || !strings.HasPrefix(out.Answer, "The language model's server can't be reached.") {
		t.Errorf("mode %q answer %q, want an extract explaining the model is unreachable", out.Mode, out.Answer)
	}
}

func TestChatPiped(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	in := "Who will represent Sweden at the Geneva talks?\n\n/reset\nAnd when do they open?\n"
	code, stdout, _ := askRun(t, in, "--db", db, "chat")
	if code != 0 {
		t.Fatalf("exit status %d", code)
	}
	first, rest, _ := strings.Cut(stdout, "(new conversation)")
	if !strings.HasPrefix(first, "> Who will represent Sweden at the Geneva talks?\nExtract from the loaded articles") ||
		!strings.Contains(first, "“"+askBerg+"” [1]") {
		t.Errorf("first answer:\n%s", first)
	}
	// After /reset the follow-up stands alone: no Sweden or Berg in its search.
	if !strings.Contains(rest, "> And when do they open?\n") || !strings.Contains(rest, "The talks open on Monday") {
		t.Errorf("second answer:\n%s", rest)
	}
}

func TestChatFollowUpWithModel(t *testing.T) {
	askClearEnv(t)
	srv := askFakeModel(t, "They open on Monday [%d].", "open on Monday")
	db := askDB(t, askArticles...)
	in := "Who will represent Sweden at the Geneva talks?\nAnd when do they open?\n"
	code, stdout, _ := askRun(t, in, "--db", db, "chat")
	if code != 0 || strings.Count(stdout, "They open on Monday [1].") != 2 {
		t.Errorf("exit %d, output:\n%s", code, stdout)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 || !strings.Contains(reqs[1].Messages[1].Content, "Q: Who will represent Sweden at the Geneva talks?") {
		t.Fatalf("want answer, rewrite, answer; got %d requests", len(reqs))
	}
}

func TestChatStopsWhenCancelled(t *testing.T) {
	askClearEnv(t)
	db := askDB(t, askArticles...)
	r, w, err := os.Pipe() // input that never ends
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"--db", db, "chat"}, r, &out, &errOut) }()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("chat did not stop when its context ended")
	}
}

func TestModelFromEnv(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		wantModel bool
		wantErr   string
	}{
		{name: "OKNone"},
		{name: "OKLocal", env: map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_MODEL": "llama3.2"}, wantModel: true},
		{name: "OKOpenAI", env: map[string]string{"OPENAI_API_KEY": "sk-x", "OPENAI_MODEL": "gpt-4o-mini",
			"NEWSBOT_MODEL_TIMEOUT": "2m", "NEWSBOT_MODEL_RETRIES": "0", "NEWSBOT_MODEL_CONCURRENCY": "8"}, wantModel: true},
		{name: "ErrOpenAIWithoutKey", env: map[string]string{"OPENAI_MODEL": "gpt-4o-mini"}, wantErr: "OPENAI_API_KEY"},
		{name: "ErrNoModelName", env: map[string]string{"OPENAI_BASE_URL": "http://localhost:8080/v1"}, wantErr: "OPENAI_MODEL"},
		{name: "ErrTimeout", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_TIMEOUT": "soon"}, wantErr: "NEWSBOT_MODEL_TIMEOUT"},
		{name: "ErrRetries", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_RETRIES": "-1"}, wantErr: "NEWSBOT_MODEL_RETRIES"},
		{name: "ErrConcurrency", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_CONCURRENCY": "0"}, wantErr: "NEWSBOT_MODEL_CONCURRENCY"},
		{name: "OKTemperature", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_TEMPERATURE": "2"}, wantModel: true},
		{name: "ErrTemperatureWord", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_TEMPERATURE": "warm"}, wantErr: "NEWSBOT_MODEL_TEMPERATURE"},
		{name: "ErrTemperatureAbove2", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_TEMPERATURE": "2.5"}, wantErr: "NEWSBOT_MODEL_TEMPERATURE"},
		{name: "ErrTemperatureNegative", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_TEMPERATURE": "-1"}, wantErr: "NEWSBOT_MODEL_TEMPERATURE"},
		{name: "ErrTemperatureNaN", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_TEMPERATURE": "NaN"}, wantErr: "NEWSBOT_MODEL_TEMPERATURE"},
		{name: "ErrMaxTokens", env: map[string]string{"OPENAI_MODEL": "m", "OPENAI_API_KEY": "k", "NEWSBOT_MODEL_MAX_TOKENS": "-5"}, wantErr: "NEWSBOT_MODEL_MAX_TOKENS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			askClearEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			m, err := modelFromEnv(slog.New(slog.NewTextHandler(t.Output(), nil)))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("modelFromEnv error = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("modelFromEnv: %v", err)
			}
			if (m != nil) != tt.wantModel {
				t.Errorf("modelFromEnv = %v, want a model: %v", m, tt.wantModel)
			}
		})
	}
}

func TestAnswerConfigFromEnv(t *testing.T) {
	askClearEnv(t)
	t.Setenv("NEWSBOT_EVIDENCE_CHARS", "3000")
	t.Setenv("NEWSBOT_STRICT", "true")
	cfg, err := answerConfigFromEnv()
	if err != nil || cfg.EvidenceChars != 3000 || !cfg.Strict || cfg.Prompts != nil || cfg.Passages != 0 || cfg.RecencyHalfLife != 0 {
		t.Errorf("answerConfigFromEnv = %+v, %v", cfg, err)
	}
	t.Setenv("NEWSBOT_PASSAGES", "10")
	t.Setenv("NEWSBOT_RECENCY_HALF_LIFE", "7d")
	if cfg, err := answerConfigFromEnv(); err != nil || cfg.Passages != 10 || cfg.RecencyHalfLife != 7*24*time.Hour {
		t.Errorf("answerConfigFromEnv = passages %d, recency half-life %v, %v; want 10, 168h", cfg.Passages, cfg.RecencyHalfLife, err)
	}
	t.Setenv("NEWSBOT_RECENCY_HALF_LIFE", "36h")
	if cfg, err := answerConfigFromEnv(); err != nil || cfg.RecencyHalfLife != 36*time.Hour {
		t.Errorf("answerConfigFromEnv = recency half-life %v, %v; want 36h", cfg.RecencyHalfLife, err)
	}
	for _, tt := range []struct{ key, value string }{
		{"NEWSBOT_STRICT", "maybe"},
		{"NEWSBOT_PASSAGES", "0"},
		{"NEWSBOT_PASSAGES", "51"},
		{"NEWSBOT_RECENCY_HALF_LIFE", "a week"},
		{"NEWSBOT_RECENCY_HALF_LIFE", "-3d"},
	} {
		askClearEnv(t)
		t.Setenv(tt.key, tt.value)
		if _, err := answerConfigFromEnv(); err == nil || !strings.Contains(err.Error(), tt.key) {
			t.Errorf("%s=%s: answerConfigFromEnv error = %v, want one naming %s", tt.key, tt.value, err, tt.key)
		}
	}
}

// TestAskLondonTalks is the acceptance test: with the shared sample article
// loaded, "newsbot ask" names Keith Kellogg and cites the Kellogg sentence,
// with a model that cites correctly and with no model at all.
func TestAskLondonTalks(t *testing.T) {
	db := askDB(t, append([]knowledge.Article{knowledgetest.SharedArticle(t, knowledgetest.London)}, askArticles...)...)
	const question = "Who will represent the US at the London talks?"
	const kellogg = "Keith Kellogg will represent the US"
	for _, withModel := range []bool{true, false} {
		t.Run(fmt.Sprint("model=", withModel), func(t *testing.T) {
			askClearEnv(t)
			if withModel {
				askFakeModel(t, "General Keith Kellogg will represent the US at the London talks [%d].", kellogg)
			}
			out := askJSON(t, db, question)
			wantMode := map[bool]string{true: "model", false: "extractive"}[withModel]
			if out.Mode != wantMode || !strings.Contains(out.Answer, "Kellogg") ||
				len(out.Citations) == 0 || !strings.Contains(out.Citations[0].Text, kellogg) {
				t.Errorf("got %+v, want a %s answer naming Kellogg and citing the Kellogg sentence", out, wantMode)
			}
		})
	}
}

// TestChatQuitStopsReading leaves a chat with lines still to read: the
// goroutine reading them must end too.
func TestChatQuitStopsReading(t *testing.T) {
	before := runtime.NumGoroutine()
	if err := chat(t.Context(), nil, time.Time{}, newScannedLines(strings.NewReader("/quit\nnever asked\nnor this\n")), io.Discard, false); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after the chat, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSampleArticlesAnswer loads the bundled sample articles as the
// README's first commands do and asks them questions without a model: each
// extract cites the sentence that answers.
func TestSampleArticlesAnswer(t *testing.T) {
	askClearEnv(t)
	db := filepath.Join(t.TempDir(), "newsbot.db")
	if code, _, stderr := askRun(t, "", "--db", db, "load", filepath.Join("..", "..", "knowledge", "samples")); code != 0 {
		t.Fatalf("load samples: exit %d, %s", code, stderr)
	}
	for _, tt := range []struct{ question, cited string }{
		{"How many homes can the Sandhill solar farm supply?", "it can supply about 90,000 homes"},
		{"Who voted against the bridge repair?", "Dana Price and Tom Lisle voted against the plan"},
		{"When do the overnight buses start?", "February 1"}, // a key point and the body both say it; an extract quotes one
		{"How many workers built the solar farm?", "Construction employed about 650 workers"},
		{"What is the most a rider pays in a week?", "never pay more than $25 in a week"},
		{"How much will the overnight buses cost?", "cost $3.2 million a year"}, // the article's third passage
	} {
		out := askJSON(t, db, tt.question)
		var cited []string
		for _, c := range out.Citations {
			cited = append(cited, c.Text)
		}
		if out.Mode != "extractive" || !strings.Contains(strings.Join(cited, "\n"), tt.cited) {
			t.Errorf("%q: %s answer citing %q, want one citing %q", tt.question, out.Mode, cited, tt.cited)
		}
	}
}
