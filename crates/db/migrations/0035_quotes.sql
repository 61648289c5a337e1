-- Numbers an organisation gives its documents (quotes now; orders and
-- contracts later), one row per kind: the next number is taken by an
-- upsert in the transaction that uses it, so a rolled-back document gives
-- its number back and two at once never share one. No database sequence,
-- which a distributed PostgreSQL would hand out with gaps and out of order.
CREATE TABLE document_counters (
    org_id UUID NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind)
);

-- Quotes and proposals [orçamentos] (seed 001): the figures are kept as
-- computed when saved (lines and totals in cents, percentages in
-- hundredths), so a later price change does not alter what was offered.
CREATE TABLE quotes (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    number BIGINT NOT NULL,
    state TEXT NOT NULL,
    issued_on DATE NOT NULL,
    valid_until DATE NOT NULL,
    currency TEXT NOT NULL,
    payment_terms TEXT NOT NULL,
    installments INTEGER NOT NULL,
    delivery_terms TEXT NOT NULL,
    notes TEXT NOT NULL,
    discount_percent BIGINT NOT NULL,
    subtotal BIGINT NOT NULL,
    discount BIGINT NOT NULL,
    freight BIGINT NOT NULL,
    total BIGINT NOT NULL,
    created_by UUID REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX quotes_number ON quotes (org_id, number);
CREATE INDEX quotes_party ON quotes (org_id, party_id, number);
CREATE INDEX quotes_open ON quotes (org_id, state, valid_until);

CREATE TABLE quote_lines (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    quote_id UUID NOT NULL REFERENCES quotes (id),
    position INTEGER NOT NULL,
    product_id UUID REFERENCES products (id),
    description TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    discount_percent BIGINT NOT NULL,
    total BIGINT NOT NULL
);
CREATE INDEX quote_lines_quote ON quote_lines (quote_id, position);

-- What a quote said before each edit (its lines and figures as JSON, as
-- the application reads a quote), so an earlier revision stays readable.
CREATE TABLE quote_revisions (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    quote_id UUID NOT NULL REFERENCES quotes (id),
    revision INTEGER NOT NULL,
    content TEXT NOT NULL,
    replaced_at TIMESTAMPTZ NOT NULL,
    replaced_by TEXT NOT NULL
);
CREATE UNIQUE INDEX quote_revisions_order ON quote_revisions (quote_id, revision);
