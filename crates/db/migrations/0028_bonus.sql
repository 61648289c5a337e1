-- CRM Bônus: credit a customer may spend on a later sale, granted by hand
-- or by the organisation's rule on a sale, valid until a day. Spent from
-- the lot that ends first; a cancelled sale gives back what it spent and
-- loses what it earned.
CREATE TABLE bonus_rules (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    percent BIGINT NOT NULL,
    minimum_sale BIGINT NOT NULL,
    valid_days INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE bonus_credits (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    amount BIGINT NOT NULL,
    remaining BIGINT NOT NULL,
    valid_until DATE,
    earned_on_sale UUID REFERENCES sales (id),
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by_label TEXT NOT NULL
);
CREATE INDEX bonus_credits_party ON bonus_credits (org_id, party_id, valid_until);
CREATE INDEX bonus_credits_sale ON bonus_credits (earned_on_sale);

CREATE TABLE bonus_uses (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    bonus_id UUID NOT NULL REFERENCES bonus_credits (id),
    sale_id UUID NOT NULL REFERENCES sales (id),
    amount BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX bonus_uses_sale ON bonus_uses (sale_id);
CREATE INDEX bonus_uses_bonus ON bonus_uses (bonus_id);

ALTER TABLE sales ADD COLUMN bonus_used BIGINT NOT NULL DEFAULT 0;
