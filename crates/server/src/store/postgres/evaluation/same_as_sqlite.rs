//! Both engines filled alike, through the store's own methods (the `demo-data` command's
//! invented referrals and histories, and a few awkward cases besides), must give the same
//! monitoring figures, dataset rows and lists, to the last bit.

use signpost_core::workflow::Status;
use signpost_core::{
    default_questionnaire, ConsentPurpose, Instrument, Language, RawReferral, Referral, Responses,
};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

use crate::cli::demo_data::fill_as_the_command_would;
use crate::clock::{calendar_date, timestamp};
use crate::store::casework::{Casework, FollowUpFilter, ListQuery, ReferralList, Scope};
use crate::store::evaluation::{Evaluation, Period};
use crate::store::postgres::testing;
use crate::store::{CheckinAnswer, NewCheckin, NewReferral, SqliteStore, Store, Stored};
use crate::token::TokenHash;
use crate::wellbeing::Wellbeing;

/// Below the millisecond on purpose: SQLite's engine drops it, so this one must too.
const NOW: OffsetDateTime = datetime!(2026-12-01 09:00:00.123_456_789 UTC);

const PRACTICES: [&str; 3] = ["43210", "GLA-EAST", "GLAB"];

/// The shared fixture, agreeing to evaluation, received at `received_at`.
async fn refer(store: &dyn Store, key: &str, received_at: &str) -> String {
    let mut raw: RawReferral =
        serde_json::from_value(crate::fixtures::first_valid_fixture()).unwrap();
    raw.consent.purposes.push(ConsentPurpose::Evaluation);
    let referral =
        Referral::parse(raw, &default_questionnaire(), calendar_date(NOW).unwrap()).unwrap();
    let new = NewReferral::new(&referral, key.into(), "e".repeat(64), received_at.into());
    match store.store_referral(new).await.unwrap() {
        Stored::Created(receipt) => receipt.reference,
        other => panic!("{other:?}"),
    }
}

/// A follow-up on `instrument`, answered at `at` with every item `item`.
async fn answer(
    store: &dyn Store,
    reference: &str,
    token: &str,
    instrument: Instrument,
    item: u8,
    at: OffsetDateTime,
) {
    let token = TokenHash::of(token);
    let added = store
        .add_checkin(NewCheckin {
            reference: reference.into(),
            token: token.clone(),
            instrument,
            created_at: timestamp(at - Duration::days(1)),
            expires_at: timestamp(at + Duration::days(29)),
        })
        .await
        .unwrap();
    assert!(added);
    let items = vec![item; instrument.item_count()];
    let answer = CheckinAnswer {
        wellbeing: Wellbeing::score(&Responses::parse(instrument, &items).unwrap()),
        language: Language::En,
    };
    store.answer_checkin(&token, answer, at).await.unwrap();
}

/// The same referrals and history, whichever the engine.
async fn fill(store: &dyn Store) {
    fill_as_the_command_would(store, 160, 12, &PRACTICES, NOW)
        .await
        .unwrap();
    // Either side of a month's end, to the millisecond.
    let before = refer(store, "edge-1", "2026-05-31T23:59:59.999Z").await;
    let after = refer(store, "edge-2", "2026-06-01T00:00:00.000Z").await;
    // Two follow-ups on the baseline's scale (SWEMWBS: the later counts) and one on the other
    // (never paired with it).
    let at = datetime!(2026-08-30 10:00:00.250 UTC);
    answer(store, &before, "edge-1a", Instrument::Swemwbs, 3, at).await;
    answer(
        store,
        &before,
        "edge-1b",
        Instrument::Swemwbs,
        4,
        at + Duration::days(20),
    )
    .await;
    answer(
        store,
        &before,
        "edge-1c",
        Instrument::Wemwbs,
        5,
        at + Duration::days(21),
    )
    .await;
    answer(store, &after, "edge-2a", Instrument::Wemwbs, 2, at).await;
}

fn period(scope: Scope, from: time::Date, to: time::Date) -> Period {
    Period { scope, from, to }
}

fn list_query(adjust: impl Fn(&mut ListQuery)) -> ListQuery {
    let mut query = ListQuery {
        scope: Scope::All,
        status: None,
        need: None,
        practice: None,
        channel: None,
        urgent_only: false,
        follow_up: None,
        received_from: None,
        received_to: None,
        page: 1,
        page_size: 20,
        now: NOW,
        follow_up_after_weeks: 12,
        seen_until: None,
    };
    adjust(&mut query);
    query
}

/// References are drawn at random, so each engine's differ; the rest must not.
fn without_references(mut list: ReferralList) -> ReferralList {
    for row in &mut list.rows {
        row.reference.clear();
    }
    list
}

#[tokio::test]
async fn the_same_referrals_give_sqlite_s_figures_rows_and_lists() {
    let Some(db) = testing::database().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("same.db")).unwrap();
    let postgres = db.store();
    fill(&sqlite).await;
    fill(postgres).await;
    // A referral closed before reasons were kept (SQLite's migration 0007), in both.
    let closed_without_reason =
        "UPDATE referrals SET status = 'closed' WHERE idempotency_key = 'edge-2'";
    rusqlite::Connection::open(dir.path().join("same.db"))
        .unwrap()
        .execute(closed_without_reason, [])
        .unwrap();
    postgres
        .client()
        .await
        .unwrap()
        .execute(closed_without_reason, &[])
        .await
        .unwrap();

    let year = date!(2025 - 12 - 01);
    let periods = [
        period(Scope::All, year, date!(2026 - 12 - 01)),
        period(
            Scope::Practices(vec!["43210".into()]),
            date!(2026 - 03 - 01),
            date!(2026 - 08 - 31),
        ),
        period(
            Scope::Practices(vec!["GLA-EAST".into(), "GLAB".into()]),
            date!(2026 - 06 - 01),
            date!(2026 - 06 - 01),
        ),
        period(Scope::Practices(vec![]), year, date!(2026 - 12 - 01)),
        period(Scope::All, date!(2026 - 05 - 31), date!(2026 - 05 - 31)),
    ];
    for period in periods {
        let figures = sqlite.monitoring(period.clone()).await.unwrap();
        assert_eq!(
            postgres.monitoring(period.clone()).await.unwrap(),
            figures,
            "{period:?}"
        );
        let rows = sqlite.dataset(period.clone()).await.unwrap();
        assert_eq!(
            postgres.dataset(period.clone()).await.unwrap(),
            rows,
            "{period:?}"
        );
    }
    let whole = period(Scope::All, year, date!(2026 - 12 - 01));
    let figures = postgres.monitoring(whole.clone()).await.unwrap();
    // So that the comparison above compared something: every part of the page has figures.
    assert_eq!(figures.referrals, 162);
    assert!(figures.first_contact.median_p90_days.is_some());
    assert!(figures.endings.len() > 4 && !figures.onward.is_empty());
    assert!(!figures.wellbeing.is_empty() && figures.without_baseline > 0);
    let rows = postgres.dataset(whole).await.unwrap();
    assert!(rows.iter().any(|row| row.follow_ups.len() == 2));
    assert!(rows.iter().any(|row| row.days_to_close.is_some()));
    assert_eq!(
        postgres.practices_with_referrals().await.unwrap(),
        sqlite.practices_with_referrals().await.unwrap()
    );

    let queries = [
        list_query(|_| {}),
        list_query(|q| q.page = 3),
        list_query(|q| q.status = Some(Status::Closed)),
        list_query(|q| q.follow_up = Some(FollowUpFilter::Due)),
        list_query(|q| q.follow_up = Some(FollowUpFilter::Outstanding)),
        list_query(|q| q.need = Some("money_and_debt".into())),
        list_query(|q| q.urgent_only = true),
        list_query(|q| {
            q.scope = Scope::Practices(vec!["GLAB".into()]);
            q.received_from = Some(date!(2026 - 06 - 01));
            q.received_to = Some(date!(2026 - 09 - 30));
            q.seen_until = Some("2026-08-01T00:00:00.000Z".into());
        }),
    ];
    for query in queries {
        let list = without_references(sqlite.list_referrals(query.clone()).await.unwrap());
        assert_eq!(
            without_references(postgres.list_referrals(query.clone()).await.unwrap()),
            list,
            "{query:?}"
        );
    }
}
