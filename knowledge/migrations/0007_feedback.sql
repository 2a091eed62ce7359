-- feedback holds what members said of an answer on Discord: one verdict per
-- user per answer (a second press replaces it), with the question, the
-- answer as shown, what it cited and where it was asked. A user is stored
-- only as a keyed one-way hash of their Discord ID (see feedback_key).
CREATE TABLE feedback (
	answer_id   TEXT    NOT NULL,
	user_hash   TEXT    NOT NULL,
	verdict     TEXT    NOT NULL CHECK (verdict IN ('helpful', 'wrong')),
	question    TEXT    NOT NULL,
	answer      TEXT    NOT NULL,
	mode        TEXT    NOT NULL,
	citations   TEXT    NOT NULL, -- JSON: [{"marker", "article_id", "sentence_id"}]
	guild_id    TEXT    NOT NULL,
	channel_id  TEXT    NOT NULL,
	answered_at INTEGER NOT NULL, -- Unix seconds
	voted_at    INTEGER NOT NULL, -- Unix seconds of the latest press
	PRIMARY KEY (answer_id, user_hash)
) WITHOUT ROWID;

CREATE INDEX feedback_voted_at ON feedback (voted_at);

-- feedback_key is the secret the user hashes are keyed with, made once per
-- database, so that a hash can't be reversed by hashing every possible ID.
CREATE TABLE feedback_key (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	key BLOB    NOT NULL
);
