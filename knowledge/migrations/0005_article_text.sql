-- Whole articles for ranking with real BM25 statistics: term frequencies
-- (detail=full) and column lengths, over three fields of different weight:
-- the title, the lead (key points and the first sentences of the body, where
-- news states its main facts) and the rest. Contentless: the text lives in
-- articles and sentences; rows are written by Put and deleted by rowid.
CREATE VIRTUAL TABLE article_text USING fts5(
	title, lead, rest,
	content = '', contentless_delete = 1,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Build it from what is stored. The lead is the key points and the first
-- three sentences of the body (leadSentences in Go).
INSERT INTO article_text (rowid, title, lead, rest)
SELECT a.pk, a.title,
	coalesce((SELECT group_concat(text, ' ') FROM (SELECT s.text FROM sentences s
		WHERE s.article = a.pk AND s.position < (SELECT count(*) FROM sentences k WHERE k.article = a.pk AND k.key_point) + 3
		ORDER BY s.position)), ''),
	coalesce((SELECT group_concat(text, ' ') FROM (SELECT s.text FROM sentences s
		WHERE s.article = a.pk AND s.position >= (SELECT count(*) FROM sentences k WHERE k.article = a.pk AND k.key_point) + 3
		ORDER BY s.position)), '')
FROM articles a;

CREATE TRIGGER article_text_ad AFTER DELETE ON articles BEGIN
	DELETE FROM article_text WHERE rowid = old.pk;
END;

-- The index it replaces held no term frequencies or lengths.
DROP TRIGGER articles_fts_ai;
DROP TRIGGER articles_fts_ad;
DROP TRIGGER articles_fts_au;
DROP TABLE articles_fts;
