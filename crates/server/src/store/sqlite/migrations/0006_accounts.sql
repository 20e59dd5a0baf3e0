-- The inbox's accounts and what signing in needs: practices, server-side sessions, one-time
-- set-password links, recovery codes, TOTP, and failed sign-in counts.
--
-- No secret is kept as such: sessions, links and recovery codes are kept by the SHA-256 of what
-- the browser or the person holds (hex, like `checkins.token_sha256`), passwords as argon2id PHC
-- strings. The TOTP secret must be kept as it is (the server computes the codes), so a copy of
-- this file is a copy of every authenticator: back-ups are to be guarded like the database itself.
CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    -- Lower-cased (`AccountEmail`), so one person is one account and one lock-out counter.
    email               TEXT    NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    role                TEXT    NOT NULL CHECK (role IN ('link-worker', 'admin')),
    state               TEXT    NOT NULL CHECK (state IN ('invited', 'active', 'disabled')),
    password_hash       TEXT    CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
    -- The confirmed authenticator's secret (20 bytes) and the last 30-second step accepted, so a
    -- code cannot be used twice.
    totp_secret         BLOB    CHECK (totp_secret IS NULL OR length(totp_secret) >= 16),
    totp_last_step      INTEGER,
    -- The secret shown on the set-up page until a first code confirms it.
    totp_pending_secret BLOB    CHECK (totp_pending_secret IS NULL OR length(totp_pending_secret) >= 16),
    created_at          TEXT    NOT NULL,
    -- An active account has a password; an invited one is waiting for its set-password link.
    CHECK (state <> 'active' OR password_hash IS NOT NULL)
) STRICT;

-- The practices a link worker covers, in the order given (an admin has none: it sees all).
CREATE TABLE account_practices (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    practice   TEXT    NOT NULL CHECK (length(practice) BETWEEN 1 AND 32),
    PRIMARY KEY (account_id, practice),
    UNIQUE (account_id, position)
) STRICT;

CREATE TABLE sessions (
    id_sha256  TEXT    PRIMARY KEY CHECK (length(id_sha256) = 64),
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    stage      TEXT    NOT NULL CHECK (stage IN ('awaiting-code', 'awaiting-authenticator-setup', 'signed-in')),
    created_at TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    -- The session's synchronizer token: every form carries it, so the server must know it.
    csrf       TEXT    NOT NULL CHECK (length(csrf) = 43)
) STRICT;

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE set_password_links (
    token_sha256 TEXT    PRIMARY KEY CHECK (length(token_sha256) = 64),
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    used_at      TEXT
) STRICT;

CREATE INDEX set_password_links_account ON set_password_links (account_id);

CREATE TABLE recovery_codes (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_sha256 TEXT    NOT NULL CHECK (length(code_sha256) = 64),
    used_at     TEXT,
    PRIMARY KEY (account_id, code_sha256)
) STRICT;

-- Failed sign-ins per email as typed (whether or not an account has it) and per client address,
-- each kept by the SHA-256 of its text: the counts are needed, the emails strangers typed are not.
CREATE TABLE sign_in_failures (
    kind         TEXT    NOT NULL CHECK (kind IN ('email', 'client')),
    key_sha256   TEXT    NOT NULL CHECK (length(key_sha256) = 64),
    failures     INTEGER NOT NULL CHECK (failures >= 1),
    last_failure TEXT    NOT NULL,
    PRIMARY KEY (kind, key_sha256)
) STRICT;
