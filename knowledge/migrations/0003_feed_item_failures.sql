-- feed_item_failures counts the polls on which a new item could not be
-- stored because its page failed and the feed carried no text for it. After
-- a few, the item is given up on (recorded in feed_items), so that one dead
-- link does not make every poll fetch the whole feed and the page again.
CREATE TABLE feed_item_failures (
	feed_url TEXT    NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
	item_key TEXT    NOT NULL,
	attempts INTEGER NOT NULL,
	PRIMARY KEY (feed_url, item_key)
) WITHOUT ROWID;
