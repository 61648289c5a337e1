-- The follow-up list sorted by customer reads the customers in name order
-- and each one's contacts by its index, a page at a time, instead of
-- sorting every contact in reach (issue 17: 63 ms over a team's 50,000).
-- The customers' name index leaves the archived out, but an archived
-- customer's contacts stay on the list, so this one keeps them.
CREATE INDEX parties_org_name_with_archived ON parties (org_id, sort_name, id) WHERE merged_into IS NULL;
