-- The customer list sorted by newest (ids are time-ordered UUIDs) walks
-- this index instead of sorting the whole organisation: 98 ms at a
-- million on SQLite without it.
CREATE INDEX parties_org_newest ON parties (org_id, id) WHERE merged_into IS NULL AND archived_at IS NULL;
