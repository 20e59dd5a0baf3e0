//! The audit log's statements. The table refuses UPDATE and DELETE itself (migration 0005).

use rusqlite::Connection;

use super::columns::named;
use crate::clock;
use crate::store::audit::{AuditAction, AuditEntry, AuditQuery, NewAuditEntry};

/// The most entries one read returns.
const MAX_PAGE: u32 = 500;

pub fn append(conn: &Connection, entry: &NewAuditEntry) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor_user_id, action, reference, client, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            clock::timestamp(entry.at),
            entry.actor,
            entry.action.as_str(),
            entry.reference,
            entry.client,
            entry.detail,
        ],
    )?;
    Ok(())
}

pub fn read(conn: &Connection, query: &AuditQuery) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare(
        "SELECT id, at, actor_user_id, action, reference, client, detail FROM audit_log
         WHERE (?1 IS NULL OR reference = ?1) AND (?2 IS NULL OR id < ?2)
         ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = statement.query_map(
        rusqlite::params![
            query.reference,
            query.before,
            query.limit.clamp(1, MAX_PAGE)
        ],
        |row| {
            Ok(AuditEntry {
                id: row.get(0)?,
                at: row.get(1)?,
                actor: row.get(2)?,
                action: named(&row.get::<_, String>(3)?, 3, AuditAction::from_name)?,
                reference: row.get(4)?,
                client: row.get(5)?,
                detail: row.get(6)?,
            })
        },
    )?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;
    use time::macros::datetime;

    #[test]
    fn entries_read_back_newest_first_and_cannot_be_changed_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("audit.db")).unwrap();
        store.with_conn(|conn| {
            let at = datetime!(2026-12-01 09:00 UTC);
            append(
                conn,
                &NewAuditEntry::new(AuditAction::SignedIn, at)
                    .by(7)
                    .from_client(Some("192.0.2.1".into())),
            )
            .unwrap();
            append(
                conn,
                &NewAuditEntry::new(AuditAction::ViewedReferral, at)
                    .by(7)
                    .about("SP-7K3M-Q9X2"),
            )
            .unwrap();
            let all = read(
                conn,
                &AuditQuery {
                    limit: 10,
                    ..AuditQuery::default()
                },
            )
            .unwrap();
            assert_eq!(
                all.iter().map(|e| e.action).collect::<Vec<_>>(),
                [AuditAction::ViewedReferral, AuditAction::SignedIn]
            );
            assert_eq!(all[1].client.as_deref(), Some("192.0.2.1"));
            assert_eq!(all[1].at, "2026-12-01T09:00:00.000Z");
            let about = AuditQuery {
                reference: Some("SP-7K3M-Q9X2".into()),
                limit: 10,
                ..AuditQuery::default()
            };
            assert_eq!(read(conn, &about).unwrap().len(), 1);
            let older = AuditQuery {
                before: Some(all[0].id),
                limit: 10,
                ..AuditQuery::default()
            };
            assert_eq!(read(conn, &older).unwrap(), vec![all[1].clone()]);

            for statement in [
                "UPDATE audit_log SET action = 'signed_out'",
                "DELETE FROM audit_log",
            ] {
                let refused = conn.execute(statement, []).unwrap_err();
                assert!(refused.to_string().contains("append-only"), "{refused}");
            }
            assert_eq!(
                read(
                    conn,
                    &AuditQuery {
                        limit: 10,
                        ..AuditQuery::default()
                    }
                )
                .unwrap()
                .len(),
                2
            );
        });
    }
}
