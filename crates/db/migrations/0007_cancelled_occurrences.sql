-- Occurrences of a recurring appointment cancelled one by one, as an
-- RFC 5545 EXDATE list in UTC; NULL when none is.
ALTER TABLE appointments ADD COLUMN exdates TEXT;
