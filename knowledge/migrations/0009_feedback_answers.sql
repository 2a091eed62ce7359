-- feedback_answers holds the answers whose feedback buttons still work, so
-- that a verdict given after the bot restarts finds what it is about: the
-- question, the answer as shown, what it cited and where it was asked. No
-- user is stored. Answers older than the buttons' life are deleted as new
-- ones are kept.
CREATE TABLE feedback_answers (
	id          TEXT    PRIMARY KEY,
	question    TEXT    NOT NULL,
	answer      TEXT    NOT NULL,
	mode        TEXT    NOT NULL,
	citations   TEXT    NOT NULL, -- JSON: [{"marker", "article_id", "sentence_id"}]
	guild_id    TEXT    NOT NULL,
	channel_id  TEXT    NOT NULL,
	answered_at INTEGER NOT NULL  -- Unix seconds
) WITHOUT ROWID;

CREATE INDEX feedback_answers_answered_at ON feedback_answers (answered_at);
