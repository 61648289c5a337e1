-- A one-time message for the session's next page (a notice after a
-- redirect, or a secret shown once), read and cleared by that page.
ALTER TABLE sessions ADD COLUMN flash TEXT;
