package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"newsbot/bot/discord"
	"newsbot/bot/feedback"
	"newsbot/knowledge"
	"newsbot/knowledge/feeds"
	"newsbot/knowledge/fetch"
	"newsbot/knowledge/load"
)

var runCommand = command{
	name:  "run",
	usage: "",
	summary: `Runs the Discord bot until Ctrl-C or SIGTERM.
It answers /ask, direct messages and @mentions with cited sentences, lets the
admins in NEWSBOT_ADMIN_IDS /load and /remove articles and manage /feeds, and
polls the followed feeds every NEWSBOT_FEED_INTERVAL (default 15m). Needs
DISCORD_TOKEN; .env.example lists every variable. On stop it finishes the
answers in flight (up to NEWSBOT_SHUTDOWN_TIMEOUT) and exits 0.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) > 0 {
				return usagef("run takes no arguments")
			}
			return runBot(ctx, a)
		}
	},
}

// runBot wires the bot from the environment and runs it until ctx ends.
func runBot(ctx context.Context, a *app) error {
	cfg, err := discord.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	interval, err := envDuration("NEWSBOT_FEED_INTERVAL", feeds.DefaultInterval)
	if err != nil {
		return err
	}
	retention, err := retentionFromEnv()
	if err != nil {
		return err
	}
	fetcher, err := newFetcher()
	if err != nil {
		return err
	}
	cfg.MaxAttachmentBytes = fetch.DefaultMaxBytes
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	if n, _, err := st.Count(ctx); err != nil {
		return err
	} else if n == 0 {
		fmt.Fprintf(a.stderr, "newsbot run: no articles in %s yet; admins can /load them on Discord, or: %s\n", a.absDB(), a.loadHint())
	}
	answerer, err := newAnswerer(a, st)
	if err != nil {
		return err
	}
	followed := feeds.New(st.DB(), fetcher, st, a.log)
	b, err := discord.New(cfg, discord.Deps{
		Answerer: answerer,
		Library:  st,
		Loader:   &load.Loader{Store: st, Fetcher: fetcher, Log: a.log},
		Feeds:    followed,
		Feedback: feedback.New(st.DB()),
		Ready: func(name, invite string) {
			fmt.Fprintf(a.stdout, "%s is online. Invite it to a server: %s\n", name, invite)
		},
	}, a.log)
	if err != nil {
		return err
	}

	// Feeds and retention work in the background and stop with the bot;
	// they never hold up an answer. When processes split the bot's shards
	// over one database, the one that runs shard 0 does this work for all.
	background, stopBackground := context.WithCancel(ctx)
	retained := make(chan struct{})
	if cfg.Shards.First == 0 {
		followed.Run(background, interval)
		go func() {
			defer close(retained)
			keepRetention(background, a, st, retention)
		}()
	} else {
		a.log.Info("feeds and retention are left to the process that runs shard 0", "shards", cfg.Shards.String())
		close(retained)
	}

	err = b.Run(ctx)
	stopBackground()
	followed.Wait()
	<-retained
	return err
}

// retentionFromEnv reads NEWSBOT_RETENTION: how long articles are kept,
// as days ("90d") or a duration ("2160h"). Zero keeps them for ever.
func retentionFromEnv() (time.Duration, error) {
	return envAge("NEWSBOT_RETENTION")
}

// keepRetention removes articles older than retention now and every hour
// until ctx ends; with no retention it does nothing.
func keepRetention(ctx context.Context, a *app, st *knowledge.Store, retention time.Duration) {
	if retention <= 0 {
		return
	}
	ticker := time.NewTicker(time.Hour)
	defer ticker.Stop()
	for {
		n, err := st.RemoveOlderThan(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && !errors.Is(err, context.Canceled):
			a.log.Error("remove old articles", "retention", retention, "err", err)
		case n > 0:
			a.log.Info("removed old articles", "count", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
