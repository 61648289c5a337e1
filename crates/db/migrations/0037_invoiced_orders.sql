-- Invoicing an order [faturar] records it as a sale of the party: its
-- items are the quote's lines, free ones (a service, freight) included, so
-- a sale's item may name no catalogue product. The order keeps the sale
-- it became.
-- [postgres]
ALTER TABLE sale_items ALTER COLUMN product_id DROP NOT NULL;
-- [sqlite]
CREATE TABLE sale_items_new (
    id BLOB PRIMARY KEY NOT NULL,
    org_id BLOB NOT NULL REFERENCES organisations (id),
    sale_id BLOB NOT NULL REFERENCES sales (id),
    position INTEGER NOT NULL,
    product_id BLOB REFERENCES products (id),
    description TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    discount BIGINT NOT NULL,
    total BIGINT NOT NULL
);
INSERT INTO sale_items_new (id, org_id, sale_id, position, product_id, description, quantity_milli, unit_price, discount, total)
    SELECT id, org_id, sale_id, position, product_id, description, quantity_milli, unit_price, discount, total FROM sale_items;
DROP TABLE sale_items;
ALTER TABLE sale_items_new RENAME TO sale_items;
CREATE INDEX sale_items_sale ON sale_items (sale_id, position);
CREATE INDEX sale_items_product ON sale_items (org_id, product_id);
-- [both]
ALTER TABLE orders ADD COLUMN sale_id UUID REFERENCES sales (id);
