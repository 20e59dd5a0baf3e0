//! The wellbeing check-in: the service scores the items itself, with signpost-core, and stores
//! the items, the raw sum and the score that studies compare.

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use signpost_core::{Instrument, Responses, Score};
use signpost_server::wellbeing::Wellbeing;

use crate::helpers::{assert_scored_by_core, with_wellbeing, TestApp};

/// POSTs a valid fixture carrying these items and returns what was stored for its check-in.
async fn store_check_in(
    app: &TestApp,
    key: &str,
    instrument: Instrument,
    items: &[u8],
) -> Option<Wellbeing> {
    let body = with_wellbeing(instrument, items);
    let response = app.post_referral(key, body.to_string()).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    let reference = response.json()["reference"].as_str().unwrap().to_owned();
    app.find(&reference).await.expect("stored").wellbeing
}

#[tokio::test]
async fn wemwbs_items_store_the_recomputed_total() {
    let app = TestApp::new();
    let items = [3, 2, 2, 3, 1, 2, 3, 2, 3, 2, 3, 3, 2, 2];
    let stored = store_check_in(&app, "wemwbs", Instrument::Wemwbs, &items)
        .await
        .unwrap();
    assert_eq!(
        stored,
        Wellbeing {
            instrument: Instrument::Wemwbs,
            items: vec![3, 2, 2, 3, 1, 2, 3, 2, 3, 2, 3, 3, 2, 2],
            score: 33.0,
            raw: 33,
        }
    );
}

#[tokio::test]
async fn swemwbs_items_store_the_published_metric_score() {
    let app = TestApp::new();
    // Raw 20 is 18.59 in the published conversion table.
    let stored = store_check_in(
        &app,
        "swemwbs-20",
        Instrument::Swemwbs,
        &[3, 3, 3, 3, 3, 3, 2],
    )
    .await
    .unwrap();
    assert_eq!(
        (stored.instrument.as_str(), stored.score, stored.raw),
        ("swemwbs", 18.59, 20)
    );
    // The bounds: 7 and 35 are both 7.00 and 35.00 on the metric scale.
    let lowest = store_check_in(&app, "swemwbs-7", Instrument::Swemwbs, &[1; 7])
        .await
        .unwrap();
    assert_eq!((lowest.score, lowest.raw), (7.0, 7));
    let highest = store_check_in(&app, "swemwbs-35", Instrument::Swemwbs, &[5; 7])
        .await
        .unwrap();
    assert_eq!((highest.score, highest.raw), (35.0, 35));
}

#[tokio::test]
async fn a_skipped_check_in_stores_nothing() {
    let app = TestApp::new();
    let mut body = with_wellbeing(Instrument::Wemwbs, &[3; 14]);
    body.as_object_mut().unwrap().remove("wellbeing");
    let response = app.post_referral("skipped", body.to_string()).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
    let stored = app
        .find(response.json()["reference"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.wellbeing, None);
}

#[tokio::test]
async fn a_score_sent_by_the_client_is_refused() {
    let app = TestApp::new();
    let mut body = with_wellbeing(Instrument::Wemwbs, &[1; 14]);
    body["wellbeing"]["score"] = 70.into();
    let response = app.post_referral("client-score", body.to_string()).await;
    response.assert_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
        Some("wellbeing.score"),
    );
    assert!(app.stored().is_empty());
}

#[tokio::test]
async fn an_out_of_range_or_incomplete_item_set_names_the_item() {
    let app = TestApp::new();
    let mut refused = Vec::new();
    for bad in [6, 0] {
        let mut items = [3u8; 14];
        items[4] = bad;
        refused.push((
            Instrument::Wemwbs,
            items.to_vec(),
            "wellbeing_out_of_range",
            "wellbeing.items[4]",
        ));
    }
    let mut items = [3u8; 7];
    items[6] = 9;
    refused.push((
        Instrument::Swemwbs,
        items.to_vec(),
        "wellbeing_out_of_range",
        "wellbeing.items[6]",
    ));
    refused.push((
        Instrument::Wemwbs,
        vec![3; 13],
        "wellbeing_incomplete",
        "wellbeing.items",
    ));
    refused.push((
        Instrument::Swemwbs,
        vec![3; 14],
        "wellbeing_incomplete",
        "wellbeing.items",
    ));
    refused.push((
        Instrument::Wemwbs,
        vec![],
        "wellbeing_incomplete",
        "wellbeing.items",
    ));
    for (i, (instrument, items, code, field)) in refused.into_iter().enumerate() {
        let body = with_wellbeing(instrument, &items);
        let response = app
            .post_referral(&format!("bad-{i}"), body.to_string())
            .await;
        response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, code, Some(field));
    }
    assert!(app.stored().is_empty());
}

/// Any complete set of item responses to either scale.
fn complete_item_sets() -> impl Strategy<Value = (Instrument, Vec<u8>)> {
    prop_oneof![
        vec(1u8..=5, Instrument::Wemwbs.item_count()).prop_map(|items| (Instrument::Wemwbs, items)),
        vec(1u8..=5, Instrument::Swemwbs.item_count())
            .prop_map(|items| (Instrument::Swemwbs, items)),
    ]
}

/// Core and service agree: whatever complete item set is sent, the stored score is the one
/// signpost-core computes, and it lies within the scale's range.
#[test]
fn the_stored_score_is_the_one_core_computes() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // One database for every case: each posts with a key of its own.
    let app = TestApp::new();
    let cases = AtomicUsize::new(0);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    runner
        .run(&complete_item_sets(), |(instrument, items)| {
            let case = cases.fetch_add(1, Ordering::Relaxed);
            let stored = runtime.block_on(store_check_in(
                &app,
                &format!("case-{case}"),
                instrument,
                &items,
            ));
            assert_scored_by_core(stored.as_ref(), Some((instrument, &items)));
            let stored = stored.unwrap();
            match Responses::parse(instrument, &items).unwrap().score() {
                Score::Wemwbs { total } => {
                    prop_assert_eq!(stored.score, f64::from(total));
                    prop_assert!((14.0..=70.0).contains(&stored.score), "{:?}", stored);
                }
                Score::Swemwbs { metric, .. } => {
                    prop_assert_eq!(stored.score as f32, metric);
                    prop_assert!((7.0..=35.0).contains(&stored.score), "{:?}", stored);
                }
            }
            Ok(())
        })
        .unwrap();
}
