-- The organisation's currency: every amount it holds is in it (BRL in
-- Brazil, EUR in Portugal), shown in the reader's language.
ALTER TABLE organisations ADD COLUMN currency TEXT NOT NULL DEFAULT 'BRL';
