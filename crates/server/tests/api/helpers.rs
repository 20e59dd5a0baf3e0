//! A fresh service for each test: its own SQLite file and site folder in a temporary directory.

use std::fs;
use std::path::{Path, PathBuf};

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use signpost_server::db::{self, StoredReferral};
use signpost_server::{app, AppState, Config, Db};
use tempfile::TempDir;
use tower::ServiceExt;

pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/referrals"
);

pub struct TestApp {
    pub dir: TempDir,
    pub router: Router,
    db: Db,
    config: Config,
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_config(|_| {})
    }

    /// A fresh app whose config `adjust` may change (e.g. to allow a CORS origin).
    pub fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let site = dir.path().join("site");
        write_site(&site);
        let mut config = Config::new(site);
        adjust(&mut config);
        let db = Db::open(&dir.path().join("signpost.db")).expect("a fresh database");
        let router = app(AppState::new(db.clone(), config.clone()));
        TestApp {
            dir,
            router,
            db,
            config,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("signpost.db")
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
            db,
            config,
        } = self;
        drop(router);
        drop(db);
        let db = Db::open(&dir.path().join("signpost.db")).expect("the database reopens");
        let router = app(AppState::new(db.clone(), config.clone()));
        TestApp {
            dir,
            router,
            db,
            config,
        }
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

    pub fn find(&self, reference: &str) -> Option<StoredReferral> {
        let reference = reference.to_owned();
        self.db
            .call_blocking(move |conn| db::find(conn, &reference))
            .unwrap()
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
