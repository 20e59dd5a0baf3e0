//! How long the inbox's referral list takes on 100,000 referrals: fills a fresh database (20
//! practices, a year of referrals, about 5% asking for urgent help, two thirds with a baseline,
//! some follow-up links) and times `list_referrals` — one page and the counts by status, the
//! same call the list page makes — for the common filters, the median of 15 runs each.
//!
//! `cargo run --release -p signpost-server --example inbox_list_timing [-- ROWS]`

use std::time::Instant;

use rusqlite::Connection;
use signpost_core::workflow::Status;
use signpost_server::store::casework::{FollowUpFilter, ListQuery, Scope};
use signpost_server::store::{Casework, SqliteStore};
use time::macros::datetime;

const NEEDS: [&str; 14] = [
    "money_and_debt",
    "benefits",
    "housing",
    "food",
    "fuel_and_energy",
    "loneliness",
    "mental_wellbeing",
    "physical_activity",
    "alcohol_drugs_gambling",
    "caring",
    "work_training_volunteering",
    "relationships_or_safety",
    "bereavement",
    "something_else",
];

fn fill(path: &std::path::Path, rows: u32) {
    let mut conn = Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO referrals (reference, idempotency_key, body_sha256, received_at, status,
                     practice, channel, language, consent_version, consent_purposes, consented_at,
                     body, wellbeing_instrument, wellbeing_items, wellbeing_score, wellbeing_raw)
                 VALUES (?1, ?1, ?2, ?3, ?4, ?5, 'self', 'en', '2026-11-25', '[]', ?3, ?6, ?7, ?8, ?9, ?10)",
            )
            .unwrap();
        let statuses = ["new", "contacted", "active", "on_hold"];
        let sha = "a".repeat(64);
        let start = datetime!(2026-01-01 00:00 UTC);
        for i in 0..rows {
            // A cheap, repeatable spread (no RNG needed).
            let h = i.wrapping_mul(2_654_435_761);
            let received = start + time::Duration::seconds(i64::from(i) * 315);
            let needs: Vec<&str> = (0..1 + h % 3)
                .map(|k| NEEDS[((h >> (4 * k)) % 14) as usize])
                .collect();
            let body = serde_json::json!({ "answers": {
                "urgent": if (h >> 24) % 20 == 0 { "yes" } else { "no" },
                "needs": needs,
                "name": format!("Person {i}"),
                "safe_voicemail": if (h >> 12) % 7 == 0 { "no" } else { "yes" },
            }})
            .to_string();
            let baseline = (h >> 20) % 3 != 0;
            insert
                .execute(rusqlite::params![
                    format!("SP-{i:04}-{:04}", i % 9973),
                    sha,
                    signpost_server::clock::timestamp(received),
                    statuses[((h >> 8) % 4) as usize],
                    format!("{:05}", 43210 + (h >> 16) % 20),
                    body,
                    baseline.then_some("wemwbs"),
                    baseline.then_some("[3,3,3,3,3,3,3,3,3,3,3,3,3,3]"),
                    baseline.then_some(42.0),
                    baseline.then_some(42),
                ])
                .unwrap();
        }
        tx.execute(
            "INSERT INTO checkins (referral_id, token_sha256, instrument, created_at, expires_at)
             SELECT id, printf('%064d', id), 'wemwbs', received_at, '2027-01-01T00:00:00.000Z'
             FROM referrals WHERE id % 10 = 0",
            [],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    conn.execute_batch("ANALYZE").unwrap();
}

fn main() {
    let rows: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("timing.db");
    let store = SqliteStore::open(&path).unwrap();
    let filled = Instant::now();
    fill(&path, rows);
    println!(
        "{rows} referrals stored in {:.1} s",
        filled.elapsed().as_secs_f64()
    );

    let base = ListQuery {
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
        page_size: 25,
        now: datetime!(2026-12-01 09:00 UTC),
        follow_up_after_weeks: 12,
        seen_until: Some("2026-11-30T00:00:00.000Z".into()),
    };
    let one = Scope::Practices(vec!["43210".into()]);
    let three = Scope::Practices(vec!["43210".into(), "43211".into(), "43212".into()]);
    let cases: Vec<(&str, ListQuery)> = vec![
        ("admin, every referral, page 1", base.clone()),
        (
            "admin, page 400 (deep offset)",
            ListQuery {
                page: 400,
                ..base.clone()
            },
        ),
        (
            "one practice, page 1",
            ListQuery {
                scope: one.clone(),
                ..base.clone()
            },
        ),
        (
            "three practices, page 1",
            ListQuery {
                scope: three.clone(),
                ..base.clone()
            },
        ),
        (
            "one practice, status new",
            ListQuery {
                scope: one.clone(),
                status: Some(Status::New),
                ..base.clone()
            },
        ),
        (
            "one practice, need food",
            ListQuery {
                scope: one.clone(),
                need: Some("food".into()),
                ..base.clone()
            },
        ),
        (
            "admin, need food",
            ListQuery {
                need: Some("food".into()),
                ..base.clone()
            },
        ),
        (
            "admin, urgent only",
            ListQuery {
                urgent_only: true,
                ..base.clone()
            },
        ),
        (
            "one practice, urgent only",
            ListQuery {
                scope: one.clone(),
                urgent_only: true,
                ..base.clone()
            },
        ),
        (
            "admin, follow-up due",
            ListQuery {
                follow_up: Some(FollowUpFilter::Due),
                ..base.clone()
            },
        ),
        (
            "one practice, follow-up due",
            ListQuery {
                scope: one.clone(),
                follow_up: Some(FollowUpFilter::Due),
                ..base.clone()
            },
        ),
        (
            "one practice, one month",
            ListQuery {
                scope: one,
                received_from: Some(time::macros::date!(2026 - 06 - 01)),
                received_to: Some(time::macros::date!(2026 - 06 - 30)),
                ..base.clone()
            },
        ),
    ];
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!(
        "{:<36} {:>9} {:>9}  rows/total",
        "list (page of 25 + counts)", "median", "max"
    );
    for (name, query) in cases {
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..15 {
            let started = Instant::now();
            let list = runtime
                .block_on(store.list_referrals(query.clone()))
                .unwrap();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            last = Some(list);
        }
        times.sort_by(f64::total_cmp);
        let list = last.unwrap();
        println!(
            "{name:<36} {:>7.1}ms {:>7.1}ms  {}/{}",
            times[7],
            times[14],
            list.rows.len(),
            list.total
        );
    }
}
