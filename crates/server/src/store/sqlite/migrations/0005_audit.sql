-- The audit log: who did what, when and from where, for every sign-in (and failed attempt), view
-- of a referral, change, note, export and account change. Append-only: the triggers below refuse
-- any UPDATE or DELETE, so not even the service can rewrite what it recorded.
--
-- Nothing here identifies a person who was referred: a referral is named by its reference, and
-- `detail` holds only codes and counts (a status, a format, how many rows), never answers.
-- `actor_user_id` is the inbox account that acted; NULL for the command line, the service
-- itself (a purge) or a sign-in attempt for an email with no account.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    actor_user_id INTEGER,
    action        TEXT    NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    reference     TEXT    CHECK (reference IS NULL OR length(reference) = 12),
    client        TEXT    CHECK (client IS NULL OR length(client) <= 64),
    detail        TEXT    CHECK (detail IS NULL OR length(detail) <= 500)
) STRICT;

CREATE INDEX audit_log_reference ON audit_log (reference) WHERE reference IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_user_id) WHERE actor_user_id IS NOT NULL;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
