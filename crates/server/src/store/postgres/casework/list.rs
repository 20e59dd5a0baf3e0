//! The list link workers work from: its filters as one WHERE clause, the counts they give, one
//! page of rows newest first with each row's safety flags and follow-up state, and how many
//! arrived since the viewer last looked.

use signpost_core::workflow::Status;
use signpost_core::Channel;
use time::{Duration, OffsetDateTime};
use tokio_postgres::types::ToSql;
use tokio_postgres::GenericClient;

use super::{closure_from, to_the_millisecond};
use crate::store::casework::{
    FollowUp, FollowUpFilter, ListQuery, ListRow, ReferralList, Scope, MAX_PAGE_SIZE,
};
use crate::store::postgres::columns::{named, stamp, time};
use crate::store::StoreError;

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

/// A parameter of a statement built here; `Send`, as the futures holding them must be.
type Param = Box<dyn ToSql + Sync + Send>;

/// A WHERE clause built from the filters given, with its numbered parameters. Only the filters
/// given appear, so PostgreSQL can plan each combination on its own.
struct Filters {
    clauses: Vec<String>,
    params: Vec<Param>,
    now: OffsetDateTime,
    cutoff: OffsetDateTime,
}

impl Filters {
    fn new(now: OffsetDateTime, cutoff: OffsetDateTime) -> Self {
        Filters {
            clauses: Vec::new(),
            params: Vec::new(),
            now,
            cutoff,
        }
    }

    fn now(&mut self) -> String {
        self.bind(self.now)
    }

    fn cutoff(&mut self) -> String {
        self.bind(self.cutoff)
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
    fn bind(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len())
    }

    fn and(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "TRUE".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }

    fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }

    fn scope(&mut self, scope: &Scope) {
        if let Scope::Practices(practices) = scope {
            // No practice at all sees nothing (`= ANY` of an empty array matches nothing).
            let p = self.bind(practices.clone());
            self.and(format!("r.practice = ANY({p})"));
        }
    }
}

/// The filters of `query` but its status.
fn filters(query: &ListQuery, now: OffsetDateTime, cutoff: OffsetDateTime) -> Filters {
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
        let p = f.bind(channel.as_str());
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

/// Midnight UTC at the start of `day`.
fn day_start(day: time::Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

/// Only the text values of a JSON array; anything else stored there is not a need.
fn needs_of(stored: Option<serde_json::Value>) -> Vec<String> {
    match stored {
        Some(serde_json::Value::Array(values)) => values
            .into_iter()
            .filter_map(|v| match v {
                serde_json::Value::String(need) => Some(need),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The list's statements, in the caller's snapshot so that the counts and the page agree.
pub async fn list(db: &impl GenericClient, query: &ListQuery) -> Result<ReferralList, StoreError> {
    let now = to_the_millisecond(query.now);
    let cutoff =
        to_the_millisecond(query.now - Duration::weeks(i64::from(query.follow_up_after_weeks)));
    let seen_until = query.seen_until.as_deref().map(time).transpose()?;
    let page_size = query.page_size.clamp(1, MAX_PAGE_SIZE);
    let offset = u64::from(query.page.max(1) - 1) * u64::from(page_size);

    let counts = filters(query, now, cutoff);
    let counted = db
        .query(
            &format!(
                "SELECT r.status, count(*) FROM referrals r WHERE {} GROUP BY r.status",
                counts.sql()
            ),
            &counts.params(),
        )
        .await?
        .iter()
        .map(|row| {
            let n = u64::try_from(row.get::<_, i64>(1)).map_err(StoreError::engine)?;
            Ok((named(row.get(0), Status::from_name)?, n))
        })
        .collect::<Result<Vec<(Status, u64)>, StoreError>>()?;
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

    let mut rows = filters(query, now, cutoff);
    if let Some(status) = query.status {
        let p = rows.bind(status.as_str());
        rows.and(format!("r.status = {p}"));
    }
    let filters_sql = rows.sql();
    let outstanding = rows.outstanding();
    let due = rows.due();
    let seen = rows.bind(seen_until);
    let limit = rows.bind(i64::from(page_size));
    let skip = rows.bind(i64::try_from(offset).unwrap_or(i64::MAX));
    // The filters' placeholders come first, so the columns' are numbered after them.
    let sql = format!(
        "SELECT r.reference, r.received_at, r.status, r.closure, r.outcome, r.practice, r.channel,
                 r.body::jsonb #> '{{answers,name}}', r.body::jsonb #> '{{answers,needs}}',
                r.urgent, r.unsafe_at_home, r.no_voicemail,
                {ANSWERED}, {outstanding}, {due},
                COALESCE(r.received_at > {seen}::timestamptz, FALSE)
         FROM referrals r WHERE {filters_sql}
         ORDER BY r.received_at DESC, r.id DESC LIMIT {limit} OFFSET {skip}"
    );
    let page = db
        .query(&sql, &rows.params())
        .await?
        .iter()
        .map(|row| {
            let follow_up = match (row.get(12), row.get(13), row.get(14)) {
                (true, _, _) => FollowUp::Answered,
                (_, true, _) => FollowUp::Outstanding,
                (_, _, true) => FollowUp::Due,
                _ => FollowUp::NotDue,
            };
            Ok(ListRow {
                reference: row.get(0),
                received_at: stamp(row.get(1)),
                status: named(row.get(2), Status::from_name)?,
                closure: closure_from(row.get(3), row.get(4))?,
                practice: row.get(5),
                channel: named(row.get(6), Channel::from_name)?,
                // A name is text; anything else (which the intake never stores) is none.
                name: match row.get::<_, Option<serde_json::Value>>(7) {
                    Some(serde_json::Value::String(name)) => Some(name),
                    _ => None,
                },
                needs: needs_of(row.get(8)),
                urgent: row.get(9),
                unsafe_at_home: row.get(10),
                no_voicemail: row.get(11),
                follow_up,
                is_new: row.get(15),
            })
        })
        .collect::<Result<_, StoreError>>()?;

    let new_since_last_look = match seen_until {
        Some(seen) => {
            let mut new = Filters::new(now, cutoff);
            new.scope(&query.scope);
            let p = new.bind(seen);
            new.and(format!("r.received_at > {p}"));
            let n: i64 = db
                .query_one(
                    &format!("SELECT count(*) FROM referrals r WHERE {}", new.sql()),
                    &new.params(),
                )
                .await?
                .get(0);
            u64::try_from(n).map_err(StoreError::engine)?
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

#[cfg(test)]
mod tests {
    use serde_json::json;
    use signpost_core::workflow::{Closure, Move};
    use time::macros::date;

    use super::*;
    use crate::store::casework::{Casework, NewStatusChange, StatusChanged};
    use crate::store::postgres::casework::tests::{put, AT};
    use crate::store::postgres::testing;

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

    #[tokio::test]
    async fn the_list_filters_counts_and_flags() {
        let Some(db) = testing::database().await else {
            return;
        };
        let store = db.store();
        let client = store.client().await.unwrap();
        let conn = &**client;
        put(
            conn,
            "SP-0000-0001",
            "43210",
            "2026-08-01T09:00:00.000Z",
            json!({"urgent": "no", "needs": ["food"], "name": "Old Baseline"}),
            Some(40.0),
        )
        .await;
        put(
            conn,
            "SP-0000-0002",
            "43210",
            "2026-11-20T09:00:00.000Z",
            json!({"urgent": "yes", "needs": ["housing", "relationships_or_safety"],
                   "safe_to_contact_at_home": "no", "safe_voicemail": "no", "name": "Urgent"}),
            Some(40.0),
        )
        .await;
        put(
            conn,
            "SP-0000-0003",
            "99999",
            "2026-11-25T09:00:00.000Z",
            json!({"urgent": "no", "needs": ["food"]}),
            None,
        )
        .await;
        put(
            conn,
            "SP-0000-0004",
            "43210",
            "2026-11-30T09:00:00.000Z",
            json!({"urgent": "no", "needs": ["caring", 7], "name": 42}),
            None,
        )
        .await;

        let mine = Scope::Practices(vec!["43210".into()]);
        let all = store.list_referrals(query(mine.clone())).await.unwrap();
        assert_eq!(
            references(&all),
            ["SP-0000-0004", "SP-0000-0002", "SP-0000-0001"]
        );
        assert_eq!(all.total, 3);
        assert_eq!(all.by_status[0], (Status::New, 3));
        let urgent = &all.rows[1];
        assert!(urgent.urgent && urgent.unsafe_at_home && urgent.no_voicemail);
        assert_eq!(urgent.needs, ["housing", "relationships_or_safety"]);
        assert_eq!(urgent.name.as_deref(), Some("Urgent"));
        assert_eq!(urgent.received_at, "2026-11-20T09:00:00.000Z");
        let odd = &all.rows[0];
        assert!(!odd.urgent && !odd.unsafe_at_home && !odd.no_voicemail);
        assert_eq!(
            (odd.name.as_deref(), odd.needs.as_slice()),
            (None, &["caring".to_owned()][..])
        );
        // 12 weeks before 1 December is 8 September: only the August baseline is due.
        assert_eq!(all.rows[2].follow_up, FollowUp::Due);
        assert_eq!(all.rows[1].follow_up, FollowUp::NotDue);

        let with = |adjust: &dyn Fn(&mut ListQuery)| {
            let mut q = query(mine.clone());
            adjust(&mut q);
            store.list_referrals(q)
        };
        assert_eq!(
            references(&with(&|q| q.urgent_only = true).await.unwrap()),
            ["SP-0000-0002"]
        );
        assert_eq!(
            references(&with(&|q| q.need = Some("food".into())).await.unwrap()),
            ["SP-0000-0001"]
        );
        assert_eq!(
            references(
                &with(&|q| q.follow_up = Some(FollowUpFilter::Due))
                    .await
                    .unwrap()
            ),
            ["SP-0000-0001"]
        );
        assert_eq!(
            references(
                &with(&|q| {
                    q.received_from = Some(date!(2026 - 11 - 20));
                    q.received_to = Some(date!(2026 - 11 - 29));
                })
                .await
                .unwrap()
            ),
            ["SP-0000-0002"]
        );
        assert_eq!(
            references(
                &with(&|q| q.channel = Some(Channel::Assisted))
                    .await
                    .unwrap()
            ),
            Vec::<&str>::new()
        );
        assert_eq!(
            references(&with(&|q| q.practice = Some("99999".into())).await.unwrap()),
            Vec::<&str>::new(),
            "a practice outside the scope shows nothing"
        );
        assert_eq!(
            references(&store.list_referrals(query(Scope::All)).await.unwrap()).len(),
            4
        );
        assert_eq!(
            references(
                &store
                    .list_referrals(query(Scope::Practices(vec![])))
                    .await
                    .unwrap()
            )
            .len(),
            0
        );
        let mut page_two = query(mine.clone());
        page_two.page_size = 2;
        page_two.page = 2;
        let page = store.list_referrals(page_two).await.unwrap();
        assert_eq!((references(&page), page.total), (vec!["SP-0000-0001"], 3));

        // Counts ignore the status filter; the rows and total keep it.
        let closing = NewStatusChange {
            reference: "SP-0000-0004".into(),
            change: Move::check(Status::New, Status::Closed, Some(Closure::NotSuitable)).unwrap(),
            reason: None,
            by: 7,
            at: AT,
        };
        assert_eq!(
            store.change_status(closing).await.unwrap(),
            StatusChanged::Changed
        );
        let closed = with(&|q| q.status = Some(Status::Closed)).await.unwrap();
        assert_eq!(
            (references(&closed), closed.total),
            (vec!["SP-0000-0004"], 1)
        );
        assert_eq!(closed.rows[0].closure, Some(Closure::NotSuitable));
        assert_eq!(
            closed.by_status,
            [
                (Status::New, 2),
                (Status::Contacted, 0),
                (Status::Supporting, 0),
                (Status::OnHold, 0),
                (Status::Closed, 1)
            ]
        );

        // An open link makes the due one outstanding.
        conn.execute(
            "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at)
             SELECT id, $1, 'wemwbs', '2026-11-30T09:00:00.000Z', '2026-12-30T09:00:00.000Z'
             FROM referrals WHERE reference = 'SP-0000-0001'",
            &[&"d".repeat(64)],
        )
        .await
        .unwrap();
        assert_eq!(
            references(
                &with(&|q| q.follow_up = Some(FollowUpFilter::Due))
                    .await
                    .unwrap()
            ),
            Vec::<&str>::new()
        );
        assert_eq!(
            references(
                &with(&|q| q.follow_up = Some(FollowUpFilter::Outstanding))
                    .await
                    .unwrap()
            ),
            ["SP-0000-0001"]
        );
        let listed = with(&|q| q.follow_up = None).await.unwrap();
        assert_eq!(listed.rows[2].follow_up, FollowUp::Outstanding);

        let since = with(&|q| q.seen_until = Some("2026-11-21T00:00:00.000Z".into()))
            .await
            .unwrap();
        assert_eq!(since.new_since_last_look, 1);
        assert_eq!(
            since.rows.iter().map(|r| r.is_new).collect::<Vec<_>>(),
            [true, false, false]
        );
        let everyone = store
            .list_referrals(ListQuery {
                seen_until: Some("2026-11-21T00:00:00.000Z".into()),
                ..query(Scope::All)
            })
            .await
            .unwrap();
        assert_eq!(
            everyone.new_since_last_look, 2,
            "new in the scope, filters aside"
        );
    }
}
