-- A message may go to an address typed by someone with the right to
-- (messages.any_address) rather than one of the party's own: the worker
-- then does not refuse it for not being the party's. Consent still rules.
ALTER TABLE messages ADD COLUMN address_typed BOOLEAN NOT NULL DEFAULT FALSE;
