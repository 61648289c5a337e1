-- A party's first phone and e-mail on its own row, written with its phones
-- and e-mails (repo::party), so a list page and search read them without
-- two lookups per row: on PostgreSQL those lookups were nine of every ten
-- buffers a page of the customer list read.
ALTER TABLE parties ADD COLUMN first_phone TEXT;
ALTER TABLE parties ADD COLUMN first_email TEXT;
UPDATE parties SET
    first_phone = (SELECT ph.e164 FROM party_phones ph WHERE ph.party_id = parties.id ORDER BY ph.position LIMIT 1),
    first_email = (SELECT em.email FROM party_emails em WHERE em.party_id = parties.id ORDER BY em.position LIMIT 1);
