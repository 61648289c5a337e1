-- How far each prospect's negotiation has come (domain::pipeline): the
-- board of prospects "em andamento" by stage. Every party holds one, read
-- only while it is a prospect in progress; a new one starts at the first
-- contact. The board reads a stage's latest moved prospects from the index.
ALTER TABLE parties ADD COLUMN negotiation_stage TEXT NOT NULL DEFAULT 'first_contact';
CREATE INDEX parties_pipeline ON parties (org_id, negotiation_stage, updated_at, id)
    WHERE merged_into IS NULL AND archived_at IS NULL AND lifecycle = 'prospect' AND prospect_state = 'in_progress';
