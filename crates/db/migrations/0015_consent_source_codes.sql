-- Where a consent was recorded on the customer sheet was stored as the
-- sheet's label in the recorder's language; it is the code `sheet` now,
-- named in each reader's language when shown.
UPDATE consent_events SET source = 'sheet' WHERE source IN ('Ficha do cliente', 'Customer sheet');
