-- Nothing reads sale items by product through this index: the engine
-- reads every item of the organisation in table order, and the SQL
-- filters reach items through their sale (sale_items_sale). Each sale
-- paid for it on write, and a bulk load of ten million purchases 14 s
-- of sorting to build it again (docs/benchmarks.md, 2026-12-07).
DROP INDEX sale_items_product;
