-- A counter of changes to the articles, so that what a search keeps from
-- one question to the next (the scores of common words) is known to be
-- current: any insert, update or delete of an article, from any process,
-- moves it on.
CREATE TABLE article_changes (n INTEGER NOT NULL);
INSERT INTO article_changes (n) VALUES (0);
CREATE TRIGGER article_changes_ai AFTER INSERT ON articles BEGIN
	UPDATE article_changes SET n = n + 1;
END;
CREATE TRIGGER article_changes_au AFTER UPDATE ON articles BEGIN
	UPDATE article_changes SET n = n + 1;
END;
CREATE TRIGGER article_changes_ad AFTER DELETE ON articles BEGIN
	UPDATE article_changes SET n = n + 1;
END;
