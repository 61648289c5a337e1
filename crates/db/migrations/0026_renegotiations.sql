-- Renegotiations [renegociação] of a credit sale's open installments: the
-- open ones are closed as replaced (kept, readable) and what they left to
-- pay, plus any charge agreed, is split into new installments of the same
-- sale.
CREATE TABLE renegotiations (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    sale_id UUID NOT NULL REFERENCES sales (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    open_before BIGINT NOT NULL,
    charge BIGINT NOT NULL,
    installments INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by_label TEXT NOT NULL
);
CREATE INDEX renegotiations_sale ON renegotiations (sale_id, created_at);

-- The renegotiation that replaced an installment, and the one that
-- created it; both empty for the sale's own installments.
ALTER TABLE installments ADD COLUMN replaced_by UUID REFERENCES renegotiations (id);
ALTER TABLE installments ADD COLUMN renegotiation_id UUID REFERENCES renegotiations (id);
