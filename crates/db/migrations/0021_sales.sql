-- What customers buy: the stores that sell, the catalogue, sales with
-- their items, and the installments of credit sales [crediário].

-- A store [loja/empresa] with its own name and CNPJ: its code is the one
-- the ERP sends.
CREATE TABLE stores (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    cnpj TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX stores_code ON stores (org_id, code);

-- The organisation's groups, brands and lines a product is filed under.
CREATE TABLE catalogue_lists (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE UNIQUE INDEX catalogue_lists_name ON catalogue_lists (org_id, kind, name);

CREATE TABLE products (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    price BIGINT NOT NULL,
    group_id UUID REFERENCES catalogue_lists (id),
    brand_id UUID REFERENCES catalogue_lists (id),
    line_id UUID REFERENCES catalogue_lists (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX products_code ON products (org_id, code);
CREATE INDEX products_name ON products (org_id, name);

-- A sale: kept when cancelled (cancelled_at set), its effects reversed.
-- external_id is the ERP's key, so a batch sent twice is one sale each.
CREATE TABLE sales (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    store_id UUID NOT NULL REFERENCES stores (id),
    seller_id UUID REFERENCES users (id),
    seller_code TEXT NOT NULL,
    sold_at TIMESTAMPTZ NOT NULL,
    total BIGINT NOT NULL,
    payment TEXT NOT NULL,
    fiscal_number TEXT NOT NULL,
    fiscal_key TEXT NOT NULL,
    external_id TEXT,
    cancelled_at TIMESTAMPTZ,
    cancel_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    created_by_label TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX sales_party ON sales (org_id, party_id, sold_at);
CREATE INDEX sales_store ON sales (org_id, store_id, sold_at);
CREATE UNIQUE INDEX sales_external ON sales (org_id, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE sale_items (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    sale_id UUID NOT NULL REFERENCES sales (id),
    position INTEGER NOT NULL,
    product_id UUID NOT NULL REFERENCES products (id),
    description TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    discount BIGINT NOT NULL,
    total BIGINT NOT NULL
);
CREATE INDEX sale_items_sale ON sale_items (sale_id, position);
CREATE INDEX sale_items_product ON sale_items (org_id, product_id);

-- The installments [parcelas/títulos] of a credit sale; paid grows with
-- each payment, paid_on is the day the last cent arrived.
CREATE TABLE installments (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    sale_id UUID NOT NULL REFERENCES sales (id),
    party_id UUID NOT NULL REFERENCES parties (id),
    number INTEGER NOT NULL,
    due_on DATE NOT NULL,
    amount BIGINT NOT NULL,
    paid BIGINT NOT NULL DEFAULT 0,
    paid_on DATE,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX installments_party ON installments (org_id, party_id, due_on);
CREATE INDEX installments_sale ON installments (sale_id, number);

-- Each party's purchases in figures, kept in the transaction of every
-- sale, cancellation and payment: what lists, the profile and the
-- relationship engine read without going through the history. Days
-- overdue are counted from oldest_open_due on the day they are read.
ALTER TABLE parties ADD COLUMN purchase_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE parties ADD COLUMN total_bought BIGINT NOT NULL DEFAULT 0;
ALTER TABLE parties ADD COLUMN largest_purchase BIGINT NOT NULL DEFAULT 0;
ALTER TABLE parties ADD COLUMN first_purchase_at TIMESTAMPTZ;
ALTER TABLE parties ADD COLUMN last_purchase_at TIMESTAMPTZ;
ALTER TABLE parties ADD COLUMN last_store_id UUID REFERENCES stores (id);
ALTER TABLE parties ADD COLUMN open_balance BIGINT NOT NULL DEFAULT 0;
ALTER TABLE parties ADD COLUMN oldest_open_due DATE;
