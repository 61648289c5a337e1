-- The organisation's discount policy [política de descontos] (seed 001):
-- each rule gives customers it covers — by what they bought in the last
-- twelve months, their status, and for every line or a product group's —
-- a maximum discount; the most generous rule that covers a line wins.
CREATE TABLE discount_rules (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    min_bought BIGINT,
    customer_status TEXT,
    group_id UUID REFERENCES catalogue_lists (id),
    max_percent BIGINT NOT NULL
);
CREATE INDEX discount_rules_org ON discount_rules (org_id, position);

-- Going above a customer's maximum is a supervisor's right.
UPDATE roles SET permissions = permissions || ' discounts.above_limit'
WHERE key IN ('administrator', 'supervisor') AND permissions NOT LIKE '%discounts.above_limit%';
