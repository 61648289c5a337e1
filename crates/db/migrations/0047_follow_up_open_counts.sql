-- The follow-up list's legend (today, overdue, open, with an internal
-- date) tallied from a summary of the open contacts instead of every one
-- of them (issue 17: a team of 20 with 50,000 contacts in 20 ms; a
-- PostgreSQL scan of 43,000 open contacts took 12–14 ms by itself). One
-- row per responsible user, centre, return date and presence of an
-- internal date, with how many open contacts share them, so the tally
-- reads a few hundred rows for the day's colours whatever the number of
-- contacts. Triggers keep it in the contact's own transaction, whichever
-- write changes a contact. The key has no NULLs so that both databases
-- find a row to add to by its key: no centre is the nil UUID and no
-- return date is 9999-12-31, after every day (not due).
CREATE TABLE sales_contact_open_counts (
    org_id UUID NOT NULL REFERENCES organisations (id),
    responsible_id UUID NOT NULL,
    centre_key UUID NOT NULL,
    return_key DATE NOT NULL,
    with_internal BOOLEAN NOT NULL,
    contacts BIGINT NOT NULL,
    PRIMARY KEY (org_id, responsible_id, centre_key, return_key, with_internal)
);
CREATE INDEX sales_contact_open_counts_centre ON sales_contact_open_counts (org_id, centre_key);
-- [postgres]
CREATE FUNCTION sales_contacts_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.status = NEW.status AND OLD.responsible_id = NEW.responsible_id
        AND OLD.centre_id IS NOT DISTINCT FROM NEW.centre_id
        AND OLD.next_return_on IS NOT DISTINCT FROM NEW.next_return_on
        AND (OLD.internal_on IS NULL) = (NEW.internal_on IS NULL) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.status = 'open' THEN
        UPDATE sales_contact_open_counts SET contacts = contacts - 1
        WHERE org_id = OLD.org_id AND responsible_id = OLD.responsible_id
          AND centre_key = COALESCE(OLD.centre_id, '00000000-0000-0000-0000-000000000000'::uuid)
          AND return_key = COALESCE(OLD.next_return_on, DATE '9999-12-31')
          AND with_internal = (OLD.internal_on IS NOT NULL);
        DELETE FROM sales_contact_open_counts
        WHERE org_id = OLD.org_id AND responsible_id = OLD.responsible_id
          AND centre_key = COALESCE(OLD.centre_id, '00000000-0000-0000-0000-000000000000'::uuid)
          AND return_key = COALESCE(OLD.next_return_on, DATE '9999-12-31')
          AND with_internal = (OLD.internal_on IS NOT NULL) AND contacts <= 0;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'open' THEN
        INSERT INTO sales_contact_open_counts
            (org_id, responsible_id, centre_key, return_key, with_internal, contacts)
        VALUES (NEW.org_id, NEW.responsible_id,
                COALESCE(NEW.centre_id, '00000000-0000-0000-0000-000000000000'::uuid),
                COALESCE(NEW.next_return_on, DATE '9999-12-31'), NEW.internal_on IS NOT NULL, 1)
        ON CONFLICT (org_id, responsible_id, centre_key, return_key, with_internal)
        DO UPDATE SET contacts = sales_contact_open_counts.contacts + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER sales_contacts_counted
    AFTER INSERT OR DELETE OR UPDATE OF status, responsible_id, centre_id, next_return_on, internal_on
    ON sales_contacts
    FOR EACH ROW EXECUTE FUNCTION sales_contacts_counted();

INSERT INTO sales_contact_open_counts (org_id, responsible_id, centre_key, return_key, with_internal, contacts)
SELECT org_id, responsible_id, COALESCE(centre_id, '00000000-0000-0000-0000-000000000000'::uuid),
       COALESCE(next_return_on, DATE '9999-12-31'), internal_on IS NOT NULL, COUNT(*)
FROM sales_contacts WHERE status = 'open'
GROUP BY 1, 2, 3, 4, 5;
-- [sqlite]
-- SQLite keeps dates as text and UUIDs as 16 bytes: the nil UUID is
-- zeroblob(16). A trigger body cannot branch, so each statement carries
-- its condition.
CREATE TRIGGER sales_contacts_counted_insert AFTER INSERT ON sales_contacts WHEN new.status = 'open'
BEGIN
    INSERT INTO sales_contact_open_counts (org_id, responsible_id, centre_key, return_key, with_internal, contacts)
    VALUES (new.org_id, new.responsible_id, COALESCE(new.centre_id, zeroblob(16)),
            COALESCE(new.next_return_on, '9999-12-31'), new.internal_on IS NOT NULL, 1)
    ON CONFLICT (org_id, responsible_id, centre_key, return_key, with_internal)
    DO UPDATE SET contacts = contacts + 1;
END;
CREATE TRIGGER sales_contacts_counted_update
    AFTER UPDATE OF status, responsible_id, centre_id, next_return_on, internal_on ON sales_contacts
    WHEN old.status IS NOT new.status OR old.responsible_id IS NOT new.responsible_id
        OR old.centre_id IS NOT new.centre_id OR old.next_return_on IS NOT new.next_return_on
        OR (old.internal_on IS NULL) <> (new.internal_on IS NULL)
BEGIN
    UPDATE sales_contact_open_counts SET contacts = contacts - 1
    WHERE old.status = 'open' AND org_id = old.org_id AND responsible_id = old.responsible_id
      AND centre_key = COALESCE(old.centre_id, zeroblob(16))
      AND return_key = COALESCE(old.next_return_on, '9999-12-31')
      AND with_internal = (old.internal_on IS NOT NULL);
    DELETE FROM sales_contact_open_counts
    WHERE old.status = 'open' AND org_id = old.org_id AND responsible_id = old.responsible_id
      AND centre_key = COALESCE(old.centre_id, zeroblob(16))
      AND return_key = COALESCE(old.next_return_on, '9999-12-31')
      AND with_internal = (old.internal_on IS NOT NULL) AND contacts <= 0;
    INSERT INTO sales_contact_open_counts (org_id, responsible_id, centre_key, return_key, with_internal, contacts)
    SELECT new.org_id, new.responsible_id, COALESCE(new.centre_id, zeroblob(16)),
           COALESCE(new.next_return_on, '9999-12-31'), new.internal_on IS NOT NULL, 1
    WHERE new.status = 'open'
    ON CONFLICT (org_id, responsible_id, centre_key, return_key, with_internal)
    DO UPDATE SET contacts = contacts + 1;
END;
CREATE TRIGGER sales_contacts_counted_delete AFTER DELETE ON sales_contacts WHEN old.status = 'open'
BEGIN
    UPDATE sales_contact_open_counts SET contacts = contacts - 1
    WHERE org_id = old.org_id AND responsible_id = old.responsible_id
      AND centre_key = COALESCE(old.centre_id, zeroblob(16))
      AND return_key = COALESCE(old.next_return_on, '9999-12-31')
      AND with_internal = (old.internal_on IS NOT NULL);
    DELETE FROM sales_contact_open_counts
    WHERE org_id = old.org_id AND responsible_id = old.responsible_id
      AND centre_key = COALESCE(old.centre_id, zeroblob(16))
      AND return_key = COALESCE(old.next_return_on, '9999-12-31')
      AND with_internal = (old.internal_on IS NOT NULL) AND contacts <= 0;
END;

INSERT INTO sales_contact_open_counts (org_id, responsible_id, centre_key, return_key, with_internal, contacts)
SELECT org_id, responsible_id, COALESCE(centre_id, zeroblob(16)), COALESCE(next_return_on, '9999-12-31'),
       internal_on IS NOT NULL, COUNT(*)
FROM sales_contacts WHERE status = 'open'
GROUP BY 1, 2, 3, 4, 5;
