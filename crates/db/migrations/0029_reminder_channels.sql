-- Payment reminders through SMS and WhatsApp as well as e-mail: the
-- channels in the order to try them (comma-separated), and the one each
-- reminder went through.
ALTER TABLE payment_reminder_rules ADD COLUMN channels TEXT NOT NULL DEFAULT 'email';
ALTER TABLE payment_reminders ADD COLUMN channel TEXT;
