-- Payments of credit-sale installments: partial ones allowed; an
-- installment is paid when they add up to its amount. delay_days is how
-- late its last payment came (0 when on time), what the party's average
-- delay is made of.
CREATE TABLE installment_payments (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    installment_id UUID NOT NULL REFERENCES installments (id),
    paid_on DATE NOT NULL,
    amount BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by_label TEXT NOT NULL
);
CREATE INDEX installment_payments_installment ON installment_payments (installment_id, paid_on);

ALTER TABLE installments ADD COLUMN delay_days INTEGER;

ALTER TABLE parties ADD COLUMN paid_installments BIGINT NOT NULL DEFAULT 0;
ALTER TABLE parties ADD COLUMN delay_days_total BIGINT NOT NULL DEFAULT 0;
