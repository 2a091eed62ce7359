package discord

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"newsbot/knowledge/knowledgetest"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	base := map[string]string{"DISCORD_TOKEN": "tok"}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr string
	}{
		{"OK", base, Config{Token: "tok"}, ""},
		{"All", with("DISCORD_GUILD_ID", "123", "NEWSBOT_ADMIN_IDS", " 111, 222 ,", "DISCORD_API_URL", "http://127.0.0.1:9999",
			"NEWSBOT_USER_RATE", "3/30s", "NEWSBOT_ANSWER_CONCURRENCY", "2", "NEWSBOT_ANSWER_QUEUE", "10",
			"NEWSBOT_MAX_QUESTION_CHARS", "500", "NEWSBOT_SHUTDOWN_TIMEOUT", "5s"),
			Config{Token: "tok", GuildID: "123", AdminIDs: []string{"111", "222"}, APIURL: "http://127.0.0.1:9999",
				UserRate: 3, UserRateWindow: 30 * time.Second, Concurrency: 2, QueueSize: 10, MaxQuestionChars: 500, ShutdownTimeout: 5 * time.Second}, ""},
		{"ErrNoToken", map[string]string{}, Config{}, "DISCORD_TOKEN is not set"},
		{"ErrGuild", with("DISCORD_GUILD_ID", "my-server"), Config{}, "DISCORD_GUILD_ID"},
		{"ErrAdminName", with("NEWSBOT_ADMIN_IDS", "alice"), Config{}, "NEWSBOT_ADMIN_IDS"},
		{"ErrAPIScheme", with("DISCORD_API_URL", "ftp://proxy"), Config{}, "DISCORD_API_URL"},
		{"ErrAPIPath", with("DISCORD_API_URL", "https://proxy.example/api/v9"), Config{}, "no path"},
		{"ErrRate", with("NEWSBOT_USER_RATE", "5"), Config{}, "NEWSBOT_USER_RATE"},
		{"ErrRatePeriod", with("NEWSBOT_USER_RATE", "5/soon"), Config{}, "NEWSBOT_USER_RATE"},
		{"ErrConcurrency", with("NEWSBOT_ANSWER_CONCURRENCY", "0"), Config{}, "NEWSBOT_ANSWER_CONCURRENCY"},
		{"ErrShutdown", with("NEWSBOT_SHUTDOWN_TIMEOUT", "20"), Config{}, "NEWSBOT_SHUTDOWN_TIMEOUT"},
		{"ShardsAuto", with("DISCORD_SHARDS", "auto"), Config{Token: "tok"}, ""},
		{"ShardsRange", with("DISCORD_SHARDS", "1-1/2"), Config{Token: "tok", Shards: Shards{Count: 2, First: 1, Last: 1}}, ""},
		{"ErrShards", with("DISCORD_SHARDS", "2/1"), Config{}, `DISCORD_SHARDS: "2/1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("config = %+v, want %+v", got, tc.want)
			}
		})
	}
	if _, err := ConfigFromEnv(func(string) string { return "" }); !errors.Is(err, ErrNoToken) {
		t.Errorf("err = %v, want ErrNoToken", err)
	}
}

func TestInviteURL(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(InviteURL("42"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Host != "discord.com" || q.Get("client_id") != "42" || q.Get("scope") != "bot applications.commands" {
		t.Errorf("invite URL = %s", u)
	}
	// View channels, send messages (and in threads), embed links, read
	// message history; nothing more.
	if q.Get("permissions") != "274877991936" {
		t.Errorf("permissions = %s, want 274877991936", q.Get("permissions"))
	}
}

func TestNewRequiresTokenAndDependencies(t *testing.T) {
	t.Parallel()
	store := knowledgetest.MustOpenDB(t)
	for _, tc := range []struct {
		name    string
		cfg     Config
		deps    Deps
		wantErr bool
	}{
		{"OK", Config{Token: "t"}, Deps{Answerer: &citingAnswerer{store: store}, Library: store}, false},
		{"ErrNoToken", Config{}, Deps{Answerer: &citingAnswerer{store: store}, Library: store}, true},
		{"ErrNoAnswerer", Config{Token: "t"}, Deps{Library: store}, true},
		{"ErrNoLibrary", Config{Token: "t"}, Deps{Answerer: &citingAnswerer{store: store}}, true},
		{"ErrAPIURL", Config{Token: "t", APIURL: "discord.example"}, Deps{Answerer: &citingAnswerer{store: store}, Library: store}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, tc.deps, nil)
			if (err != nil) != tc.wantErr {
				t.Errorf("err = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
}

func TestParseShards(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     Shards
		wantErr  string
	}{
		{"OKEmpty", "", Shards{}, ""},
		{"OKAuto", " Auto ", Shards{}, ""},
		{"OKCount", "4", Shards{Count: 4, First: 0, Last: 3}, ""},
		{"OKRange", "0-1/4", Shards{Count: 4, First: 0, Last: 1}, ""},
		{"OKOne", "1-1/2", Shards{Count: 2, First: 1, Last: 1}, ""},
		{"OKSpaces", " 2 - 3 / 4 ", Shards{Count: 4, First: 2, Last: 3}, ""},
		{"ErrWord", "many", Shards{}, "not a shard count"},
		{"ErrZero", "0", Shards{}, "1 to 65536"},
		{"ErrNegative", "-2", Shards{}, "not a shard count"},
		{"ErrHuge", "1000000", Shards{}, "1 to 65536"},
		{"ErrNoRange", "1/2", Shards{}, "range I-J"},
		{"ErrBackwards", "3-1/4", Shards{}, "after its last"},
		{"ErrPastCount", "1-2/2", Shards{}, "from 0 to 1"},
		{"ErrCount", "0-1/x", Shards{}, "after / is not a number"},
		{"ErrZeroCount", "0-0/0", Shards{}, "1 to 65536"},
		{"ErrIDs", "a-b/2", Shards{}, "not two shard IDs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseShards(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), strconvQuote(tc.in)) {
					t.Fatalf("ParseShards(%q) err = %v, want one quoting the value and mentioning %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseShards(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
			if back, err := ParseShards(got.String()); err != nil || back != got {
				t.Errorf("ParseShards(%q.String() = %q) = %+v, %v; want it back", tc.in, got.String(), back, err)
			}
		})
	}
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", strings.TrimSpace(s)) }
