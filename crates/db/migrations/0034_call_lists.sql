-- Call lists (seed 004): customers the engine found, handed to a
-- telemarketing agent to call one after another; each entry is done when
-- an occurrence is recorded on it from the list.
CREATE TABLE call_lists (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    agent_id UUID NOT NULL REFERENCES users (id),
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX call_lists_by_agent ON call_lists (org_id, agent_id, created_at);

CREATE TABLE call_list_entries (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    list_id UUID NOT NULL REFERENCES call_lists (id),
    position BIGINT NOT NULL,
    party_id UUID NOT NULL REFERENCES parties (id),
    called_at TIMESTAMPTZ,
    occurrence_id UUID
);
CREATE UNIQUE INDEX call_list_entries_order ON call_list_entries (list_id, position);
CREATE INDEX call_list_entries_party ON call_list_entries (org_id, party_id);
