-- The words the sentence index holds, for reading a question's unknown
-- words as the indexed words they nearly spell.
CREATE VIRTUAL TABLE sentences_vocab USING fts5vocab(sentences_fts, row);
