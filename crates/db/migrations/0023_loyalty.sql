-- Loyalty: the organisation's program, each party's points ledger and
-- discount coupons redeemed on sales.

-- No row: no program (no points are earned).
CREATE TABLE loyalty_programs (
    org_id UUID PRIMARY KEY REFERENCES organisations (id),
    points_per_unit BIGINT NOT NULL,
    expiry_months INTEGER NOT NULL,
    minimum_redeem BIGINT NOT NULL,
    active BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Every movement of a party's points, signed. An earned (or added) lot
-- keeps what is left of it in remaining, spent or lost oldest expiry
-- first; it expires on expires_on.
CREATE TABLE points_entries (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    kind TEXT NOT NULL,
    points BIGINT NOT NULL,
    remaining BIGINT NOT NULL,
    expires_on DATE,
    sale_id UUID REFERENCES sales (id),
    reason TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    by_label TEXT NOT NULL
);
CREATE INDEX points_entries_party ON points_entries (org_id, party_id, at);
CREATE INDEX points_entries_open ON points_entries (org_id, expires_on) WHERE remaining > 0;
CREATE INDEX points_entries_sale ON points_entries (sale_id) WHERE sale_id IS NOT NULL;

ALTER TABLE parties ADD COLUMN points_balance BIGINT NOT NULL DEFAULT 0;

-- Discount coupons [cupons de desconto]: for anyone or one party, an amount
-- in cents or a percentage in hundredths, single use or not.
CREATE TABLE coupons (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    value BIGINT NOT NULL,
    valid_from DATE,
    valid_until DATE,
    single_use BOOLEAN NOT NULL,
    party_id UUID REFERENCES parties (id),
    uses BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX coupons_code ON coupons (org_id, code);

ALTER TABLE sales ADD COLUMN coupon_id UUID REFERENCES coupons (id);
ALTER TABLE sales ADD COLUMN coupon_discount BIGINT NOT NULL DEFAULT 0;
