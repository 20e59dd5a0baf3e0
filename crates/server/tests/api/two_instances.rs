//! Two instances of the service on one PostgreSQL behind a real load balancer (nginx, round
//! robin), as a health board would run them (issue 13): a referral sent to one shows in the inbox
//! through the other; a session made on one works on the other, and ends on both when signed out
//! on one; the same idempotency key sent to both at once makes one referral; and the client's
//! address reaches the audit log through the balancer's `X-Forwarded-For`.
//!
//! PostgreSQL only: two processes on one SQLite file is not a way Signpost runs.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Child;
use std::time::Duration;

use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::StatusCode;
use signpost_server::inbox::auth::totp;
use signpost_server::inbox::auth::users::Role;
use signpost_server::inbox::paths;
use signpost_server::store::Store;

use crate::cli::{post_referral, serve};
use crate::helpers::{engine, sql_rows, valid_fixture, Engine, TestDb};
use crate::inbox_helpers::InboxUser;
use crate::load_balancer::{free_port, nginx, LoadBalancer};

/// The address the test's requests claim to come from, in front of the balancer (RFC 5737).
const CLIENT: &str = "198.51.100.7";

struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_instance(db: &std::path::Path, inbox_origin: &str) -> Instance {
    let (child, base) = serve(|command| {
        command
            .arg("--db")
            .arg(db)
            .arg("--site")
            .arg("no-site")
            .arg("--inbox-origin")
            .arg(inbox_origin)
            .arg("--trusted-proxy-header")
            .arg("X-Forwarded-For")
            .arg("--trusted-proxy")
            .arg("127.0.0.1/32");
    });
    Instance { child, base }
}

/// A browser's side of the inbox over real HTTP: its cookies, the CSRF token of the last page,
/// and which instance answered each request (the balancer's `X-Signpost-Instance`).
struct Browser {
    http: reqwest::Client,
    origin: String,
    cookies: BTreeMap<String, String>,
    csrf: String,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    instance: String,
    text: String,
}

impl Browser {
    fn new(origin: &str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .no_proxy()
                .build()
                .unwrap(),
            origin: origin.to_owned(),
            cookies: BTreeMap::new(),
            csrf: String::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let mut request = request.header("x-forwarded-for", CLIENT);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            request = request.header(COOKIE, jar.join("; "));
        }
        let response = request.send().await.unwrap();
        for set in response.headers().get_all(SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            if set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let (status, location) = (response.status(), header(LOCATION.as_str()));
        let instance = header("x-signpost-instance").unwrap_or_default();
        let text = response.text().await.unwrap();
        if let Some(start) = text.find(r#"name="csrf" value=""#) {
            let rest = &text[start + r#"name="csrf" value=""#.len()..];
            self.csrf = rest.split('"').next().unwrap().to_owned();
        }
        Page {
            status,
            location,
            instance,
            text,
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = self.http.get(format!("{}{path}", self.origin));
        self.send(request).await
    }

    /// A form post as the inbox's own page makes it: its CSRF token, and the inbox's Origin.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = fields.to_vec();
        let csrf = self.csrf.clone();
        all.push(("csrf", &csrf));
        let request = self
            .http
            .post(format!("{}{path}", self.origin))
            .header(ORIGIN, self.origin.clone())
            .form(&all);
        self.send(request).await
    }

    /// The same cookies, sent straight to one instance instead of through the balancer.
    fn straight_to(&self, base: &str) -> Browser {
        Browser {
            origin: base.to_owned(),
            cookies: self.cookies.clone(),
            csrf: self.csrf.clone(),
            http: self.http.clone(),
        }
    }
}

async fn send_referral(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let response = post_referral(client, base, key, body).await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behind_nginx_share_referrals_sessions_and_idempotency_keys() {
    if engine() != Engine::Postgres {
        eprintln!(
            "skipped: two instances share a PostgreSQL database (SIGNPOST_TEST_ENGINE=postgres)"
        );
        return;
    }
    let Some(nginx) = nginx() else {
        assert!(
            std::env::var_os("SIGNPOST_REQUIRE_POSTGRES").is_none(),
            "nginx is missing: scripts/setup.sh installs it"
        );
        eprintln!("skipped: no nginx (scripts/setup.sh installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let test_db = TestDb::new(dir.path());
    let db = test_db.location().to_owned();
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let (a, b) = (start_instance(&db, &origin), start_instance(&db, &origin));
    let balancer = LoadBalancer::start(&nginx, dir.path(), port, &[&a.base, &b.base]);
    let instances: BTreeSet<String> = [&a.base, &b.base]
        .iter()
        .map(|base| base.trim_start_matches("http://").to_owned())
        .collect();

    // A link worker of the fixture's practice, made in the database both instances use.
    let store: std::sync::Arc<dyn Store> = test_db.open();
    let worker = InboxUser::create_in(
        store.as_ref(),
        time::OffsetDateTime::now_utc(),
        "two.instances@nhs.scot",
        Role::LinkWorker,
        &["43210"],
    )
    .await;

    // A referral sent to instance A alone.
    let api = reqwest::Client::new();
    let body = valid_fixture().text;
    let (status, receipt) = send_referral(&api, &a.base, "two-instances-1", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let reference = receipt["reference"].as_str().unwrap().to_owned();

    // Signing in through the balancer: round robin sends consecutive requests to both.
    let mut browser = Browser::new(&balancer.origin);
    let mut served_by = BTreeSet::new();
    let page = browser.get(paths::SIGN_IN).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    served_by.insert(page.instance);
    let page = browser
        .post(
            paths::SIGN_IN,
            &[("email", &worker.email), ("password", &worker.password)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text);
    assert_eq!(page.location.as_deref(), Some(paths::SIGN_IN_CODE));
    served_by.insert(page.instance);
    let page = browser.get(paths::SIGN_IN_CODE).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    served_by.insert(page.instance);
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    let code = totp::current_code(&worker.secret, now);
    let signed_in = browser.post(paths::SIGN_IN_CODE, &[("code", &code)]).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.text
    );
    assert_eq!(signed_in.location.as_deref(), Some(paths::ROOT));
    served_by.insert(signed_in.instance.clone());
    assert_eq!(
        served_by, instances,
        "the balancer sent the sign-in's steps to both instances"
    );

    // The session made there works on the other instance, and each lists A's referral.
    let mut listed_by = BTreeSet::new();
    for _ in 0..4 {
        let home = browser.get(paths::ROOT).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.text);
        assert!(
            home.text.contains(&reference),
            "{} lists {reference}",
            home.instance
        );
        listed_by.insert(home.instance);
    }
    assert_eq!(listed_by, instances);
    let other = if signed_in.instance == a.base.trim_start_matches("http://") {
        &b.base
    } else {
        &a.base
    };
    let mut straight = browser.straight_to(other);
    let case = straight.get(&paths::referral(&reference)).await;
    assert_eq!(case.status, StatusCode::OK, "{}", case.text);
    assert!(case.text.contains(&reference));

    // The client's address came through the balancer's header into the audit log.
    let sign_ins = sql_rows(
        &db,
        "SELECT client FROM audit_log WHERE action = 'signed_in'",
    );
    assert_eq!(sign_ins, vec![vec![Some(CLIENT.to_owned())]]);

    // The same key sent to both instances at once: one referral, and both answers name it.
    for n in 0..20 {
        let key = format!("two-instances-race-{n}");
        let (from_a, from_b) = tokio::join!(
            send_referral(&api, &a.base, &key, &body),
            send_referral(&api, &b.base, &key, &body)
        );
        assert_eq!(from_a.0, StatusCode::CREATED, "{}", from_a.1);
        assert_eq!(from_b.0, StatusCode::CREATED, "{}", from_b.1);
        assert_eq!(from_a.1["reference"], from_b.1["reference"], "{key}");
        let rows = sql_rows(
            &db,
            &format!("SELECT count(*) FROM referrals WHERE idempotency_key = '{key}'"),
        );
        assert_eq!(rows[0][0].as_deref(), Some("1"), "{key}");
    }

    // Signing out through one instance ends the session on both.
    let page = browser.get(paths::ROOT).await;
    assert_eq!(page.status, StatusCode::OK);
    let out = browser.post(paths::SIGN_OUT, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER, "{}", out.text);
    for base in [&a.base, &b.base] {
        let mut stale = straight.straight_to(base);
        let page = stale.get(paths::ROOT).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{base} still lets the old cookie in"
        );
    }
    drop(balancer);
}
