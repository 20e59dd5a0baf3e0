-- One row a referral, written once the body has passed signpost-core's checks.
-- `body` is the canonical wire form (RawReferral::from(&referral)), so what is stored never
-- depends on how a client happened to spell or order its JSON; `body_sha256` is the hash of the
-- bytes as received, which is what an idempotent retry is compared against.
CREATE TABLE referrals (
    id               INTEGER PRIMARY KEY,
    reference        TEXT    NOT NULL UNIQUE,
    idempotency_key  TEXT    NOT NULL UNIQUE,
    body_sha256      TEXT    NOT NULL CHECK (length(body_sha256) = 64),
    received_at      TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'new'
                             CHECK (status IN ('new', 'contacted', 'active', 'closed')),
    practice         TEXT    NOT NULL,
    channel          TEXT    NOT NULL CHECK (channel IN ('self', 'assisted')),
    language         TEXT    NOT NULL,
    consent_version  TEXT    NOT NULL,
    -- A JSON array of purposes, e.g. ["share_with_service","contact_me"].
    consent_purposes TEXT    NOT NULL CHECK (json_valid(consent_purposes)),
    -- When the consent reached the service: the server's clock, never the client's.
    consented_at     TEXT    NOT NULL,
    body             TEXT    NOT NULL CHECK (json_valid(body))
) STRICT;

CREATE INDEX referrals_received_at ON referrals (received_at);
CREATE INDEX referrals_status ON referrals (status);
