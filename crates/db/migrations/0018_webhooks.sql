-- Webhooks: an organisation's subscriptions to its parties' movements
-- (each event of a party's history), and every delivery with the answer
-- the receiver gave. Targets on private networks need the administrator's
-- permission (webhooks_allow_private).
CREATE TABLE webhook_subscriptions (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    event_types TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_subscriptions_org ON webhook_subscriptions (org_id) WHERE active;

CREATE TABLE webhook_deliveries (
    id UUID PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (id),
    subscription_id UUID NOT NULL REFERENCES webhook_subscriptions (id),
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    response_status INTEGER,
    response_excerpt TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);

ALTER TABLE organisations ADD COLUMN webhooks_allow_private BOOLEAN NOT NULL DEFAULT FALSE;
