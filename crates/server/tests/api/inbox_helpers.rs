//! Inbox accounts and signed-in sessions for tests: an account made through the store (with a
//! known password, TOTP secret and recovery codes), signed in through the real sign-in routes
//! (the password, then the code computed from the secret at the app's clock), and a session that
//! sends its cookie and CSRF token with every request.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use signpost_core::fields::PracticeCode;
use signpost_server::inbox::auth::password::{self, NewPassword};
use signpost_server::inbox::auth::recovery;
use signpost_server::inbox::auth::totp::{self, TimeStep, TotpSecret, STEP_SECONDS};
use signpost_server::inbox::auth::users::{
    Access, AccountEmail, Practices, Role, SetPasswordLink, UserId, SET_PASSWORD_LINK_VALIDITY,
};
use signpost_server::inbox::paths;
use signpost_server::store::accounts::{Added, NewAccount};
use signpost_server::store::Store;
use time::OffsetDateTime;

use crate::helpers::{send_to, TestApp, TestResponse};

/// Every test account's password: long, and not guessable by zxcvbn.
pub const PASSWORD: &str = "marram-grass tide 4 lighthouse";

static NEXT: AtomicU32 = AtomicU32::new(1);

/// An active account with an authenticator and recovery codes.
pub struct InboxUser {
    pub id: UserId,
    pub email: String,
    pub password: String,
    pub secret: TotpSecret,
    /// The ten recovery codes, as shown once (grouped, `ABCD-EFGH-…`).
    #[allow(dead_code)]
    pub recovery_codes: Vec<String>,
}

impl InboxUser {
    /// Makes the account through the store: invited with a link, the link used to set
    /// [`PASSWORD`], then an authenticator confirmed with its recovery codes.
    pub async fn create(app: &TestApp, role: Role, practices: &[&str]) -> InboxUser {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let email = format!("{}{n}@nhs.scot", role.as_str());
        Self::create_with_email(app, &email, role, practices).await
    }

    pub async fn create_with_email(
        app: &TestApp,
        email: &str,
        role: Role,
        practices: &[&str],
    ) -> InboxUser {
        let now = app.config().inbox.clock.now();
        Self::create_in(app.store(), now, email, role, practices).await
    }

    /// As [`InboxUser::create_with_email`], in any store (one that services started as processes
    /// share, say), made at `now`.
    pub async fn create_in(
        store: &dyn Store,
        now: OffsetDateTime,
        email: &str,
        role: Role,
        practices: &[&str],
    ) -> InboxUser {
        let account_email = AccountEmail::parse(email).unwrap();
        let access = match role {
            Role::Admin => Access::Admin,
            Role::LinkWorker => Access::LinkWorker {
                practices: Practices::new(
                    practices.iter().map(|p| PracticeCode::parse(p).unwrap()),
                )
                .unwrap(),
            },
        };
        let (token, link) =
            SetPasswordLink::issue(UserId(0), now, SET_PASSWORD_LINK_VALIDITY).unwrap();
        let new = NewAccount {
            email: account_email.clone(),
            access,
            created_at: now,
        };
        let Added::Added(id) = store.add_account(new, link).await.unwrap() else {
            panic!("{email} is taken");
        };
        let chosen = NewPassword::parse(PASSWORD, PASSWORD, &account_email).unwrap();
        let hash = password::hash(&chosen).unwrap();
        store
            .set_password(&token.hash(), hash, now)
            .await
            .unwrap()
            .unwrap();
        let secret = TotpSecret::generate().unwrap();
        store.set_pending_authenticator(id, &secret).await.unwrap();
        let codes = recovery::generate().unwrap();
        assert!(store
            .confirm_authenticator(id, TimeStep(0), codes.stored)
            .await
            .unwrap());
        InboxUser {
            id,
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            secret,
            recovery_codes: codes.codes.iter().map(|c| c.grouped()).collect(),
        }
    }

    /// A code the app will accept now: the first step of the window (now ± 1) later than the
    /// last one accepted, so that signing in twice within 30 seconds works as it does for a
    /// person who waits for the next code.
    pub async fn next_code(&self, app: &TestApp) -> String {
        let now = app.config().inbox.clock.now().unix_timestamp() as u64;
        let last = app
            .store()
            .authenticator(self.id)
            .await
            .unwrap()
            .expect("an authenticator")
            .last_step;
        let current = TimeStep::at(now).0;
        let step = (current - 1..=current + 1)
            .find(|step| last.is_none_or(|last| *step > last.0))
            .expect("a step of the window is still unused: wait for the clock to move on");
        totp::current_code(&self.secret, step * STEP_SECONDS)
    }

    /// Signs in through the routes: the sign-in page, the password, the code page, the code.
    pub async fn sign_in(&self, app: &TestApp) -> InboxSession {
        let mut session = InboxSession::anonymous(app);
        let page = session.get(paths::SIGN_IN).await;
        assert_eq!(page.status, StatusCode::OK);
        session.csrf = csrf_of(&page);
        let passed = session
            .post_form(
                paths::SIGN_IN,
                &[("email", &self.email), ("password", &self.password)],
            )
            .await;
        assert_eq!(passed.status, StatusCode::SEE_OTHER, "{}", passed.text());
        assert_eq!(passed.location(), Some(paths::SIGN_IN_CODE));
        let page = session.get(paths::SIGN_IN_CODE).await;
        session.csrf = csrf_of(&page);
        let code = self.next_code(app).await;
        let done = session
            .post_form(paths::SIGN_IN_CODE, &[("code", &code)])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        assert_eq!(done.location(), Some(paths::ROOT));
        let home = session.get(paths::ROOT).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.text());
        session.csrf = csrf_of(&home);
        session
    }
}

/// A browser's view of the inbox: its cookies and the CSRF token of the last page read.
#[derive(Clone)]
pub struct InboxSession {
    router: Router,
    cookies: BTreeMap<String, String>,
    /// The session's cookie as sent (`sp_inbox_session=…`).
    pub cookie: String,
    pub csrf: String,
    /// The address requests come from, as `serve` would give it (the tests' own TEST-NET-1 one).
    pub client: SocketAddr,
}

/// Where test requests come from (RFC 5737's documentation range).
pub const CLIENT: &str = "192.0.2.10";

impl InboxSession {
    /// No cookies yet.
    pub fn anonymous(app: &TestApp) -> InboxSession {
        InboxSession {
            router: app.router.clone(),
            cookies: BTreeMap::new(),
            cookie: String::new(),
            csrf: String::new(),
            client: SocketAddr::new(CLIENT.parse().unwrap(), 50_000),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends `request` with the cookies, and keeps what the response sets.
    pub async fn send(&mut self, mut request: Request<Body>) -> TestResponse {
        request.extensions_mut().insert(ConnectInfo(self.client));
        if !self.cookies.is_empty() {
            request
                .headers_mut()
                .insert(header::COOKIE, self.cookie_header().parse().unwrap());
        }
        let response = send_to(self.router.clone(), request).await;
        for set in response.headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        self.cookie = self
            .cookies
            .iter()
            .find(|(name, _)| name.ends_with("sp_inbox_session"))
            .map(|(name, value)| format!("{name}={value}"))
            .unwrap_or_default();
        response
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// POSTs `fields` and the session's `csrf` as a form.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post_raw(path, &all).await
    }

    /// POSTs exactly `fields` (no CSRF token unless given).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }
}

/// The value of the first `csrf` field in a page.
pub fn csrf_of(page: &TestResponse) -> String {
    let html = page.text();
    let start = html
        .find(r#"name="csrf" value=""#)
        .unwrap_or_else(|| panic!("no csrf field in {html}"))
        + r#"name="csrf" value=""#.len();
    html[start..].split('"').next().unwrap().to_owned()
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}
