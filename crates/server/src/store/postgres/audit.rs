//! The audit log's statements. The table refuses UPDATE, DELETE and TRUNCATE itself (0001).

use tokio_postgres::GenericClient;

use super::columns::{named, stamp};
use crate::store::audit::{AuditAction, AuditEntry, AuditQuery, NewAuditEntry};
use crate::store::StoreError;

/// The most entries one read returns.
const MAX_PAGE: u32 = 500;

pub async fn append(db: &impl GenericClient, entry: &NewAuditEntry) -> Result<(), StoreError> {
    db.execute(
        "INSERT INTO audit_log (at, actor_user_id, action, reference, client, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &entry.at,
            &entry.actor,
            &entry.action.as_str(),
            &entry.reference,
            &entry.client,
            &entry.detail,
        ],
    )
    .await?;
    Ok(())
}

pub async fn read(
    db: &impl GenericClient,
    query: &AuditQuery,
) -> Result<Vec<AuditEntry>, StoreError> {
    let limit = i64::from(query.limit.clamp(1, MAX_PAGE));
    let rows = db
        .query(
            "SELECT id, at, actor_user_id, action, reference, client, detail FROM audit_log
             WHERE ($1::text IS NULL OR reference = $1) AND ($2::bigint IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3",
            &[&query.reference, &query.before, &limit],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.get(0),
                at: stamp(row.get(1)),
                actor: row.get(2),
                action: named(row.get(3), AuditAction::from_name)?,
                reference: row.get(4),
                client: row.get(5),
                detail: row.get(6),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::postgres::testing;
    use time::macros::datetime;

    #[tokio::test]
    async fn entries_read_back_newest_first_and_cannot_be_changed_or_removed() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let client = store.client().await.unwrap();
        let at = datetime!(2026-12-01 09:00 UTC);
        append(
            &**client,
            &NewAuditEntry::new(AuditAction::SignedIn, at)
                .by(7)
                .from_client(Some("192.0.2.1".into())),
        )
        .await
        .unwrap();
        append(
            &**client,
            &NewAuditEntry::new(AuditAction::ViewedReferral, at)
                .by(7)
                .about("SP-7K3M-Q9X2"),
        )
        .await
        .unwrap();
        let all = read(
            &**client,
            &AuditQuery {
                limit: 10,
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].action, AuditAction::ViewedReferral);
        assert_eq!(all[0].at, "2026-12-01T09:00:00.000Z");
        assert_eq!(all[1].client.as_deref(), Some("192.0.2.1"));
        let about = read(
            &**client,
            &AuditQuery {
                reference: Some("SP-7K3M-Q9X2".into()),
                limit: 10,
                ..AuditQuery::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(about.len(), 1);
        for refused in [
            "UPDATE audit_log SET detail = 'rewritten'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ] {
            let error = client.batch_execute(refused).await.unwrap_err();
            assert!(
                format!("{error:?}").contains("append-only"),
                "{refused}: {error:?}"
            );
        }
        assert_eq!(
            read(
                &**client,
                &AuditQuery {
                    limit: 10,
                    ..AuditQuery::default()
                }
            )
            .await
            .unwrap()
            .len(),
            2
        );
    }
}
