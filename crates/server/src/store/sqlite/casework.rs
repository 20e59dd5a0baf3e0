//! Casework's statements: status changes (checked, and applied only where the status is still
//! the one the link worker saw), notes, onward referrals, the list and "new since you last
//! looked".

use rusqlite::types::{Type, Value};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use signpost_core::workflow::{Closure, Status};
use signpost_core::Channel;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::columns::named;
use crate::clock::timestamp;
use crate::store::casework::{
    CaseRecord, FollowUp, FollowUpFilter, ListQuery, ListRow, NewNote, NewOnwardReferral,
    NewStatusChange, NewUptake, NoteRow, OnwardRow, ReferralList, Scope, StatusChangeRow,
    StatusChanged, Uptake, MAX_PAGE_SIZE,
};

pub fn change_status(
    conn: &mut Connection,
    new: &NewStatusChange,
) -> rusqlite::Result<StatusChanged> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = tx
        .query_row(
            "SELECT id, status FROM referrals WHERE reference = ?1",
            [&new.reference],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    named(&row.get::<_, String>(1)?, 1, Status::from_name)?,
                ))
            },
        )
        .optional()?;
    let Some((id, stored)) = found else {
        return Ok(StatusChanged::UnknownReference);
    };
    let change = new.change;
    if stored != change.from() {
        return Ok(StatusChanged::Stale { now: stored });
    }
    let closure = change.closure();
    let (closure_name, outcome_name) = (
        closure.map(Closure::as_str),
        closure.and_then(Closure::outcome).map(|o| o.as_str()),
    );
    // `AND status = ?` again: the transaction already holds the write lock, but the row says
    // what it needs, so the statement is right on its own.
    let updated = tx.execute(
        "UPDATE referrals SET status = ?1, closure = ?2, outcome = ?3
         WHERE id = ?4 AND status = ?5",
        rusqlite::params![
            change.to().as_str(),
            closure_name,
            outcome_name,
            id,
            change.from().as_str()
        ],
    )?;
    if updated != 1 {
        return Ok(StatusChanged::Stale { now: stored });
    }
    tx.execute(
        "INSERT INTO status_changes (referral_id, from_status, to_status, closure, outcome, reason,
             by_user_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            id,
            change.from().as_str(),
            change.to().as_str(),
            closure_name,
            outcome_name,
            new.reason.as_ref().map(|r| r.as_ref()),
            new.by,
            timestamp(new.at)
        ],
    )?;
    tx.commit()?;
    Ok(StatusChanged::Changed)
}

pub fn add_note(conn: &Connection, note: &NewNote) -> rusqlite::Result<bool> {
    let added = conn.execute(
        "INSERT INTO notes (referral_id, text, by_user_id, at)
         SELECT id, ?2, ?3, ?4 FROM referrals WHERE reference = ?1",
        rusqlite::params![
            note.reference,
            note.text.as_ref(),
            note.by,
            timestamp(note.at)
        ],
    )?;
    Ok(added == 1)
}

pub fn add_onward(conn: &Connection, onward: &NewOnwardReferral) -> rusqlite::Result<bool> {
    let added = conn.execute(
        "INSERT INTO onward_referrals (referral_id, kind, directory_url, by_user_id, at)
         SELECT id, ?2, ?3, ?4, ?5 FROM referrals WHERE reference = ?1",
        rusqlite::params![
            onward.reference,
            onward.kind,
            onward.link.as_ref().map(|l| l.as_ref()),
            onward.by,
            timestamp(onward.at)
        ],
    )?;
    Ok(added == 1)
}

pub fn record_uptake(conn: &Connection, uptake: &NewUptake) -> rusqlite::Result<bool> {
    let updated = conn.execute(
        "UPDATE onward_referrals SET uptake = ?3, uptake_by_user_id = ?4, uptake_at = ?5
         WHERE id = ?2 AND referral_id = (SELECT id FROM referrals WHERE reference = ?1)",
        rusqlite::params![
            uptake.reference,
            uptake.onward_id,
            uptake.uptake.as_str(),
            uptake.by,
            timestamp(uptake.at)
        ],
    )?;
    Ok(updated == 1)
}

/// A stored closure: its name, and the outcome a completed one has.
fn closure_from(
    name: Option<String>,
    outcome: Option<String>,
    column: usize,
) -> rusqlite::Result<Option<Closure>> {
    name.map(|name| {
        Closure::from_names(&name, outcome.as_deref()).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                column,
                Type::Text,
                format!("{name:?} with {outcome:?} is not a closure this service knows").into(),
            )
        })
    })
    .transpose()
}

pub fn case_record(conn: &Connection, reference: &str) -> rusqlite::Result<Option<CaseRecord>> {
    let found = conn
        .query_row(
            "SELECT id, closure, outcome FROM referrals WHERE reference = ?1",
            [reference],
            |row| Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((id, closure, outcome)) = found else {
        return Ok(None);
    };
    let closure = closure_from(closure, outcome, 1)?;

    let mut statement = conn.prepare(
        "SELECT from_status, to_status, closure, outcome, reason, by_user_id, at
         FROM status_changes WHERE referral_id = ?1 ORDER BY id",
    )?;
    let history = statement
        .query_map([id], |row| {
            Ok(StatusChangeRow {
                from: named(&row.get::<_, String>(0)?, 0, Status::from_name)?,
                to: named(&row.get::<_, String>(1)?, 1, Status::from_name)?,
                closure: closure_from(row.get(2)?, row.get(3)?, 2)?,
                reason: row.get(4)?,
                by: row.get(5)?,
                at: row.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut statement =
        conn.prepare("SELECT text, by_user_id, at FROM notes WHERE referral_id = ?1 ORDER BY id")?;
    let notes = statement
        .query_map([id], |row| {
            Ok(NoteRow {
                text: row.get(0)?,
                by: row.get(1)?,
                at: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut statement = conn.prepare(
        "SELECT id, kind, directory_url, uptake, by_user_id, at, uptake_by_user_id, uptake_at
         FROM onward_referrals WHERE referral_id = ?1 ORDER BY id",
    )?;
    let onward = statement
        .query_map([id], |row| {
            Ok(OnwardRow {
                id: row.get(0)?,
                kind: row.get(1)?,
                link: row.get(2)?,
                uptake: named(&row.get::<_, String>(3)?, 3, Uptake::from_name)?,
                by: row.get(4)?,
                at: row.get(5)?,
                uptake_recorded: match (row.get(6)?, row.get(7)?) {
                    (Some(by), Some(at)) => Some((by, at)),
                    _ => None,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    Ok(Some(CaseRecord {
        closure,
        history,
        notes,
        onward,
    }))
}

/// A follow-up link of this referral that is still open at `now` (a placeholder).
fn outstanding(now: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM checkins c
         WHERE c.referral_id = r.id AND c.used_at IS NULL AND c.expires_at > {now})"
    )
}

/// A follow-up of this referral that was answered.
const ANSWERED: &str =
    "EXISTS (SELECT 1 FROM checkins c WHERE c.referral_id = r.id AND c.used_at IS NOT NULL)";

/// Due: a baseline received at or before `cutoff`, not closed without support, no follow-up
/// answered and none open at `now` (both placeholders).
fn due(now: &str, cutoff: &str) -> String {
    format!(
        "(r.wellbeing_score IS NOT NULL AND r.received_at <= {cutoff}
          AND (r.closure IS NULL OR r.closure = 'completed')
          AND NOT {ANSWERED} AND NOT {})",
        outstanding(now)
    )
}

/// A WHERE clause built from the filters given, with its numbered parameters. Only the filters
/// given appear, so SQLite can pick an index for each combination.
struct Filters {
    clauses: Vec<String>,
    params: Vec<Value>,
    now: String,
    cutoff: String,
}

impl Filters {
    fn new(now: &str, cutoff: &str) -> Self {
        Filters {
            clauses: Vec::new(),
            params: Vec::new(),
            now: now.to_owned(),
            cutoff: cutoff.to_owned(),
        }
    }

    fn now(&mut self) -> String {
        self.bind(self.now.clone())
    }

    fn cutoff(&mut self) -> String {
        self.bind(self.cutoff.clone())
    }

    fn due(&mut self) -> String {
        let (now, cutoff) = (self.now(), self.cutoff());
        due(&now, &cutoff)
    }

    fn outstanding(&mut self) -> String {
        let now = self.now();
        outstanding(&now)
    }

    /// The next parameter's placeholder, binding `value` to it.
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("?{}", self.params.len())
    }

    fn and(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }

    fn scope(&mut self, scope: &Scope) {
        if let Scope::Practices(practices) = scope {
            let placeholders: Vec<String> =
                practices.iter().map(|p| self.bind(p.clone())).collect();
            // No practice at all sees nothing (`IN ()` is valid SQLite and matches nothing).
            self.and(format!("r.practice IN ({})", placeholders.join(", ")));
        }
    }
}

/// The filters of `query` but its status.
fn filters(query: &ListQuery, now: &str, cutoff: &str) -> Filters {
    let mut f = Filters::new(now, cutoff);
    f.scope(&query.scope);
    if let Some(practice) = &query.practice {
        let p = f.bind(practice.clone());
        f.and(format!("r.practice = {p}"));
    }
    if let Some(need) = &query.need {
        let p = f.bind(need.clone());
        f.and(format!(
            "r.id IN (SELECT referral_id FROM referral_needs WHERE need = {p})"
        ));
    }
    if let Some(channel) = query.channel {
        let p = f.bind(channel.as_str().to_owned());
        f.and(format!("r.channel = {p}"));
    }
    if query.urgent_only {
        f.and("r.urgent".to_owned());
    }
    match query.follow_up {
        Some(FollowUpFilter::Due) => {
            let due = f.due();
            f.and(due);
        }
        Some(FollowUpFilter::Outstanding) => {
            let outstanding = f.outstanding();
            f.and(outstanding);
        }
        None => {}
    }
    if let Some(from) = query.received_from {
        let p = f.bind(day_start(from));
        f.and(format!("r.received_at >= {p}"));
    }
    if let Some(to) = query.received_to.and_then(|d| d.next_day()) {
        let p = f.bind(day_start(to));
        f.and(format!("r.received_at < {p}"));
    }
    f
}

/// Midnight UTC at the start of `day`, as stored times are written.
fn day_start(day: time::Date) -> String {
    timestamp(day.midnight().assume_utc())
}

pub fn list(conn: &Connection, query: &ListQuery) -> rusqlite::Result<ReferralList> {
    let now = timestamp(query.now);
    let cutoff = timestamp(query.now - Duration::weeks(i64::from(query.follow_up_after_weeks)));
    let page_size = query.page_size.clamp(1, MAX_PAGE_SIZE);
    let offset = u64::from(query.page.max(1) - 1) * u64::from(page_size);

    let counts = filters(query, &now, &cutoff);
    let mut statement = conn.prepare(&format!(
        "SELECT r.status, count(*) FROM referrals r WHERE {} GROUP BY r.status",
        counts.sql()
    ))?;
    let counted: Vec<(Status, u64)> = statement
        .query_map(rusqlite::params_from_iter(&counts.params), |row| {
            Ok((
                named(&row.get::<_, String>(0)?, 0, Status::from_name)?,
                row.get(1)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let by_status: Vec<(Status, u64)> = Status::ALL
        .into_iter()
        .map(|status| {
            let n = counted
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |c| c.1);
            (status, n)
        })
        .collect();
    let total = match query.status {
        Some(status) => by_status
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |c| c.1),
        None => by_status.iter().map(|(_, n)| n).sum(),
    };

    let mut rows = filters(query, &now, &cutoff);
    if let Some(status) = query.status {
        let p = rows.bind(status.as_str().to_owned());
        rows.and(format!("r.status = {p}"));
    }
    let filters_sql = rows.sql();
    let outstanding = rows.outstanding();
    let due = rows.due();
    let seen = rows.bind(query.seen_until.clone());
    let limit = rows.bind(i64::from(page_size));
    let skip = rows.bind(i64::try_from(offset).unwrap_or(i64::MAX));
    // The filters' placeholders come first, so the columns' are numbered after them.
    let sql = format!(
        "SELECT r.reference, r.received_at, r.status, r.closure, r.outcome, r.practice, r.channel,
                json_extract(r.body, '$.answers.name'), json_extract(r.body, '$.answers.needs'),
                r.urgent, r.unsafe_at_home, r.no_voicemail,
                {ANSWERED}, {outstanding}, {due}, {seen} IS NOT NULL AND r.received_at > {seen}
         FROM referrals r WHERE {filters_sql}
         ORDER BY r.received_at DESC, r.id DESC LIMIT {limit} OFFSET {skip}"
    );
    let mut statement = conn.prepare(&sql)?;
    let page = statement
        .query_map(rusqlite::params_from_iter(&rows.params), |row| {
            let needs: Option<String> = row.get(8)?;
            let follow_up = match (row.get(12)?, row.get(13)?, row.get(14)?) {
                (true, _, _) => FollowUp::Answered,
                (_, true, _) => FollowUp::Outstanding,
                (_, _, true) => FollowUp::Due,
                _ => FollowUp::NotDue,
            };
            Ok(ListRow {
                reference: row.get(0)?,
                received_at: row.get(1)?,
                status: named(&row.get::<_, String>(2)?, 2, Status::from_name)?,
                closure: closure_from(row.get(3)?, row.get(4)?, 3)?,
                practice: row.get(5)?,
                channel: named(&row.get::<_, String>(6)?, 6, Channel::from_name)?,
                name: row.get::<_, Option<String>>(7).ok().flatten(),
                // Only the text values of a JSON array; anything else stored there is not a need.
                needs: needs
                    .and_then(|json| serde_json::from_str::<Vec<serde_json::Value>>(&json).ok())
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                urgent: row.get(9)?,
                unsafe_at_home: row.get(10)?,
                no_voicemail: row.get(11)?,
                follow_up,
                is_new: row.get(15)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut new = Filters::new(&now, &cutoff);
    new.scope(&query.scope);
    let new_since_last_look = match &query.seen_until {
        Some(seen) => {
            let p = new.bind(seen.clone());
            new.and(format!("r.received_at > {p}"));
            conn.query_row(
                &format!("SELECT count(*) FROM referrals r WHERE {}", new.sql()),
                rusqlite::params_from_iter(&new.params),
                |row| row.get(0),
            )?
        }
        None => 0,
    };

    Ok(ReferralList {
        rows: page,
        total,
        by_status,
        new_since_last_look,
    })
}

pub fn look_at_list(
    conn: &mut Connection,
    user: i64,
    now: OffsetDateTime,
    visit_gap: Duration,
) -> rusqlite::Result<Option<String>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let last = tx
        .query_row(
            "SELECT seen_until, looked_at FROM list_looks WHERE user_id = ?1",
            [user],
            |row| Ok((row.get::<_, Option<String>>(0)?, row.get::<_, String>(1)?)),
        )
        .optional()?;
    let seen_until = match last {
        None => None,
        Some((seen_until, looked_at)) => {
            let last_look = OffsetDateTime::parse(&looked_at, &Rfc3339).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(1, Type::Text, Box::new(e))
            })?;
            if now - last_look >= visit_gap {
                Some(looked_at)
            } else {
                seen_until
            }
        }
    };
    tx.execute(
        "INSERT INTO list_looks (user_id, seen_until, looked_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET seen_until = excluded.seen_until,
             looked_at = excluded.looked_at",
        rusqlite::params![user, seen_until, timestamp(now)],
    )?;
    tx.commit()?;
    Ok(seen_until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::workflow::{Move, Outcome};
    use time::macros::{date, datetime};

    use crate::store::casework::{DirectoryLink, NoteText, ReasonNote};
    use crate::store::sqlite::tests::migrated_to;
    use crate::store::sqlite::{SqliteStore, MIGRATIONS};

    const AT: OffsetDateTime = datetime!(2026-12-01 09:00 UTC);

    fn fresh() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("casework.db")).unwrap();
        (dir, store)
    }

    /// Puts a referral straight into the table: `answers` is the body's answers object.
    fn put(
        conn: &Connection,
        reference: &str,
        practice: &str,
        received_at: &str,
        answers: serde_json::Value,
        score: Option<f64>,
    ) {
        let body = serde_json::json!({ "answers": answers }).to_string();
        let wellbeing = score.map(|_| ("wemwbs", "[4,4,4,4,4,4,4,4,4,4,4,4,4,4]", 56));
        conn.execute(
            "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, practice,
                 channel, language, consent_version, consent_purposes, consented_at, body,
                 wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw)
             VALUES (?1, ?1, ?2, ?3, ?4, 'self', 'en', 'v1', '[]', ?3, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                reference,
                "a".repeat(64),
                received_at,
                practice,
                body,
                wellbeing.map(|w| w.0),
                wellbeing.map(|w| w.1),
                score,
                wellbeing.map(|w| w.2),
            ],
        )
        .unwrap();
    }

    fn query(scope: Scope) -> ListQuery {
        ListQuery {
            scope,
            status: None,
            need: None,
            practice: None,
            channel: None,
            urgent_only: false,
            follow_up: None,
            received_from: None,
            received_to: None,
            page: 1,
            page_size: 25,
            now: AT,
            follow_up_after_weeks: 12,
            seen_until: None,
        }
    }

    fn references(list: &ReferralList) -> Vec<&str> {
        list.rows.iter().map(|r| r.reference.as_str()).collect()
    }

    fn moved(from: Status, to: Status, closure: Option<Closure>, by: i64) -> NewStatusChange {
        NewStatusChange {
            reference: "SP-AAAA-AAAA".into(),
            change: Move::check(from, to, closure).unwrap(),
            reason: ReasonNote::parse("Spoke on the phone").unwrap(),
            by,
            at: AT,
        }
    }

    #[test]
    fn a_database_made_before_casework_keeps_its_referrals_and_check_ins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let before = MIGRATIONS
            .iter()
            .position(|m| *m == include_str!("migrations/0007_casework.sql"))
            .unwrap();
        {
            let conn = migrated_to(&path, before);
            conn.pragma_update(None, "foreign_keys", "ON").unwrap();
            put(
                &conn,
                "SP-AAAA-AAAA",
                "43210",
                "2026-09-01T09:00:00.000Z",
                serde_json::json!({"urgent": "yes", "needs": ["food", "housing"]}),
                Some(56.0),
            );
            conn.execute(
                "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at,
                     status, practice, channel, language, consent_version, consent_purposes,
                     consented_at, body)
                 VALUES ('SP-BBBB-BBBB', 'old', ?1, '2026-08-01T09:00:00.000Z', 'closed', '43210',
                     'self', 'en', 'v0', '[]', '2026-08-01T09:00:00.000Z', '{\"needs\":[\"caring\"]}')",
                [&"b".repeat(64)],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at,
                     used_at, items, score, raw, language)
                 SELECT id, ?1, 'wemwbs', '2026-11-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z',
                     '2026-11-02T09:00:00.000Z', '[5,5,5,5,5,5,5,5,5,5,5,5,5,5]', 70, 70, 'en'
                 FROM referrals WHERE reference = 'SP-AAAA-AAAA'",
                [&"c".repeat(64)],
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        store.with_conn(|conn| {
            let counts: (i64, i64) = conn
                .query_row(
                    "SELECT (SELECT count(*) FROM referrals), (SELECT count(*) FROM checkins)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(counts, (2, 1), "every referral and check-in is kept");
            let fk: Vec<String> = conn
                .prepare("SELECT \"table\" FROM pragma_foreign_key_list('checkins')")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(fk, ["referrals"], "check-ins point at the rebuilt table");
            let problems: i64 = conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(problems, 0);
        });
        let old = store
            .with_conn(|conn| crate::store::sqlite::referrals::find(conn, "SP-BBBB-BBBB"))
            .unwrap()
            .unwrap();
        assert_eq!(old.status, Status::Closed);
        assert_eq!(old.body, r#"{"needs":["caring"]}"#);
        let checkins = store
            .with_conn(|conn| crate::store::sqlite::checkins::for_referral(conn, "SP-AAAA-AAAA"))
            .unwrap();
        assert_eq!(checkins[0].answer.as_ref().unwrap().wellbeing.score, 70.0);

        let every = store
            .with_conn(|conn| list(conn, &query(Scope::All)))
            .unwrap();
        assert_eq!(references(&every), ["SP-AAAA-AAAA", "SP-BBBB-BBBB"]);
        assert!(every.rows[0].urgent && !every.rows[1].urgent);
        assert_eq!(every.rows[0].follow_up, FollowUp::Answered);
        let mut caring = query(Scope::All);
        caring.need = Some("caring".into());
        let cared = store.with_conn(|conn| list(conn, &caring)).unwrap();
        assert_eq!(
            references(&cared),
            ["SP-BBBB-BBBB"],
            "old needs are filled in"
        );

        // Deleting a referral still deletes its check-ins, and nothing else.
        store.with_conn(|conn| {
            conn.execute("DELETE FROM referrals WHERE reference = 'SP-AAAA-AAAA'", [])
                .unwrap();
            let left: i64 = conn
                .query_row("SELECT count(*) FROM checkins", [], |r| r.get(0))
                .unwrap();
            assert_eq!(left, 0);
        });
    }

    #[test]
    fn a_move_is_applied_once_from_the_status_seen_and_kept_in_the_history() {
        let (_dir, store) = fresh();
        store.with_conn(|conn| {
            put(
                conn,
                "SP-AAAA-AAAA",
                "43210",
                "2026-11-01T09:00:00.000Z",
                serde_json::json!({}),
                None,
            );
            use Status::*;
            assert_eq!(
                change_status(conn, &moved(New, Contacted, None, 7)).unwrap(),
                StatusChanged::Changed
            );
            // A second form showing "New" is stale now.
            assert_eq!(
                change_status(conn, &moved(New, Contacted, None, 8)).unwrap(),
                StatusChanged::Stale { now: Contacted }
            );
            assert_eq!(
                change_status(conn, &moved(Contacted, OnHold, None, 7)).unwrap(),
                StatusChanged::Changed
            );
            let done = Closure::Completed(Outcome::ConnectedToService);
            assert_eq!(
                change_status(conn, &moved(OnHold, Closed, Some(done), 8)).unwrap(),
                StatusChanged::Changed
            );
            let mut unknown = moved(New, Contacted, None, 7);
            unknown.reference = "SP-ZZZZ-ZZZZ".into();
            assert_eq!(
                change_status(conn, &unknown).unwrap(),
                StatusChanged::UnknownReference
            );

            let record = case_record(conn, "SP-AAAA-AAAA").unwrap().unwrap();
            assert_eq!(record.closure, Some(done));
            let steps: Vec<_> = record
                .history
                .iter()
                .map(|h| (h.from, h.to, h.by))
                .collect();
            assert_eq!(
                steps,
                [
                    (New, Contacted, 7),
                    (Contacted, OnHold, 7),
                    (OnHold, Closed, 8)
                ]
            );
            assert_eq!(record.history[2].closure, Some(done));
            assert_eq!(
                record.history[0].reason.as_deref(),
                Some("Spoke on the phone")
            );
            assert_eq!(record.history[0].at, "2026-12-01T09:00:00.000Z");
            let found = crate::store::sqlite::referrals::find(conn, "SP-AAAA-AAAA")
                .unwrap()
                .unwrap();
            assert_eq!(found.status, Closed);
            // The database refuses a closure on an open referral, whoever writes it.
            assert!(conn
                .execute(
                    "UPDATE referrals SET status = 'active' WHERE reference = 'SP-AAAA-AAAA'",
                    []
                )
                .is_err());
        });
    }

    #[test]
    fn notes_and_onward_referrals_read_back_in_order() {
        let (_dir, store) = fresh();
        store.with_conn(|conn| {
            put(
                conn,
                "SP-AAAA-AAAA",
                "43210",
                "2026-11-01T09:00:00.000Z",
                serde_json::json!({}),
                None,
            );
            let note = |text: &str| NewNote {
                reference: "SP-AAAA-AAAA".into(),
                text: NoteText::parse(text).unwrap(),
                by: 7,
                at: AT,
            };
            assert!(add_note(conn, &note("First call")).unwrap());
            assert!(add_note(conn, &note("<script>alert(1)</script>")).unwrap());
            let mut elsewhere = note("x");
            elsewhere.reference = "SP-ZZZZ-ZZZZ".into();
            assert!(!add_note(conn, &elsewhere).unwrap());
            let onward = NewOnwardReferral {
                reference: "SP-AAAA-AAAA".into(),
                kind: "food".into(),
                link: DirectoryLink::parse("https://www.aliss.org/services/1").unwrap(),
                by: 7,
                at: AT,
            };
            assert!(add_onward(conn, &onward).unwrap());
            let record = case_record(conn, "SP-AAAA-AAAA").unwrap().unwrap();
            assert_eq!(record.notes.len(), 2);
            assert_eq!(record.notes[1].text, "<script>alert(1)</script>");
            let id = record.onward[0].id;
            assert_eq!(record.onward[0].uptake, Uptake::NotYet);
            assert_eq!(record.onward[0].uptake_recorded, None);
            let uptake = |reference: &str, id| NewUptake {
                reference: reference.into(),
                onward_id: id,
                uptake: Uptake::Yes,
                by: 8,
                at: AT,
            };
            assert!(record_uptake(conn, &uptake("SP-AAAA-AAAA", id)).unwrap());
            assert!(!record_uptake(conn, &uptake("SP-AAAA-AAAA", id + 1)).unwrap());
            let record = case_record(conn, "SP-AAAA-AAAA").unwrap().unwrap();
            assert_eq!(record.onward[0].uptake, Uptake::Yes);
            assert_eq!(
                record.onward[0].uptake_recorded,
                Some((8, "2026-12-01T09:00:00.000Z".into()))
            );
            assert_eq!(case_record(conn, "SP-ZZZZ-ZZZZ").unwrap(), None);
        });
    }

    /// Applies a change on a connection of its own (the list test holds the store's).
    fn store_change(conn: &Connection, change: &NewStatusChange) {
        let mut other = Connection::open(conn.path().unwrap()).unwrap();
        assert_eq!(
            change_status(&mut other, change).unwrap(),
            StatusChanged::Changed
        );
    }

    #[test]
    fn the_list_filters_counts_and_flags() {
        let (_dir, store) = fresh();
        store.with_conn(|conn: &mut Connection| {
            let conn: &Connection = conn;
            use serde_json::json;
            put(conn, "SP-0000-0001", "43210", "2026-08-01T09:00:00.000Z",
                json!({"urgent": "no", "needs": ["food"], "name": "Old Baseline"}), Some(40.0));
            put(conn, "SP-0000-0002", "43210", "2026-11-20T09:00:00.000Z",
                json!({"urgent": "yes", "needs": ["housing", "relationships_or_safety"],
                       "safe_to_contact_at_home": "no", "safe_voicemail": "no", "name": "Urgent"}), Some(40.0));
            put(conn, "SP-0000-0003", "99999", "2026-11-25T09:00:00.000Z",
                json!({"urgent": "no", "needs": ["food"]}), None);
            put(conn, "SP-0000-0004", "43210", "2026-11-30T09:00:00.000Z",
                json!({"urgent": "no", "needs": ["caring"]}), None);

            let mine = Scope::Practices(vec!["43210".into()]);
            let all = list(conn, &query(mine.clone())).unwrap();
            assert_eq!(references(&all), ["SP-0000-0004", "SP-0000-0002", "SP-0000-0001"]);
            assert_eq!(all.total, 3);
            assert_eq!(all.by_status[0], (Status::New, 3));
            let urgent = &all.rows[1];
            assert!(urgent.urgent && urgent.unsafe_at_home && urgent.no_voicemail);
            assert_eq!(urgent.needs, ["housing", "relationships_or_safety"]);
            assert_eq!(urgent.name.as_deref(), Some("Urgent"));
            assert!(!all.rows[0].urgent && !all.rows[0].unsafe_at_home && !all.rows[0].no_voicemail);
            // 12 weeks before 1 December is 8 September: only the August baseline is due.
            assert_eq!(all.rows[2].follow_up, FollowUp::Due);
            assert_eq!(all.rows[1].follow_up, FollowUp::NotDue);

            let with = |adjust: &dyn Fn(&mut ListQuery)| {
                let mut q = query(mine.clone());
                adjust(&mut q);
                list(conn, &q).unwrap()
            };
            assert_eq!(references(&with(&|q| q.urgent_only = true)), ["SP-0000-0002"]);
            assert_eq!(references(&with(&|q| q.need = Some("food".into()))), ["SP-0000-0001"]);
            assert_eq!(references(&with(&|q| q.follow_up = Some(FollowUpFilter::Due))), ["SP-0000-0001"]);
            assert_eq!(
                references(&with(&|q| {
                    q.received_from = Some(date!(2026-11-20));
                    q.received_to = Some(date!(2026-11-29));
                })),
                ["SP-0000-0002"]
            );
            assert_eq!(references(&with(&|q| q.channel = Some(Channel::Assisted))), Vec::<&str>::new());
            assert_eq!(references(&list(conn, &query(Scope::All)).unwrap()).len(), 4);
            assert_eq!(references(&list(conn, &query(Scope::Practices(vec![]))).unwrap()).len(), 0);
            let mut page_two = query(mine.clone());
            page_two.page_size = 2;
            page_two.page = 2;
            let page = list(conn, &page_two).unwrap();
            assert_eq!((references(&page), page.total), (vec!["SP-0000-0001"], 3));

            // Counts ignore the status filter; the rows and total keep it.
            let closing = NewStatusChange {
                reference: "SP-0000-0004".into(),
                change: Move::check(Status::New, Status::Closed, Some(Closure::NotSuitable)).unwrap(),
                reason: None,
                by: 7,
                at: AT,
            };
            store_change(conn, &closing);
            let closed = with(&|q| q.status = Some(Status::Closed));
            assert_eq!((references(&closed), closed.total), (vec!["SP-0000-0004"], 1));
            assert_eq!(closed.by_status, [
                (Status::New, 2), (Status::Contacted, 0), (Status::Supporting, 0),
                (Status::OnHold, 0), (Status::Closed, 1)
            ]);

            // An open link makes the due one outstanding.
            conn.execute(
                "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at)
                 SELECT id, ?1, 'wemwbs', '2026-11-30T09:00:00.000Z', '2026-12-30T09:00:00.000Z'
                 FROM referrals WHERE reference = 'SP-0000-0001'",
                [&"d".repeat(64)],
            ).unwrap();
            assert_eq!(references(&with(&|q| q.follow_up = Some(FollowUpFilter::Due))), Vec::<&str>::new());
            assert_eq!(references(&with(&|q| q.follow_up = Some(FollowUpFilter::Outstanding))), ["SP-0000-0001"]);

            let since = with(&|q| q.seen_until = Some("2026-11-21T00:00:00.000Z".into()));
            assert_eq!(since.new_since_last_look, 1);
            assert_eq!(since.rows.iter().map(|r| r.is_new).collect::<Vec<_>>(), [true, false, false]);
        });
    }

    #[test]
    fn a_visit_keeps_its_new_rows_until_the_worker_comes_back_later() {
        let (_dir, store) = fresh();
        store.with_conn(|conn| {
            let gap = Duration::minutes(30);
            assert_eq!(
                look_at_list(conn, 7, AT, gap).unwrap(),
                None,
                "a first look"
            );
            let later = AT + Duration::hours(3);
            assert_eq!(
                look_at_list(conn, 7, later, gap).unwrap(),
                Some(timestamp(AT))
            );
            // Paging on a few minutes later: the same visit, the same "new".
            let paging = later + Duration::minutes(5);
            assert_eq!(
                look_at_list(conn, 7, paging, gap).unwrap(),
                Some(timestamp(AT))
            );
            let tomorrow = AT + Duration::days(1);
            assert_eq!(
                look_at_list(conn, 7, tomorrow, gap).unwrap(),
                Some(timestamp(paging))
            );
            assert_eq!(
                look_at_list(conn, 8, tomorrow, gap).unwrap(),
                None,
                "each account its own"
            );
        });
    }
}
