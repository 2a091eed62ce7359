package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"newsbot/bot/discord/fakediscord"
)

// TestRunAnswersOnDiscordAndStopsCleanly runs `newsbot run` against a fake
// Discord: it registers the commands, answers /ask with a cited extract (no
// model configured), and exits 0 when its context ends.
func TestRunAnswersOnDiscordAndStopsCleanly(t *testing.T) {
	askClearEnv(t)
	fake := fakediscord.New(t)
	t.Setenv("DISCORD_TOKEN", fakediscord.Token)
	t.Setenv("DISCORD_API_URL", fake.URL)
	t.Setenv("DISCORD_GUILD_ID", "300000000000000001")
	t.Setenv("NEWSBOT_ADMIN_IDS", "500000000000000001")
	t.Setenv("NEWSBOT_FEED_INTERVAL", "1h")
	t.Setenv("NEWSBOT_RETENTION", "")
	db := askDB(t, askArticles...)

	bot := startRun(t, fake, db)
	in, err := fake.SlashCommand(fakediscord.Interaction{
		Command: "ask", GuildID: "300000000000000001",
		Options: []fakediscord.Option{{Name: "question", Type: fakediscord.OptionString, Value: "Who will represent Sweden at the Geneva talks?"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	edit := "/webhooks/" + fakediscord.AppID + "/" + in.Token + "/messages/@original"
	calls := fake.WaitFor(15*time.Second, "the answer", func(calls []fakediscord.Call) bool {
		for _, c := range calls {
			if c.Method == "PATCH" && c.Path == edit {
				return true
			}
		}
		return false
	})
	bot.stop()
	var answer struct {
		Content string `json:"content"`
	}
	for _, c := range calls {
		if c.Method == "PATCH" && c.Path == edit {
			if err := json.Unmarshal(c.Body, &answer); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !strings.Contains(answer.Content, "“Foreign Minister Anna Berg will represent Sweden at the Geneva energy talks.”") {
		t.Errorf("answer = %q, want a cited extract naming Anna Berg", answer.Content)
	}
	if want := "newsbot-test is online. Invite it to a server: https://discord.com/oauth2/authorize?client_id=" + fakediscord.AppID; !strings.Contains(bot.stdout.String(), want) {
		t.Errorf("stdout = %q, want %q", bot.stdout.String(), want)
	}
}

func TestRunConfigErrors(t *testing.T) {
	askClearEnv(t)
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"NoToken", map[string]string{"DISCORD_TOKEN": ""}, "DISCORD_TOKEN is not set"},
		{"BadAdmins", map[string]string{"DISCORD_TOKEN": "t", "NEWSBOT_ADMIN_IDS": "alice"}, "NEWSBOT_ADMIN_IDS"},
		{"BadInterval", map[string]string{"DISCORD_TOKEN": "t", "NEWSBOT_FEED_INTERVAL": "often"}, "NEWSBOT_FEED_INTERVAL"},
		{"BadRetention", map[string]string{"DISCORD_TOKEN": "t", "NEWSBOT_RETENTION": "3 months"}, "NEWSBOT_RETENTION"},
		{"BadShards", map[string]string{"DISCORD_TOKEN": "t", "DISCORD_SHARDS": "2-3/3"}, `DISCORD_SHARDS: "2-3/3"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"DISCORD_TOKEN", "NEWSBOT_ADMIN_IDS", "NEWSBOT_FEED_INTERVAL", "NEWSBOT_RETENTION", "DISCORD_API_URL", "DISCORD_GUILD_ID", "DISCORD_SHARDS"} {
				t.Setenv(k, tc.env[k])
			}
			code, _, stderr := askRun(t, "", "--db", t.TempDir()+"/x.db", "run")
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 1 and a message about %s", code, stderr, tc.want)
			}
		})
	}
}

func TestRetentionFromEnv(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"", 0, false},
		{"90d", 90 * 24 * time.Hour, false},
		{"720h", 720 * time.Hour, false},
		{"0d", 0, true},
		{"-5h", 0, true},
		{"soon", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Setenv("NEWSBOT_RETENTION", tc.in)
			got, err := retentionFromEnv()
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("retentionFromEnv(%q) = %v, %v; want %v, wantErr %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// runningBot is `newsbot run` going in the test's process.
type runningBot struct {
	t      *testing.T
	cancel context.CancelFunc
	exit   chan int
	stdout *bytes.Buffer
	stderr *bytes.Buffer
}

// startRun starts `newsbot run` on db against fake, and waits until it has
// registered its commands in the test server. The environment must already
// point it at fake.
func startRun(t *testing.T, fake *fakediscord.Server, db string) *runningBot {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bot := &runningBot{t: t, cancel: cancel, exit: make(chan int, 1), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	go func() {
		bot.exit <- run(ctx, []string{"--db", db, "run"}, strings.NewReader(""), bot.stdout, bot.stderr)
	}()
	fake.WaitFor(15*time.Second, "command registration", func(calls []fakediscord.Call) bool {
		select {
		case code := <-bot.exit:
			t.Fatalf("newsbot run exited %d before registering commands\n%s", code, bot.stderr.String())
		default:
		}
		for _, c := range calls {
			if c.Method == "PUT" && c.Path == "/applications/"+fakediscord.AppID+"/guilds/300000000000000001/commands" {
				return true
			}
		}
		return false
	})
	return bot
}

// stop ends the bot's context and checks that it exits 0 within 30 s, as
// after SIGTERM.
func (b *runningBot) stop() {
	b.t.Helper()
	b.cancel()
	select {
	case code := <-b.exit:
		if code != 0 {
			b.t.Errorf("newsbot run exited %d after a graceful shutdown, want 0\n%s", code, b.stderr.String())
		}
	case <-time.After(30 * time.Second):
		b.t.Fatal("newsbot run did not stop")
	}
}
