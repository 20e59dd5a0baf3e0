-- Casework: link workers move each referral through signpost-core's workflow (New, Contacted,
-- Supporting, On hold, Closed with a reason), keep notes, connect the person to services, and
-- see who is due a follow-up.
--
-- 1. `referrals` is rebuilt: 0001's CHECK allows only new/contacted/active/closed, and the
--    workflow also has `on_hold`; a closed referral now keeps its reason (`closure`) and, when
--    it was completed, its `outcome`. Every row and column is kept. The list's safety flags are
--    generated columns read from the stored body, so the intake writes nothing new and rows from
--    before questionnaires (no `answers`) read as unflagged.
--    SQLite cannot change a CHECK in place, so the table is made anew and copied. `checkins`
--    points at it with ON DELETE CASCADE, and foreign keys are ON: dropping the old `referrals`
--    first would delete every check-in. So both are made anew (`checkins_new` referring to
--    `referrals_new`), both copied, the old `checkins` dropped before the old `referrals`, then
--    both renamed (renaming `referrals_new` rewrites the reference in `checkins_new`).
CREATE TABLE referrals_new (
    id               INTEGER PRIMARY KEY,
    reference        TEXT    NOT NULL UNIQUE,
    idempotency_key  TEXT    NOT NULL UNIQUE,
    body_sha256      TEXT    NOT NULL CHECK (length(body_sha256) = 64),
    received_at      TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'new'
                             CHECK (status IN ('new', 'contacted', 'active', 'on_hold', 'closed')),
    practice         TEXT    NOT NULL,
    channel          TEXT    NOT NULL CHECK (channel IN ('self', 'assisted')),
    language         TEXT    NOT NULL,
    consent_version  TEXT    NOT NULL,
    consent_purposes TEXT    NOT NULL CHECK (json_valid(consent_purposes)),
    consented_at     TEXT    NOT NULL,
    body             TEXT    NOT NULL CHECK (json_valid(body)),
    questionnaire_id TEXT,
    questionnaire_version TEXT
        CHECK ((questionnaire_id IS NULL) = (questionnaire_version IS NULL)),
    wellbeing_instrument TEXT
        CHECK (wellbeing_instrument IN ('wemwbs', 'swemwbs')),
    wellbeing_items TEXT
        CHECK (wellbeing_items IS NULL OR (json_valid(wellbeing_items) AND json_type(wellbeing_items) = 'array')),
    wellbeing_score REAL
        CHECK (wellbeing_score IS NULL OR wellbeing_score BETWEEN 7 AND 70),
    wellbeing_raw INTEGER
        CHECK (wellbeing_raw IS NULL OR wellbeing_raw BETWEEN 7 AND 70),
    organisation TEXT
        CHECK (organisation IS NULL OR (channel = 'assisted' AND length(organisation) BETWEEN 1 AND 100)),
    -- Why it was closed (signpost-core's `Closure`); NULL while open, and for a referral closed
    -- before 0007, when no reason was kept.
    closure TEXT
        CHECK (closure IN ('completed', 'could_not_contact', 'declined', 'not_suitable')),
    -- What a completed referral came to (`Outcome`): set exactly when `closure` is completed.
    outcome TEXT
        CHECK (outcome IN ('support_given', 'connected_to_service', 'referred_on')),
    -- Safety flags, read from the answers as stored: urgent help asked for, not safe to contact
    -- at home, not safe to leave a voicemail.
    urgent           INTEGER GENERATED ALWAYS AS (json_extract(body, '$.answers.urgent') IS 'yes') VIRTUAL,
    unsafe_at_home   INTEGER GENERATED ALWAYS AS (json_extract(body, '$.answers.safe_to_contact_at_home') IS 'no') VIRTUAL,
    no_voicemail     INTEGER GENERATED ALWAYS AS (json_extract(body, '$.answers.safe_voicemail') IS 'no') VIRTUAL,
    CHECK ((wellbeing_instrument IS NULL) = (wellbeing_items IS NULL)
       AND (wellbeing_items IS NULL) = (wellbeing_score IS NULL)
       AND (wellbeing_score IS NULL) = (wellbeing_raw IS NULL)),
    CHECK (closure IS NULL OR status = 'closed'),
    CHECK ((outcome IS NOT NULL) = (closure IS 'completed'))
) STRICT;

INSERT INTO referrals_new (id, reference, idempotency_key, body_sha256, received_at, status,
        practice, channel, language, consent_version, consent_purposes, consented_at, body,
        questionnaire_id, questionnaire_version, wellbeing_instrument, wellbeing_items,
        wellbeing_score, wellbeing_raw, organisation)
    SELECT id, reference, idempotency_key, body_sha256, received_at, status,
        practice, channel, language, consent_version, consent_purposes, consented_at, body,
        questionnaire_id, questionnaire_version, wellbeing_instrument, wellbeing_items,
        wellbeing_score, wellbeing_raw, organisation
    FROM referrals;

CREATE TABLE checkins_new (
    id           INTEGER PRIMARY KEY,
    referral_id  INTEGER NOT NULL REFERENCES referrals_new (id) ON DELETE CASCADE,
    token_sha256 TEXT    NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    instrument   TEXT    NOT NULL CHECK (instrument IN ('wemwbs', 'swemwbs')),
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    used_at      TEXT,
    items        TEXT    CHECK (items IS NULL OR (json_valid(items) AND json_type(items) = 'array')),
    score        REAL    CHECK (score IS NULL OR score BETWEEN 7 AND 70),
    raw          INTEGER CHECK (raw IS NULL OR raw BETWEEN 7 AND 70),
    language     TEXT,
    CHECK ((used_at IS NULL) = (items IS NULL)
       AND (items IS NULL) = (score IS NULL)
       AND (score IS NULL) = (raw IS NULL)
       AND (raw IS NULL) = (language IS NULL))
) STRICT;

INSERT INTO checkins_new SELECT id, referral_id, token_sha256, instrument, created_at, expires_at,
        used_at, items, score, raw, language
    FROM checkins;

DROP TABLE checkins;
DROP TABLE referrals;
ALTER TABLE referrals_new RENAME TO referrals;
ALTER TABLE checkins_new RENAME TO checkins;

CREATE INDEX referrals_received_at ON referrals (received_at);
CREATE INDEX referrals_status ON referrals (status, received_at);
-- A link worker's list: their practices, newest first, and the counts by status.
CREATE INDEX referrals_practice_received_at ON referrals (practice, received_at);
CREATE INDEX referrals_practice_status ON referrals (practice, status);
-- Few referrals ask for urgent help; the filter finds them without reading every body.
CREATE INDEX referrals_urgent ON referrals (received_at) WHERE urgent;
CREATE INDEX checkins_referral_id ON checkins (referral_id, expires_at);

-- 2. The needs each referral asks about, one row a need, for the list's filter: kept by a
--    trigger from the stored body, so the intake's insert needs no change, and filled now for the
--    rows already stored (the first wire format kept them at `$.needs`).
CREATE TABLE referral_needs (
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    need        TEXT    NOT NULL,
    PRIMARY KEY (need, referral_id)
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO referral_needs (referral_id, need)
    SELECT r.id, n.value FROM referrals r,
        json_each(r.body, CASE WHEN json_type(r.body, '$.answers.needs') = 'array'
                               THEN '$.answers.needs' ELSE '$.needs' END) n
    WHERE n.type = 'text';
-- Deleting a referral deletes its rows here by this index.
CREATE INDEX referral_needs_referral_id ON referral_needs (referral_id);

CREATE TRIGGER referral_needs_on_insert AFTER INSERT ON referrals
BEGIN
    INSERT OR IGNORE INTO referral_needs (referral_id, need)
        SELECT NEW.id, n.value FROM json_each(NEW.body, '$.answers.needs') n WHERE n.type = 'text';
END;

-- 3. Every change of status: who (an inbox account), when, from what to what, and why.
--    `reason` is the link worker's optional note on the move (1-500 characters).
CREATE TABLE status_changes (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    from_status TEXT    NOT NULL CHECK (from_status IN ('new', 'contacted', 'active', 'on_hold', 'closed')),
    to_status   TEXT    NOT NULL CHECK (to_status IN ('new', 'contacted', 'active', 'on_hold', 'closed')),
    closure     TEXT    CHECK (closure IN ('completed', 'could_not_contact', 'declined', 'not_suitable')),
    outcome     TEXT    CHECK (outcome IN ('support_given', 'connected_to_service', 'referred_on')),
    reason      TEXT    CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
    by_user_id  INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    CHECK ((closure IS NOT NULL) = (to_status = 'closed')),
    CHECK ((outcome IS NOT NULL) = (closure IS 'completed'))
) STRICT;
CREATE INDEX status_changes_referral_id ON status_changes (referral_id);

-- 4. Notes: free text (1-2000 characters; the inbox refuses control characters as signpost-core's
--    FreeText does), never edited.
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    by_user_id  INTEGER NOT NULL,
    at          TEXT    NOT NULL
) STRICT;
CREATE INDEX notes_referral_id ON notes (referral_id);

-- 5. Onward referrals: the kind of service the person was connected to (one of the service's
--    configured kinds, by default the need areas), an optional https link to the service's page
--    in a directory such as ALISS, and whether they took it up, recorded later.
CREATE TABLE onward_referrals (
    id            INTEGER PRIMARY KEY,
    referral_id   INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
    directory_url TEXT    CHECK (directory_url IS NULL
                                 OR (directory_url LIKE 'https://%' AND length(directory_url) <= 500)),
    uptake        TEXT    NOT NULL DEFAULT 'not_yet' CHECK (uptake IN ('yes', 'no', 'not_yet')),
    by_user_id    INTEGER NOT NULL,
    at            TEXT    NOT NULL,
    -- Who recorded the uptake, and when; NULL until it is recorded.
    uptake_by_user_id INTEGER,
    uptake_at     TEXT,
    CHECK ((uptake_by_user_id IS NULL) = (uptake_at IS NULL))
) STRICT;
CREATE INDEX onward_referrals_referral_id ON onward_referrals (referral_id);

-- 6. When each account last looked at the list, for "new since you last looked": `seen_until`
--    is where the previous visit ended, `looked_at` the latest look (a visit is looks less than
--    the inbox's idle time apart).
CREATE TABLE list_looks (
    user_id    INTEGER PRIMARY KEY,
    seen_until TEXT,
    looked_at  TEXT NOT NULL
) STRICT;
