//! A fresh service for each test: its own SQLite file and site folder in a temporary directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use signpost_core::fields::CalendarDate;
use signpost_core::{
    default_questionnaire, Instrument, Questionnaire, RawReferral, Referral, Responses, Score,
};
use signpost_server::followup;
use signpost_server::store::{SqliteStore, Store, StoredReferral};
use signpost_server::token::Token;
use signpost_server::wellbeing::Wellbeing;
use signpost_server::{app, AppState, Config};
use tempfile::TempDir;
use tower::ServiceExt;

pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/referrals"
);

pub struct TestApp {
    pub dir: TempDir,
    pub router: Router,
    store: Arc<dyn Store>,
    config: Config,
    questionnaire: Questionnaire,
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_config(|_| {})
    }

    /// A fresh app whose config `adjust` may change (e.g. to allow a CORS origin).
    pub fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        Self::in_dir(dir, default_questionnaire(), adjust)
    }

    /// A fresh app that checks referrals against `questionnaire`.
    pub fn with_questionnaire(questionnaire: Questionnaire) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        Self::in_dir(dir, questionnaire, |_| {})
    }

    /// An app on `dir/signpost.db`, which may already exist (it is migrated as the service would).
    pub fn in_dir(
        dir: TempDir,
        questionnaire: Questionnaire,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let site = dir.path().join("site");
        write_site(&site);
        let mut config = Config::new(site);
        adjust(&mut config);
        Self::open(dir, config, questionnaire)
    }

    /// Opens (and migrates) `dir/signpost.db` and builds the service on it.
    fn open(dir: TempDir, config: Config, questionnaire: Questionnaire) -> Self {
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::open(&dir.path().join("signpost.db")).expect("the database opens"),
        );
        let router = app(AppState::new(
            Arc::clone(&store),
            config.clone(),
            questionnaire.clone(),
        ));
        TestApp {
            dir,
            router,
            store,
            config,
            questionnaire,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("signpost.db")
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn site_dir(&self) -> &Path {
        &self.config.site_dir
    }

    /// Drops the app and its connection, then opens the same database file again, as a restart
    /// of the service would.
    pub fn restart(self) -> Self {
        let TestApp {
            dir,
            router,
            store,
            config,
            questionnaire,
        } = self;
        drop(router);
        drop(store);
        Self::open(dir, config, questionnaire)
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        send_to(self.router.clone(), request).await
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// POSTs `body` as JSON with the given idempotency key.
    pub async fn post_referral(&self, key: &str, body: impl Into<Body>) -> TestResponse {
        self.send(referral_request(Some(key), Some("application/json"), body))
            .await
    }

    /// Every referral in the database, read through a connection of the test's own.
    pub fn stored(&self) -> Vec<StoredRow> {
        let conn = rusqlite::Connection::open(self.db_path()).unwrap();
        let mut statement = conn
            .prepare("SELECT reference, idempotency_key, body_sha256 FROM referrals")
            .unwrap();
        let rows = statement
            .query_map([], |row| {
                Ok(StoredRow {
                    reference: row.get(0)?,
                    idempotency_key: row.get(1)?,
                    body_sha256: row.get(2)?,
                })
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    pub async fn find(&self, reference: &str) -> Option<StoredReferral> {
        self.store.find_referral(reference).await.unwrap()
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// POSTs a referral body that must be accepted, and returns its reference.
    pub async fn refer(&self, key: &str, body: &Value) -> String {
        let response = self.post_referral(key, body.to_string()).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.json());
        response.json()["reference"].as_str().unwrap().to_owned()
    }

    /// Issues a follow-up link for `reference` through the library, as the inbox will; the token.
    pub async fn issue_checkin(&self, reference: &str, valid_days: u16) -> Token {
        followup::issue(self.store(), reference, valid_days)
            .await
            .unwrap()
            .token
    }

    pub async fn get_checkin(&self, token: &str) -> TestResponse {
        self.get(&format!("/api/v1/checkins/{token}")).await
    }

    /// POSTs `body` as JSON to a follow-up link.
    pub async fn post_checkin(&self, token: &str, body: impl Into<Body>) -> TestResponse {
        self.send(checkin_request(token, Some("application/json"), body))
            .await
    }

    /// Serves the app on a real socket on 127.0.0.1 and returns its base URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://{addr}")
    }
}

#[derive(Debug)]
pub struct StoredRow {
    pub reference: String,
    pub idempotency_key: String,
    pub body_sha256: String,
}

/// Sends one request through a router without a socket.
pub async fn send_to(router: Router, request: Request<Body>) -> TestResponse {
    let response = router
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a readable body");
    TestResponse {
        status,
        headers,
        body,
    }
}

pub fn referral_request(
    key: Option<&str>,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/referrals");
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(body.into()).unwrap()
}

pub fn checkin_request(
    token: &str,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/checkins/{token}"));
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(body.into()).unwrap()
}

/// A follow-up check-in body, as the widget sends it.
pub fn checkin_body(instrument: Instrument, items: &[u8]) -> Value {
    json!({
        "schema": "signpost.checkin/1",
        "language": "en",
        "wellbeing": { "instrument": instrument, "items": items }
    })
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// Asserts an API error's status, code and field, and that it has a message.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, code: &str, field: Option<&str>) {
        let body = self.json();
        assert_eq!(self.status, status, "{body}");
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["field"].as_str(), field, "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| m.ends_with('.')),
            "a sentence: {body}"
        );
    }
}

/// A named fixture: its name and its file's text, exactly as a client would send it.
pub struct Fixture {
    pub name: String,
    pub text: String,
}

impl Fixture {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }
}

/// Every fixture of a kind (`valid`, `invalid`), sorted by name.
pub fn fixtures(kind: &str) -> Vec<Fixture> {
    let dir = Path::new(FIXTURES).join(kind);
    let mut found: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| Fixture {
            name: path.file_stem().unwrap().to_string_lossy().into_owned(),
            text: fs::read_to_string(&path).unwrap(),
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!found.is_empty(), "no fixtures in {}", dir.display());
    found
}

pub fn valid_fixture() -> Fixture {
    fixtures("valid").remove(0)
}

/// Today's date in UTC, as the service reckons it.
pub fn today() -> CalendarDate {
    let date = time::OffsetDateTime::now_utc().date();
    CalendarDate::new(date.year() as u16, u8::from(date.month()), date.day()).unwrap()
}

/// What the service should store for a referral's text: signpost-core's canonical form of it.
pub fn canonical(text: &str) -> RawReferral {
    let raw: RawReferral = serde_json::from_str(text).unwrap();
    RawReferral::from(&Referral::parse(raw, &default_questionnaire(), today()).unwrap())
}

/// A valid fixture with its wellbeing check-in replaced by these item responses.
pub fn with_wellbeing(instrument: Instrument, items: &[u8]) -> Value {
    let mut body = valid_fixture().json();
    body["wellbeing"] = json!({ "instrument": instrument, "items": items });
    body
}

/// Asserts that the stored check-in is exactly what signpost-core scores the sent items as.
#[track_caller]
pub fn assert_scored_by_core(stored: Option<&Wellbeing>, sent: Option<(Instrument, &[u8])>) {
    let Some((instrument, items)) = sent else {
        assert_eq!(stored, None, "a skipped check-in stores nothing");
        return;
    };
    let stored = stored.expect("a check-in was stored");
    assert_eq!(stored.instrument, instrument);
    assert_eq!(stored.items, items);
    let (raw, comparable) = match Responses::parse(instrument, items).unwrap().score() {
        Score::Wemwbs { total } => (total, f32::from(total)),
        Score::Swemwbs { raw, metric } => (raw, metric),
    };
    assert_eq!(stored.raw, raw, "{stored:?}");
    // Core keeps the score as an f32; the service stores the same number as an f64.
    assert_eq!(stored.score as f32, comparable, "{stored:?}");
    assert_eq!(
        (stored.score * 100.0).round() / 100.0,
        stored.score,
        "stored to the published two decimals: {stored:?}"
    );
}

/// The start of a WebAssembly module, for a file that must be served as `application/wasm`.
pub const WASM: &[u8] = b"\0asm\x01\0\0\0";

/// Stands in for `x.wasm.br`: the service never decodes it, so any bytes tell which file was sent.
pub const WASM_BR: &[u8] = b"pretend brotli";

/// Long enough for the compression layer to think it worth compressing.
pub fn script() -> String {
    "console.log('Signpost');\n".repeat(40)
}

fn write_site(site: &Path) {
    fs::create_dir_all(site.join("widget")).unwrap();
    fs::create_dir_all(site.join("demo")).unwrap();
    fs::write(
        site.join("index.html"),
        "<!doctype html><title>Demo practice</title>",
    )
    .unwrap();
    fs::write(site.join("widget/x.wasm"), WASM).unwrap();
    fs::write(site.join("widget/x.wasm.br"), WASM_BR).unwrap();
    fs::write(site.join("widget/embed.js"), script()).unwrap();
    fs::write(site.join("demo/site.css"), "body { margin: 0 }").unwrap();
}
