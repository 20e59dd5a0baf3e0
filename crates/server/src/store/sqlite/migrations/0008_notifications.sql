-- The outbox of new-referral emails (src/notify/outbox.rs): one row a referral, inserted in the
-- transaction that stores the referral, so a referral the service acknowledged always has its
-- email queued and an idempotent replay (which inserts no referral) queues nothing.
--
-- Nothing about the person is here: the email is made at sending time from the referral's
-- reference and practice and this row's kind. `recipient` is the practice's team address when the
-- referral arrived; `last_error` is the SMTP client's or server's own words.
--
-- A worker claims due rows with a lease (`lease_token`, `leased_until`) in one UPDATE, and records
-- an outcome only while its token still holds the row. The three times the claim compares are
-- fixed-width RFC 3339 UTC to the millisecond (src/clock.rs), so comparing the text compares the
-- times.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    referral_id     INTEGER NOT NULL UNIQUE REFERENCES referrals (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('new', 'urgent')),
    recipient       TEXT    NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
    created_at      TEXT    NOT NULL,
    next_attempt_at TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    lease_token     INTEGER,
    leased_until    TEXT,
    last_error      TEXT    CHECK (last_error IS NULL OR length(last_error) <= 1000),
    sent_at         TEXT,
    CHECK ((lease_token IS NULL) = (leased_until IS NULL))
) STRICT;

-- What the claim looks through: the unsent rows, by when they are next due.
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE sent_at IS NULL;
