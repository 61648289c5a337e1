-- [postgres]
-- Search, PostgreSQL side, second form. The trigram index built a bitmap
-- of every row holding a common trigram before LIMIT applied (p99 28 ms at
-- a million parties). A B-tree of (organisation, word, party) answers a
-- whole word as an ordered range that stops at the limit, intersects two
-- words by a merge join on party_id and answers a prefix as a range scan.
DROP INDEX parties_search;

-- Folded names are compared byte-wise: a prefix of the name is then an
-- index range, whatever the database's default collation.
ALTER TABLE parties ALTER COLUMN sort_name SET DATA TYPE TEXT COLLATE "C";

CREATE TABLE search_words_parties (
    org_id UUID NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    party_id UUID NOT NULL,
    PRIMARY KEY (org_id, word, party_id)
);
CREATE INDEX search_words_parties_party ON search_words_parties (party_id, word);

-- Kept in step with the party row in the same transaction, like SQLite's
-- FTS triggers: merged and archived parties leave the index.
CREATE FUNCTION parties_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_words_parties WHERE party_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.merged_into IS NULL AND NEW.archived_at IS NULL THEN
        INSERT INTO search_words_parties (org_id, word, party_id)
        SELECT DISTINCT NEW.org_id, word, NEW.id
        FROM unnest(string_to_array(NEW.search_text, ' ')) AS word
        WHERE word <> '' AND length(word) <= 200;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER parties_search_words
    AFTER INSERT OR DELETE OR UPDATE OF search_text, merged_into, archived_at ON parties
    FOR EACH ROW EXECUTE FUNCTION parties_search_words();

INSERT INTO search_words_parties (org_id, word, party_id)
SELECT DISTINCT parties.org_id, word, parties.id
FROM parties, unnest(string_to_array(parties.search_text, ' ')) AS word
WHERE parties.merged_into IS NULL AND parties.archived_at IS NULL AND word <> '' AND length(word) <= 200;
ANALYZE search_words_parties;
-- [sqlite]
-- SQLite keeps its FTS5 index: nothing changes here.
SELECT 1;
