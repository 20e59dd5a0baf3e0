//! How long the monitoring figures and the dataset's CSV take on a large database (issue 12
//! asks for under a second each on 100,000 referrals). A tool you run, not a test:
//!
//! ```sh
//! signpost-server demo-data --referrals 100000 --months 24 --practice 43210 --practice 43211 \
//!     --db /dev/shm/bench.db      # tmpfs: the generator's fsyncs cost nothing there
//! cargo run --profile server -p signpost-server --example monitoring_bench -- /dev/shm/bench.db
//! ```
//!
//! It times the store's work for the page (`Evaluation::monitoring`, which runs every statement
//! the page needs) and the CSV (`export::csv::export`: the rows and their text), each the median
//! of five runs (wall-clock: on a shared machine, run it when nothing else is) after one to warm the page cache, for all practices and for one.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use signpost_server::export::csv;
use signpost_server::store::casework::Scope;
use signpost_server::store::evaluation::Period;
use signpost_server::store::{self, Create, Location};
use time::OffsetDateTime;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() {
    let path: PathBuf = std::env::args()
        .nth(1)
        .expect("the database to read")
        .into();
    let store = store::open(&Location::parse(&path), Create::Never).expect("an existing database");
    let today = OffsetDateTime::now_utc().date();
    let from = today - time::Duration::days(3 * 366);
    for scope in [Scope::All, Scope::Practices(vec!["43210".into()])] {
        let period = Period {
            scope: scope.clone(),
            from,
            to: today,
        };
        let mut page = Vec::new();
        let mut export = Vec::new();
        let mut rows_only = Vec::new();
        let (mut referrals, mut rows, mut bytes) = (0, 0, 0);
        for _ in 0..6 {
            let started = Instant::now();
            let figures = store.monitoring(period.clone()).await.unwrap();
            page.push(started.elapsed());
            referrals = figures.referrals;
            let started = Instant::now();
            let dataset = store.dataset(period.clone()).await.unwrap();
            rows_only.push(started.elapsed());
            drop(dataset);
            let started = Instant::now();
            let (text, n) = csv::export(store.as_ref(), period.clone()).await.unwrap();
            export.push(started.elapsed());
            (rows, bytes) = (n, text.len());
        }
        page.remove(0);
        export.remove(0);
        rows_only.remove(0);
        println!(
            "{scope:?}: {referrals} referrals; monitoring figures {:?} (median of 5); \
             CSV {rows} rows, {} KiB, {:?} (of which reading the rows {:?})",
            median(page),
            bytes / 1024,
            median(export),
            median(rows_only)
        );
    }
}
