-- Each user's choice of light or dark screens; 'system' follows the
-- device, as every user did before the choice existed.
ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT 'system';
