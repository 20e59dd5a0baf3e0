-- The whole schema as SQLite's migrations 0001-0008 left it, in PostgreSQL's own types: times
-- are timestamptz, integers bigint (Rust's i64), secrets bytea, flags boolean, item responses
-- jsonb. A referral's body and consent purposes stay text holding JSON: they are kept byte for
-- byte as the service wrote them (jsonb would reorder the keys of the canonical form), and are
-- read as jsonb (`body::jsonb`) where a statement looks inside.
-- Every CHECK of the SQLite schema is here too, so both engines refuse the same rows; the comments
-- on what each table is for are in ../../sqlite/migrations/, and are not repeated.
--
-- Append-only like SQLite's: never edit a migration that has shipped, add the next one.

CREATE TABLE referrals (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference             text NOT NULL UNIQUE,
    idempotency_key       text NOT NULL UNIQUE,
    body_sha256           text NOT NULL CHECK (length(body_sha256) = 64),
    received_at           timestamptz NOT NULL,
    status                text NOT NULL DEFAULT 'new'
                          CHECK (status IN ('new', 'contacted', 'active', 'on_hold', 'closed')),
    practice              text NOT NULL,
    channel               text NOT NULL CHECK (channel IN ('self', 'assisted')),
    language              text NOT NULL,
    consent_version       text NOT NULL,
    consent_purposes      text NOT NULL CHECK (jsonb_typeof(consent_purposes::jsonb) = 'array'),
    consented_at          timestamptz NOT NULL,
    body                  text NOT NULL CHECK (jsonb_typeof(body::jsonb) = 'object'),
    questionnaire_id      text,
    questionnaire_version text
        CHECK ((questionnaire_id IS NULL) = (questionnaire_version IS NULL)),
    wellbeing_instrument  text CHECK (wellbeing_instrument IN ('wemwbs', 'swemwbs')),
    wellbeing_items       jsonb
        CHECK (wellbeing_items IS NULL OR jsonb_typeof(wellbeing_items) = 'array'),
    wellbeing_score       double precision
        CHECK (wellbeing_score IS NULL OR wellbeing_score BETWEEN 7 AND 70),
    wellbeing_raw         bigint CHECK (wellbeing_raw IS NULL OR wellbeing_raw BETWEEN 7 AND 70),
    organisation          text
        CHECK (organisation IS NULL
               OR (channel = 'assisted' AND char_length(organisation) BETWEEN 1 AND 100)),
    closure               text
        CHECK (closure IN ('completed', 'could_not_contact', 'declined', 'not_suitable')),
    outcome               text
        CHECK (outcome IN ('support_given', 'connected_to_service', 'referred_on')),
    -- The list's safety flags, read from the answers as stored (SQLite's are VIRTUAL; here they
    -- are STORED, written once with the row, since a referral's body never changes).
    urgent         boolean GENERATED ALWAYS AS
                   ((body::jsonb #>> '{answers,urgent}') IS NOT DISTINCT FROM 'yes') STORED,
    unsafe_at_home boolean GENERATED ALWAYS AS
                   ((body::jsonb #>> '{answers,safe_to_contact_at_home}') IS NOT DISTINCT FROM 'no') STORED,
    no_voicemail   boolean GENERATED ALWAYS AS
                   ((body::jsonb #>> '{answers,safe_voicemail}') IS NOT DISTINCT FROM 'no') STORED,
    CHECK ((wellbeing_instrument IS NULL) = (wellbeing_items IS NULL)
       AND (wellbeing_items IS NULL) = (wellbeing_score IS NULL)
       AND (wellbeing_score IS NULL) = (wellbeing_raw IS NULL)),
    CHECK (closure IS NULL OR status = 'closed'),
    CHECK ((outcome IS NOT NULL) = (closure IS NOT DISTINCT FROM 'completed'))
);

CREATE INDEX referrals_received_at ON referrals (received_at);
CREATE INDEX referrals_status ON referrals (status, received_at);
CREATE INDEX referrals_practice_received_at ON referrals (practice, received_at);
CREATE INDEX referrals_practice_status ON referrals (practice, status);
CREATE INDEX referrals_urgent ON referrals (received_at) WHERE urgent;

CREATE TABLE checkins (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_id  bigint NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    token_sha256 text NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
    instrument   text NOT NULL CHECK (instrument IN ('wemwbs', 'swemwbs')),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    items        jsonb CHECK (items IS NULL OR jsonb_typeof(items) = 'array'),
    score        double precision CHECK (score IS NULL OR score BETWEEN 7 AND 70),
    raw          bigint CHECK (raw IS NULL OR raw BETWEEN 7 AND 70),
    language     text,
    CHECK ((used_at IS NULL) = (items IS NULL)
       AND (items IS NULL) = (score IS NULL)
       AND (score IS NULL) = (raw IS NULL)
       AND (raw IS NULL) = (language IS NULL))
);

CREATE INDEX checkins_referral_id ON checkins (referral_id, expires_at);

-- The needs each referral asks about, kept by a trigger from the stored body.
CREATE TABLE referral_needs (
    referral_id bigint NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    need        text NOT NULL,
    PRIMARY KEY (need, referral_id)
);
CREATE INDEX referral_needs_referral_id ON referral_needs (referral_id);

CREATE FUNCTION referral_needs_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF jsonb_typeof(NEW.body::jsonb #> '{answers,needs}') = 'array' THEN
        INSERT INTO referral_needs (referral_id, need)
            SELECT NEW.id, n.value #>> '{}'
            FROM jsonb_array_elements(NEW.body::jsonb #> '{answers,needs}') AS n (value)
            WHERE jsonb_typeof(n.value) = 'string'
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER referral_needs_on_insert AFTER INSERT ON referrals
    FOR EACH ROW EXECUTE FUNCTION referral_needs_on_insert();

CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor_user_id bigint,
    action        text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 64),
    reference     text CHECK (reference IS NULL OR char_length(reference) = 12),
    client        text CHECK (client IS NULL OR char_length(client) <= 64),
    detail        text CHECK (detail IS NULL OR char_length(detail) <= 500)
);

CREATE INDEX audit_log_reference ON audit_log (reference) WHERE reference IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_user_id) WHERE actor_user_id IS NOT NULL;

-- Append-only: not even the service can rewrite what it recorded.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE accounts (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               text NOT NULL UNIQUE CHECK (char_length(email) BETWEEN 3 AND 254),
    role                text NOT NULL CHECK (role IN ('link-worker', 'admin')),
    state               text NOT NULL CHECK (state IN ('invited', 'active', 'disabled')),
    password_hash       text CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
    totp_secret         bytea CHECK (totp_secret IS NULL OR length(totp_secret) >= 16),
    totp_last_step      bigint,
    totp_pending_secret bytea
        CHECK (totp_pending_secret IS NULL OR length(totp_pending_secret) >= 16),
    created_at          timestamptz NOT NULL,
    CHECK (state <> 'active' OR password_hash IS NOT NULL)
);

CREATE TABLE account_practices (
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position   bigint NOT NULL,
    practice   text NOT NULL CHECK (char_length(practice) BETWEEN 1 AND 32),
    PRIMARY KEY (account_id, practice),
    UNIQUE (account_id, position)
);

CREATE TABLE sessions (
    id_sha256  text PRIMARY KEY CHECK (length(id_sha256) = 64),
    account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    stage      text NOT NULL
               CHECK (stage IN ('awaiting-code', 'awaiting-authenticator-setup', 'signed-in')),
    created_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    csrf       text NOT NULL CHECK (length(csrf) = 43)
);

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE set_password_links (
    token_sha256 text PRIMARY KEY CHECK (length(token_sha256) = 64),
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);

CREATE INDEX set_password_links_account ON set_password_links (account_id);

CREATE TABLE recovery_codes (
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_sha256 text NOT NULL CHECK (length(code_sha256) = 64),
    used_at     timestamptz,
    PRIMARY KEY (account_id, code_sha256)
);

CREATE TABLE sign_in_failures (
    kind         text NOT NULL CHECK (kind IN ('email', 'client')),
    key_sha256   text NOT NULL CHECK (length(key_sha256) = 64),
    failures     bigint NOT NULL CHECK (failures >= 1),
    last_failure timestamptz NOT NULL,
    PRIMARY KEY (kind, key_sha256)
);

CREATE TABLE status_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_id bigint NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    from_status text NOT NULL
                CHECK (from_status IN ('new', 'contacted', 'active', 'on_hold', 'closed')),
    to_status   text NOT NULL
                CHECK (to_status IN ('new', 'contacted', 'active', 'on_hold', 'closed')),
    closure     text CHECK (closure IN ('completed', 'could_not_contact', 'declined', 'not_suitable')),
    outcome     text CHECK (outcome IN ('support_given', 'connected_to_service', 'referred_on')),
    reason      text CHECK (reason IS NULL OR char_length(reason) BETWEEN 1 AND 500),
    by_user_id  bigint NOT NULL,
    at          timestamptz NOT NULL,
    CHECK ((closure IS NOT NULL) = (to_status = 'closed')),
    CHECK ((outcome IS NOT NULL) = (closure IS NOT DISTINCT FROM 'completed'))
);
CREATE INDEX status_changes_referral_id ON status_changes (referral_id);

CREATE TABLE notes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_id bigint NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    text        text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 2000),
    by_user_id  bigint NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX notes_referral_id ON notes (referral_id);

CREATE TABLE onward_referrals (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_id       bigint NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 64),
    directory_url     text CHECK (directory_url IS NULL
                                  OR (directory_url LIKE 'https://%' AND char_length(directory_url) <= 500)),
    uptake            text NOT NULL DEFAULT 'not_yet' CHECK (uptake IN ('yes', 'no', 'not_yet')),
    by_user_id        bigint NOT NULL,
    at                timestamptz NOT NULL,
    uptake_by_user_id bigint,
    uptake_at         timestamptz,
    CHECK ((uptake_by_user_id IS NULL) = (uptake_at IS NULL))
);
CREATE INDEX onward_referrals_referral_id ON onward_referrals (referral_id);

CREATE TABLE list_looks (
    user_id    bigint PRIMARY KEY,
    seen_until timestamptz,
    looked_at  timestamptz NOT NULL
);

CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    referral_id     bigint NOT NULL UNIQUE REFERENCES referrals (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('new', 'urgent')),
    recipient       text NOT NULL CHECK (char_length(recipient) BETWEEN 3 AND 254),
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    attempts        bigint NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    lease_token     bigint,
    leased_until    timestamptz,
    last_error      text CHECK (last_error IS NULL OR char_length(last_error) <= 1000),
    sent_at         timestamptz,
    CHECK ((lease_token IS NULL) = (leased_until IS NULL))
);

CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE sent_at IS NULL;
