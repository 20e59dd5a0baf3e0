//! `signpost-load`: posts one valid referral body again and again, each time with a fresh
//! `Idempotency-Key`, from `--clients` concurrent clients for `--seconds`, against one URL on
//! 127.0.0.1. Prints one JSON object on stdout (counts, throughput, latency percentiles) and, with
//! `--refs FILE`, writes the reference of every referral answered `201` to FILE, one a line
//! (the durability check reads them back after killing the server).
//!
//! It runs on a single-threaded runtime on purpose: the machine has 2 cores and the server under
//! test should get the other one.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Options {
    url: String,
    body: Vec<u8>,
    clients: usize,
    seconds: f64,
    refs: Option<String>,
    max_requests: u64,
}

fn parse() -> Result<Options, String> {
    let mut url = None;
    let mut body = None;
    let mut clients = 64usize;
    let mut seconds = 10.0f64;
    let mut refs = None;
    let mut max_requests = 5_000_000u64;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => url = Some(value()?),
            "--body" => {
                let path = value()?;
                body = Some(std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?);
            }
            "--clients" => clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?,
            "--seconds" => seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--refs" => refs = Some(value()?),
            "--max-requests" => {
                max_requests = value()?
                    .parse()
                    .map_err(|e| format!("--max-requests: {e}"))?
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let url = url.ok_or("--url is required")?;
    // Traffic only to this machine.
    if !(url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:")) {
        return Err(format!(
            "refusing to send load anywhere but 127.0.0.1: {url}"
        ));
    }
    if !(1..=1024).contains(&clients) {
        return Err("--clients must be 1 to 1024".into());
    }
    if !(seconds > 0.0 && seconds <= 600.0) {
        return Err("--seconds must be more than 0 and at most 600".into());
    }
    Ok(Options {
        url,
        body: body.ok_or("--body is required")?,
        clients,
        seconds,
        refs,
        max_requests,
    })
}

#[derive(Default)]
struct Tally {
    /// Latency in microseconds of every 201.
    latencies: Vec<u32>,
    references: Vec<String>,
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<String, u64>,
}

fn main() -> ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("signpost-load: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(options))
}

async fn run(options: Options) -> ExitCode {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.clients)
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .expect("client");
    let body = Arc::new(options.body);
    let deadline = Instant::now() + Duration::from_secs_f64(options.seconds);
    let budget = Arc::new(std::sync::atomic::AtomicU64::new(options.max_requests));
    let run_id = std::process::id();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..options.clients {
        let client = client.clone();
        let url = options.url.clone();
        let body = body.clone();
        let budget = budget.clone();
        tasks.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            let mut i = 0u64;
            while Instant::now() < deadline {
                if budget
                    .fetch_update(
                        std::sync::atomic::Ordering::Relaxed,
                        std::sync::atomic::Ordering::Relaxed,
                        |b| b.checked_sub(1),
                    )
                    .is_err()
                {
                    break;
                }
                i += 1;
                let key = format!("load-{run_id}-{n}-{i}");
                let sent = Instant::now();
                let result = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("idempotency-key", key)
                    .body(Vec::clone(&body))
                    .send()
                    .await;
                match result {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let text = response.text().await;
                        let took = sent.elapsed();
                        *tally.statuses.entry(status).or_default() += 1;
                        match (status, text) {
                            (201, Ok(text)) => {
                                tally
                                    .latencies
                                    .push(took.as_micros().min(u32::MAX as u128) as u32);
                                match serde_json::from_str::<serde_json::Value>(&text)
                                    .ok()
                                    .and_then(|v| {
                                        v.get("reference")
                                            .and_then(|r| r.as_str())
                                            .map(str::to_owned)
                                    }) {
                                    Some(reference) => tally.references.push(reference),
                                    None => {
                                        *tally
                                            .errors
                                            .entry("201 without a reference".into())
                                            .or_default() += 1
                                    }
                                }
                            }
                            (201, Err(_)) => {
                                *tally.errors.entry("201 body cut off".into()).or_default() += 1
                            }
                            _ => {}
                        }
                    }
                    Err(error) => {
                        let kind = if error.is_connect() {
                            "connect"
                        } else if error.is_timeout() {
                            "timeout"
                        } else {
                            "other"
                        };
                        *tally.errors.entry(kind.into()).or_default() += 1;
                        // The server is down (the durability check kills it): do not spin.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for task in tasks {
        let tally = task.await.expect("client task");
        all.latencies.extend(tally.latencies);
        all.references.extend(tally.references);
        for (k, v) in tally.statuses {
            *all.statuses.entry(k).or_default() += v;
        }
        for (k, v) in tally.errors {
            *all.errors.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies.sort_unstable();
    let pct = |p: f64| -> Option<f64> {
        if all.latencies.is_empty() {
            return None;
        }
        let rank = ((p / 100.0) * all.latencies.len() as f64).ceil() as usize;
        Some(all.latencies[rank.clamp(1, all.latencies.len()) - 1] as f64 / 1000.0)
    };
    if let Some(path) = &options.refs {
        let mut text = all.references.join("\n");
        text.push('\n');
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("signpost-load: {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    let summary = serde_json::json!({
        "clients": options.clients,
        "seconds": elapsed,
        "accepted": all.references.len(),
        "statuses": all.statuses.iter().map(|(k, v)| (k.to_string(), *v)).collect::<BTreeMap<_, _>>(),
        "errors": all.errors,
        "throughput_per_s": all.latencies.len() as f64 / elapsed,
        "latency_ms": { "p50": pct(50.0), "p90": pct(90.0), "p99": pct(99.0), "max": pct(100.0) },
    });
    println!("{summary}");
    ExitCode::SUCCESS
}
