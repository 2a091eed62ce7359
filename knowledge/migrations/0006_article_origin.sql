-- An article's author (its byline), and its origin: the file path (or
-- "path:line") an article without an ID or URL of its own was read from,
-- which is then its identity, so that loading the same file again updates it.
ALTER TABLE articles ADD COLUMN author TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN origin TEXT; -- NULL when the ID or URL identifies the article
CREATE UNIQUE INDEX articles_origin ON articles(origin);

-- Earlier versions used a file's name, or a page's IP address, as its
-- source when it named none: a source is the publisher or nothing.
UPDATE articles SET source = ''
WHERE lower(source) GLOB '*.txt' OR lower(source) GLOB '*.text' OR lower(source) GLOB '*.md'
	OR lower(source) GLOB '*.markdown' OR lower(source) GLOB '*.json' OR lower(source) GLOB '*.jsonl'
	OR lower(source) GLOB '*.ndjson' OR lower(source) GLOB '*.html' OR lower(source) GLOB '*.htm'
	OR lower(source) GLOB '*.xhtml'
	OR source GLOB '[0-9]*.[0-9]*.[0-9]*.[0-9]*' AND source NOT GLOB '*[^0-9.]*'
	OR source GLOB '*:*:*' AND source NOT GLOB '*[^0-9a-fA-F:.]*';
