-- Search finds what the user may see, whatever others hold. Both indexes
-- took a fixed number of candidates from everybody's words and only then
-- kept the organisation's and the user's: a small organisation's "ma" or a
-- manager's own customers were crowded out by a large organisation's
-- matches. Each word is now indexed under the keys a search is scoped by:
-- the organisation, the party's branch and its seller (the three reaches of
-- access control), so candidates are drawn from the reader's own scope.
-- The joined party row is still checked, so a key that happened to collide
-- could only cost time, never show a row.
-- [postgres]
ALTER TABLE search_words_parties RENAME COLUMN org_id TO scope_id;

CREATE OR REPLACE FUNCTION parties_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_words_parties WHERE party_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.merged_into IS NULL AND NEW.archived_at IS NULL THEN
        INSERT INTO search_words_parties (scope_id, word, party_id)
        SELECT DISTINCT scope_id, word, NEW.id
        FROM unnest(string_to_array(NEW.search_text, ' ')) AS word,
             unnest(ARRAY[NEW.org_id, NEW.branch_id, NEW.seller_id]) AS scope_id
        WHERE word <> '' AND length(word) <= 200 AND scope_id IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER parties_search_words ON parties;
CREATE TRIGGER parties_search_words
    AFTER INSERT OR DELETE OR UPDATE OF search_text, merged_into, archived_at, branch_id, seller_id ON parties
    FOR EACH ROW EXECUTE FUNCTION parties_search_words();

INSERT INTO search_words_parties (scope_id, word, party_id)
SELECT DISTINCT scope_id, word, parties.id
FROM parties,
     unnest(string_to_array(parties.search_text, ' ')) AS word,
     unnest(ARRAY[parties.branch_id, parties.seller_id]) AS scope_id
WHERE parties.merged_into IS NULL AND parties.archived_at IS NULL
  AND word <> '' AND length(word) <= 200 AND scope_id IS NOT NULL
ON CONFLICT DO NOTHING;
ANALYZE search_words_parties;
-- [sqlite]
-- FTS5 cannot filter on a column before its LIMIT, so the key goes into
-- the words: each word is written three times, after a tag of the
-- organisation, of the party's branch and of its seller (16 hex digits of
-- the id's random half). A typed prefix "ma" becomes one read of the
-- prefix index for "<tag>ma", hence prefix indexes 1–3 characters past
-- the tag.
DROP TRIGGER parties_search_insert;
DROP TRIGGER parties_search_update;
DROP TRIGGER parties_search_delete;
DROP TABLE search_fts_parties;
CREATE VIRTUAL TABLE search_fts_parties USING fts5 (
    words, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '17 18 19'
);
CREATE VIEW search_fts_source AS
SELECT rowid AS party_rowid, search_rowid,
       lower(hex(substr(org_id, 9))) || replace(trim(search_text), ' ', ' ' || lower(hex(substr(org_id, 9))))
       || CASE WHEN branch_id IS NULL THEN '' ELSE ' ' ||
           lower(hex(substr(branch_id, 9))) || replace(trim(search_text), ' ', ' ' || lower(hex(substr(branch_id, 9))))
       END
       || CASE WHEN seller_id IS NULL THEN '' ELSE ' ' ||
           lower(hex(substr(seller_id, 9))) || replace(trim(search_text), ' ', ' ' || lower(hex(substr(seller_id, 9))))
       END AS words,
       merged_into IS NULL AND archived_at IS NULL AS live
FROM parties;
CREATE TRIGGER parties_search_insert AFTER INSERT ON parties BEGIN
    INSERT INTO search_fts_parties (rowid, words)
    SELECT search_rowid, words FROM search_fts_source WHERE search_rowid = new.search_rowid AND live;
END;
CREATE TRIGGER parties_search_update
AFTER UPDATE OF search_text, merged_into, archived_at, branch_id, seller_id ON parties BEGIN
    DELETE FROM search_fts_parties WHERE rowid = old.search_rowid;
    INSERT INTO search_fts_parties (rowid, words)
    SELECT search_rowid, words FROM search_fts_source WHERE search_rowid = new.search_rowid AND live;
END;
CREATE TRIGGER parties_search_delete AFTER DELETE ON parties BEGIN
    DELETE FROM search_fts_parties WHERE rowid = old.search_rowid;
END;
INSERT INTO search_fts_parties (rowid, words)
SELECT search_rowid, words FROM search_fts_source WHERE live;
INSERT INTO search_fts_parties (search_fts_parties) VALUES ('optimize');
