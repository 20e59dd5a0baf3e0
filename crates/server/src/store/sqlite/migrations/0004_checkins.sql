-- Follow-up wellbeing check-ins (journey 3). A link worker issues a follow-up link carrying a
-- random token; the person answers the same scale as at the start, once.
--
-- Only the SHA-256 of the token is stored (lowercase hex), never the token: someone who reads
-- the database (a backup, an export) cannot use an open link. A token is looked up by its hash.
--
-- `instrument` is the scale the link asks: the referral's own, or 'wemwbs' when the person
-- skipped the check-in at the start. `used_at`, `items`, `score`, `raw` and `language` are all
-- NULL until the check-in is answered, then all set, once: the same scoring as the referral's
-- check-in (the WEMWBS total 14-70, or the SWEMWBS metric score 7.00-35.00; `raw` is the sum).
-- Times are RFC 3339, UTC. Deleting a referral deletes its check-ins.
CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY,
    referral_id  INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    token_sha256 TEXT    NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    instrument   TEXT    NOT NULL CHECK (instrument IN ('wemwbs', 'swemwbs')),
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    used_at      TEXT,
    items        TEXT    CHECK (items IS NULL OR (json_valid(items) AND json_type(items) = 'array')),
    score        REAL    CHECK (score IS NULL OR score BETWEEN 7 AND 70),
    raw          INTEGER CHECK (raw IS NULL OR raw BETWEEN 7 AND 70),
    language     TEXT,
    -- Answered all at once, or not at all.
    CHECK ((used_at IS NULL) = (items IS NULL)
       AND (items IS NULL) = (score IS NULL)
       AND (score IS NULL) = (raw IS NULL)
       AND (raw IS NULL) = (language IS NULL))
) STRICT;

CREATE INDEX checkins_referral_id ON checkins (referral_id);
