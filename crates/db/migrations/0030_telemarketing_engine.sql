-- Telemarketing agents work from the relationship engine (seed 004): the
-- role every organisation started with gets its right, unless an
-- administrator has already given it.
UPDATE roles SET permissions = permissions || ' relationship_engine.use'
WHERE key = 'telemarketing' AND permissions NOT LIKE '%relationship_engine.use%';
