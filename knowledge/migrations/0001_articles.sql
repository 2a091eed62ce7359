-- Articles, their sentences, and full-text indexes over both.
CREATE TABLE articles (
	pk           INTEGER PRIMARY KEY,
	id           TEXT    NOT NULL UNIQUE,
	title        TEXT    NOT NULL,
	url          TEXT    UNIQUE,          -- NULL when the article has none
	source       TEXT    NOT NULL DEFAULT '',
	published    INTEGER,                 -- Unix seconds; NULL when unknown
	key_points   TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
	body         TEXT    NOT NULL,
	content_hash TEXT    NOT NULL,
	loaded_at    INTEGER NOT NULL,        -- Unix nanoseconds
	updated_at   INTEGER NOT NULL
);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_loaded_at ON articles(loaded_at);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE sentences (
	pk        INTEGER PRIMARY KEY,
	id        TEXT    NOT NULL,           -- article ID, ':', digest; found through the article
	article   INTEGER NOT NULL REFERENCES articles(pk) ON DELETE CASCADE,
	position  INTEGER NOT NULL,
	key_point INTEGER NOT NULL DEFAULT 0,
	text      TEXT    NOT NULL,
	UNIQUE (article, position)
);

CREATE VIRTUAL TABLE sentences_fts USING fts5(
	text,
	content = 'sentences', content_rowid = 'pk', detail = 'none',
	tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Put indexes each article's new sentences in one statement, which is much
-- faster than a trigger per row; deletes and edits stay with triggers.
CREATE TRIGGER sentences_ad AFTER DELETE ON sentences BEGIN
	INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.pk, old.text);
END;
CREATE TRIGGER sentences_au AFTER UPDATE OF text ON sentences BEGIN
	INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.pk, old.text);
	INSERT INTO sentences_fts(rowid, text) VALUES (new.pk, new.text);
END;

-- Whole articles, for article-level evidence in ranking.
CREATE VIRTUAL TABLE articles_fts USING fts5(
	title, key_points, body,
	content = 'articles', content_rowid = 'pk', detail = 'none', columnsize = 0,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
	INSERT INTO articles_fts(rowid, title, key_points, body) VALUES (new.pk, new.title, new.key_points, new.body);
END;
CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
	INSERT INTO articles_fts(articles_fts, rowid, title, key_points, body) VALUES ('delete', old.pk, old.title, old.key_points, old.body);
END;
CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, key_points, body ON articles BEGIN
	INSERT INTO articles_fts(articles_fts, rowid, title, key_points, body) VALUES ('delete', old.pk, old.title, old.key_points, old.body);
	INSERT INTO articles_fts(rowid, title, key_points, body) VALUES (new.pk, new.title, new.key_points, new.body);
END;
