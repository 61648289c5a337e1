-- A telemarketing occurrence (seed 004) is an interaction already done
-- whose nature is its type; it also says how the contact went. The
-- occurrence reports read interactions by period across customers.
ALTER TABLE interactions ADD COLUMN result TEXT;
CREATE INDEX interactions_by_time ON interactions (org_id, created_at);
