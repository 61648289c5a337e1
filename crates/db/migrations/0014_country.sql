-- The organisation's country: where an address, a phone or a document is
-- read when it does not say (Brazil: UF and CEP 00000-000; Portugal:
-- district and código postal 0000-000, NIF first).
ALTER TABLE organisations ADD COLUMN country TEXT NOT NULL DEFAULT 'BR';
