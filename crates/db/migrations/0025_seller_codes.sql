-- The ERP's seller codes [código do vendedor], each mapped to a user of
-- the organisation: a sale sent with a mapped code is that user's sale.
CREATE TABLE seller_codes (
    org_id UUID NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, code)
);
