//! A fresh service for each test: its own database and site folder in a temporary directory.
//!
//! The database is a SQLite file in that directory, or, when `SIGNPOST_TEST_ENGINE=postgres`,
//! a PostgreSQL database of the test's own on the server in `SIGNPOST_TEST_POSTGRES`
//! (`scripts/test.sh` runs the suite both ways). [`TestDb`] says which.

use std::collections::BTreeSet;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::{json, Value};
use signpost_core::fields::CalendarDate;
use signpost_core::{
    default_questionnaire, Instrument, Questionnaire, RawReferral, Referral, Responses, Score,
};
use signpost_server::followup;
use signpost_server::http::rate_limit::{Quota, RateLimits};
use signpost_server::store::postgres::testing::TestDatabase;
use signpost_server::store::{self, Create, Location, Store, StoredReferral};
use signpost_server::token::Token;
use signpost_server::wellbeing::Wellbeing;
use signpost_server::{app, AppState, Config};
use tempfile::TempDir;
use tower::ServiceExt;

pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/referrals"
);

/// The engine the suite runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Which engine this run of the suite is on (`SIGNPOST_TEST_ENGINE`, SQLite unless it says
/// `postgres`).
pub fn engine() -> Engine {
    match std::env::var("SIGNPOST_TEST_ENGINE").as_deref() {
        Ok("postgres") => Engine::Postgres,
        Ok("sqlite") | Err(_) => Engine::Sqlite,
        Ok(other) => panic!("SIGNPOST_TEST_ENGINE is sqlite or postgres, not {other}"),
    }
}

/// A test's database: where it is, as `--db` takes it, and (on PostgreSQL) the database itself,
/// dropped with this.
pub struct TestDb {
    location: PathBuf,
    _postgres: Option<TestDatabase>,
}

impl TestDb {
    /// A fresh database for a test whose files are in `dir`: `dir/signpost.db` on SQLite (not yet
    /// created), a new empty database on PostgreSQL.
    pub fn new(dir: &Path) -> TestDb {
        match engine() {
            Engine::Sqlite => TestDb {
                location: dir.join("signpost.db"),
                _postgres: None,
            },
            Engine::Postgres => {
                let server = std::env::var("SIGNPOST_TEST_POSTGRES")
                    .expect("SIGNPOST_TEST_ENGINE=postgres needs SIGNPOST_TEST_POSTGRES");
                let database = TestDatabase::create(&server);
                TestDb {
                    location: PathBuf::from(database.url()),
                    _postgres: Some(database),
                }
            }
        }
    }

    /// What `--db` is given: the file's path, or the database's URL.
    pub fn location(&self) -> &Path {
        &self.location
    }

    /// Opens (and migrates) it as the service would.
    pub fn open(&self) -> Arc<dyn Store> {
        store::open(&Location::parse(&self.location), Create::IfMissing)
            .expect("the database opens")
    }
}

pub struct TestApp {
    pub dir: TempDir,
    db: Arc<TestDb>,
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

    /// An app on the test's database ([`TestDb::new`]): on SQLite `dir/signpost.db`, which may
    /// already exist (it is migrated as the service would); on PostgreSQL a new database.
    pub fn in_dir(
        dir: TempDir,
        questionnaire: Questionnaire,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let site = dir.path().join("site");
        write_site(&site);
        let mut config = Config::new(site);
        config.rate_limits = no_suite_reaches();
        adjust(&mut config);
        let db = Arc::new(TestDb::new(dir.path()));
        Self::open(dir, db, config, questionnaire)
    }

    /// Opens (and migrates) the test's database and builds the service on it.
    fn open(dir: TempDir, db: Arc<TestDb>, config: Config, questionnaire: Questionnaire) -> Self {
        let store = db.open();
        let router = app(AppState::new(
            Arc::clone(&store),
            config.clone(),
            questionnaire.clone(),
        ));
        TestApp {
            dir,
            db,
            router,
            store,
            config,
            questionnaire,
        }
    }

    /// Where the database is, as `--db` takes it: a file, or a PostgreSQL URL.
    pub fn db_path(&self) -> PathBuf {
        self.db.location().to_owned()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn site_dir(&self) -> &Path {
        &self.config.site_dir
    }

    /// Drops the app and its connection, then opens the same database again, as a restart of
    /// the service would.
    pub fn restart(self) -> Self {
        let TestApp {
            dir,
            db,
            router,
            store,
            config,
            questionnaire,
        } = self;
        drop(router);
        drop(store);
        Self::open(dir, db, config, questionnaire)
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
        sql_rows(
            self.db.location(),
            "SELECT reference, idempotency_key, body_sha256 FROM referrals",
        )
        .into_iter()
        .map(|row| {
            let mut row = row.into_iter().map(Option::unwrap);
            StoredRow {
                reference: row.next().unwrap(),
                idempotency_key: row.next().unwrap(),
                body_sha256: row.next().unwrap(),
            }
        })
        .collect()
    }

    pub async fn find(&self, reference: &str) -> Option<StoredReferral> {
        self.store.find_referral(reference).await.unwrap()
    }

    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// Another store on the same database, as a second process or instance would open it.
    pub fn another_store(&self) -> Arc<dyn Store> {
        self.db.open()
    }

    /// Rows of `sql` on the test's database ([`sql_rows`]).
    pub fn sql(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        sql_rows(self.db.location(), sql)
    }

    /// Runs a statement that changes rows on the test's database; how many it changed.
    pub fn sql_execute(&self, sql: &str) -> u64 {
        sql_execute(self.db.location(), sql)
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
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
        format!("http://{addr}")
    }
}

/// Runs `sql` on the database at `location` through a connection of the test's own (SQLite or
/// PostgreSQL), each column read as text (NULL as `None`; a PostgreSQL time as
/// `clock::timestamp` writes it, as SQLite holds it): what a test checks the store against.
pub fn sql_rows(location: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    run_sql(location, sql).0
}

/// Runs a statement that changes rows, as [`sql_rows`] does; how many it changed.
pub fn sql_execute(location: &Path, sql: &str) -> u64 {
    run_sql(location, sql).1
}

fn run_sql(location: &Path, sql: &str) -> (Vec<Vec<Option<String>>>, u64) {
    match Location::parse(location) {
        Location::Sqlite(path) => {
            let conn = rusqlite::Connection::open(path).unwrap();
            let mut statement = conn.prepare(sql).unwrap();
            let columns = statement.column_count();
            if columns == 0 {
                return (Vec::new(), statement.execute([]).unwrap() as u64);
            }
            let rows = statement
                .query_map([], |row| {
                    (0..columns)
                        .map(|i| {
                            Ok(match row.get::<_, rusqlite::types::Value>(i)? {
                                rusqlite::types::Value::Null => None,
                                rusqlite::types::Value::Integer(n) => Some(n.to_string()),
                                rusqlite::types::Value::Real(x) => Some(x.to_string()),
                                rusqlite::types::Value::Text(t) => Some(t),
                                rusqlite::types::Value::Blob(b) => {
                                    Some(String::from_utf8_lossy(&b).into_owned())
                                }
                            })
                        })
                        .collect()
                })
                .unwrap();
            (rows.map(Result::unwrap).collect(), 0)
        }
        Location::Postgres(url) => {
            // The simple-query protocol answers every column as text, whatever its type.
            let sql = format!("SET TIME ZONE 'UTC'; {sql}");
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                        .await
                        .unwrap();
                    tokio::spawn(connection);
                    let (mut rows, mut changed) = (Vec::new(), 0);
                    for message in client.simple_query(&sql).await.unwrap() {
                        match message {
                            tokio_postgres::SimpleQueryMessage::Row(row) => rows.push(
                                (0..row.len())
                                    .map(|i| row.get(i).map(as_stored_time))
                                    .collect(),
                            ),
                            tokio_postgres::SimpleQueryMessage::CommandComplete(n) => changed = n,
                            _ => {}
                        }
                    }
                    (rows, changed)
                })
            })
            .join()
            .unwrap()
        }
    }
}

/// PostgreSQL's text for a UTC timestamptz (`2026-12-02 10:00:00.12+00`) as SQLite holds times
/// (`2026-12-02T10:00:00.120Z`); any other text as it is.
fn as_stored_time(text: &str) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]+00"
    );
    match time::PrimitiveDateTime::parse(text, format) {
        Ok(at) => signpost_server::clock::timestamp(at.assume_utc()),
        Err(_) => text.to_owned(),
    }
}

#[derive(Debug)]
pub struct StoredRow {
    pub reference: String,
    pub idempotency_key: String,
    pub body_sha256: String,
}

/// Limits so high that no suite's own requests reach them (the suites send hundreds of referrals
/// from one address); `rate_limits.rs` tests the real ones.
pub fn no_suite_reaches() -> RateLimits {
    let quota = Quota::new(1_000_000, Duration::from_secs(1)).unwrap();
    RateLimits {
        referrals: quota,
        checkins: quota,
        sign_in: quota,
    }
}

/// Where a test's request comes from, unless it says (as `serve` records each connection's peer).
pub const TEST_CLIENT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 40000);

/// Sends one request through a router without a socket, from [`TEST_CLIENT`] unless the request
/// carries its own `ConnectInfo`.
pub async fn send_to(router: Router, mut request: Request<Body>) -> TestResponse {
    if request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_none()
    {
        request.extensions_mut().insert(ConnectInfo(TEST_CLIENT));
    }
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

/// Everything about the person a fixture holds, as sent and as the service made it canonical:
/// name, preferred name, date of birth, postcode, phone (also as bare digits), email, address,
/// interpreter language, free text, organisation, and the needs.
pub fn personal_data(fixture: &Fixture) -> BTreeSet<String> {
    let sent: Value = fixture.json();
    let canonical = serde_json::to_value(canonical(&fixture.text)).unwrap();
    let mut found = BTreeSet::new();
    for body in [&sent, &canonical] {
        let answers = &body["answers"];
        for question in [
            "name",
            "preferred_name",
            "date_of_birth",
            "postcode",
            "phone",
            "email",
            "address",
            "interpreter_language",
            "something_else_detail",
            "physical_activity_what_would_help",
        ] {
            if let Some(text) = answers[question].as_str() {
                found.insert(text.to_owned());
                if question == "phone" {
                    found.insert(text.chars().filter(char::is_ascii_digit).collect());
                }
            }
        }
        for need in answers["needs"].as_array().unwrap() {
            found.insert(need.as_str().unwrap().to_owned());
        }
        if let Some(organisation) = body["organisation"].as_str() {
            found.insert(organisation.to_owned());
        }
    }
    assert!(found.len() >= 6, "{}: {found:?}", fixture.name);
    found
}
