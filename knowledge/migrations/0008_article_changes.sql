-- A counter of changes to the articles, so that what a search keeps from
-- one question to the next (the scores and counts of common words) is known
-- to be current: any insert, update or delete of an article, from any
-- process, moves it on. It also keeps how many articles there are, which
-- every search needs and counting would read a whole index for.
CREATE TABLE article_changes (n INTEGER NOT NULL, articles INTEGER NOT NULL);
INSERT INTO article_changes (n, articles) SELECT 0, count(*) FROM articles;
CREATE TRIGGER article_changes_ai AFTER INSERT ON articles BEGIN
	UPDATE article_changes SET n = n + 1, articles = articles + 1;
END;
CREATE TRIGGER article_changes_au AFTER UPDATE ON articles BEGIN
	UPDATE article_changes SET n = n + 1;
END;
CREATE TRIGGER article_changes_ad AFTER DELETE ON articles BEGIN
	UPDATE article_changes SET n = n + 1, articles = articles - 1;
END;
