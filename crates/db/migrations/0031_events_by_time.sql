-- The relationship engine keeps its in-memory index in step by reading
-- which parties moved since it last looked: every movement leaves an event.
CREATE INDEX party_events_at ON party_events (org_id, at);
