-- Feeds that newsbot follows, and the items of each it has already stored.
-- Times are Unix nanoseconds; NULL when it has not happened yet.
CREATE TABLE feeds (
	url           TEXT    PRIMARY KEY,
	title         TEXT    NOT NULL DEFAULT '',
	etag          TEXT    NOT NULL DEFAULT '',
	last_modified TEXT    NOT NULL DEFAULT '',
	last_polled   INTEGER,
	last_ok       INTEGER,
	failures      INTEGER NOT NULL DEFAULT 0, -- consecutive failed polls
	next_poll     INTEGER NOT NULL,           -- when the feed is next due
	last_error    TEXT    NOT NULL DEFAULT '',
	added_at      INTEGER NOT NULL
);
CREATE INDEX feeds_next_poll ON feeds(next_poll);

-- feed_items holds the key of every item stored: its GUID, or its link
-- when it has none.
CREATE TABLE feed_items (
	feed_url TEXT    NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
	item_key TEXT    NOT NULL,
	seen_at  INTEGER NOT NULL,
	PRIMARY KEY (feed_url, item_key)
) WITHOUT ROWID;
