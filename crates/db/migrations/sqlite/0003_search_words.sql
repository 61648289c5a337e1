-- PostgreSQL moved its search from a trigram index to a table of words
-- (see its 0003). SQLite keeps its FTS5 index: nothing changes here.
SELECT 1;
