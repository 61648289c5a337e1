-- Orders [pedidos] (seed 001): an accepted quote made an order, routed to
-- production or to the sales office. Its lines are the quote's (an
-- accepted quote no longer changes); a quote becomes one order at most.
CREATE TABLE orders (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    quote_id UUID NOT NULL REFERENCES quotes (id),
    number BIGINT NOT NULL,
    destination TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX orders_quote ON orders (quote_id);
CREATE UNIQUE INDEX orders_number ON orders (org_id, number);
CREATE INDEX orders_queue ON orders (org_id, destination, state, number);
CREATE INDEX orders_party ON orders (org_id, party_id, number);

-- Each state an order reached, who moved it and when.
CREATE TABLE order_steps (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    order_id UUID NOT NULL REFERENCES orders (id),
    state TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    by_name TEXT NOT NULL
);
CREATE INDEX order_steps_order ON order_steps (order_id, at);

-- The routing rule: an order with a product of one of these groups goes
-- to production, any other to the sales office, unless the user chooses.
CREATE TABLE production_groups (
    org_id UUID NOT NULL REFERENCES organisations (id),
    group_id UUID NOT NULL REFERENCES catalogue_lists (id),
    PRIMARY KEY (org_id, group_id)
);
