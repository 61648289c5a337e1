-- The centre's follow-up list tallies the legend over its open contacts;
-- the centre's index now holds the list's order and the internal date as
-- the team's and the seller's do (0043), so the tally reads the index
-- alone instead of every contact's row.
DROP INDEX sales_contacts_centre;
CREATE INDEX sales_contacts_centre
    ON sales_contacts (org_id, centre_id, status, next_return_on, id, internal_on);
