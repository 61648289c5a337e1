-- The follow-up list reads a team's or a seller's open contacts soonest
-- return first, a page at a time, and tallies the legend's colours over
-- all of them (issue 17: a team of 20 with 50,000 contacts in 20 ms). The
-- indexes now hold the list's order (the next return, then the id) and
-- the internal date, so a page is read in index order and the tally
-- counts from the index alone.
DROP INDEX sales_contacts_due;
DROP INDEX sales_contacts_responsible;
CREATE INDEX sales_contacts_due ON sales_contacts (org_id, status, next_return_on, id, internal_on);
CREATE INDEX sales_contacts_responsible
    ON sales_contacts (org_id, responsible_id, status, next_return_on, id, internal_on);
