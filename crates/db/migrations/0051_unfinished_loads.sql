-- Work a bulk load leaves to finish after its commit, noted in the same
-- transaction: the demo's customers are committed while their search index
-- is still being built beside the purchases (db::bulk::search). A start
-- that finds a note does the work again, the load having been stopped
-- before it could.
CREATE TABLE unfinished_loads (
    work TEXT PRIMARY KEY,
    since TEXT NOT NULL
);
