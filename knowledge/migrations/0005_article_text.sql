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

-- Go fills it from what is stored, article by article, reporting progress
-- (indexStoredArticles).

CREATE TRIGGER article_text_ad AFTER DELETE ON articles BEGIN
	DELETE FROM article_text WHERE rowid = old.pk;
END;

-- The index it replaces held no term frequencies or lengths.
DROP TRIGGER articles_fts_ai;
DROP TRIGGER articles_fts_ad;
DROP TRIGGER articles_fts_au;
DROP TABLE articles_fts;
