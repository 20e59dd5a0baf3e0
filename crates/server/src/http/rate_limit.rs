//! Per-client rate limits (issue 13, "Abuse"): `POST /api/v1/referrals`, the follow-up check-in
//! routes, and a layer the inbox's sign-in takes. Over its limit a client gets a 429 with
//! `Retry-After`: the API's JSON error (`rate_limited`) or, for a page, the inbox's HTML.
//!
//! The limits are GCRA buckets from `governor` (through `tower_governor`, a tower layer for axum
//! 0.8): a quota "N per PERIOD" lets N requests through at once and then one each PERIOD/N, so a
//! client that pauses gets its burst back, and no window edge lets 2N through. They are kept in
//! memory, per instance: a limit is a brake on scripts, not an account of anyone's use.
//!
//! The client is [`ClientAddressPolicy::client`]'s address; IPv6 clients are counted by their
//! /64, the block one household or phone is given, so a script cannot take a fresh address from
//! its own block for each request.
//!
//! The defaults, which a real practice never reaches and a script soon does:
//! - referrals, **30 an hour** (one every 2 minutes after a burst of 30): a person takes minutes
//!   to fill the form, and a foodbank's drop-in with several volunteers on one address sends a
//!   handful in its busiest hour; a script sending junk referrals to fill a team's inbox is
//!   stopped after 30.
//! - check-ins, **60 in 10 minutes** (GET and POST together): a follow-up is a GET and a POST, a
//!   reload or two; 60 is twenty people at one care home's tablet at once. A script trying tokens
//!   gets 360 an hour, against 2^256 tokens.
//! - sign-in, **20 a minute**: a team signing in at nine from one office; the lock-out policy
//!   (`inbox::auth::lockout`) then counts each address's and each email's failures.
//!
//! The inbox wires the sign-in limit on its POST routes only:
//!
//! ```ignore
//! use signpost_server::http::rate_limit;
//! Router::new().route(
//!     paths::SIGN_IN,
//!     get(sign_in::page).merge(post(sign_in::submit).layer(rate_limit::sign_in(&state))),
//! )
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderName, Request, Response, StatusCode};
use axum::response::IntoResponse;
use governor::middleware::NoOpMiddleware;
use ipnet::IpNet;
use tower_governor::governor::{GovernorConfig, GovernorConfigBuilder};
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};

use super::client_address::{parse_trusted_proxy, peer, ClientAddressPolicy};
use crate::api::ApiError;
use crate::config::Config;
use crate::inbox::page::layout::Layout;
use crate::inbox::page::problem::ProblemPage;
use crate::inbox::paths;
use crate::state::AppState;

pub const DEFAULT_REFERRALS: &str = "30/1h";
pub const DEFAULT_CHECKINS: &str = "60/10m";
pub const DEFAULT_SIGN_IN: &str = "20/1m";

/// "N per PERIOD": a burst of `count`, then one more each `per / count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    count: NonZeroU32,
    per: Duration,
}

impl Quota {
    pub fn new(count: u32, per: Duration) -> Result<Quota, String> {
        let count = NonZeroU32::new(count).ok_or("the number of requests must be 1 or more")?;
        if per.is_zero() {
            return Err("the period must be longer than 0".into());
        }
        if per / count.get() < Duration::from_nanos(1) {
            return Err("the period is too short for that many requests".into());
        }
        Ok(Quota { count, per })
    }

    /// How long one request's share takes to come back.
    pub fn interval(&self) -> Duration {
        self.per / self.count.get()
    }

    pub fn burst(&self) -> u32 {
        self.count.get()
    }
}

/// `30/1h`, `60/10m`, `20/1m`, `5/30s`, `100/1d`.
impl FromStr for Quota {
    type Err = String;

    fn from_str(text: &str) -> Result<Quota, String> {
        let refused = |why: &str| format!("{text:?} {why}: write N/PERIOD, like 30/1h or 60/10m");
        let (count, period) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| refused("is not a quota"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| refused("has no number of requests"))?;
        let period = period.trim();
        let split = period
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(|| refused("has no unit (s, m, h or d)"))?;
        let (amount, unit) = period.split_at(split);
        let amount: u64 = if amount.is_empty() {
            1
        } else {
            amount.parse().map_err(|_| refused("has no period"))?
        };
        let seconds = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 60 * 60,
            "d" => 24 * 60 * 60,
            _ => return Err(refused("has a unit other than s, m, h or d")),
        };
        let per = Duration::from_secs(amount.saturating_mul(seconds));
        Quota::new(count, per).map_err(|why| refused(&why))
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}s", self.count, self.per.as_secs())
    }
}

/// The quota of each limited route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub referrals: Quota,
    pub checkins: Quota,
    pub sign_in: Quota,
}

impl Default for RateLimits {
    fn default() -> Self {
        let quota = |text: &str| text.parse().expect("the defaults are quotas");
        RateLimits {
            referrals: quota(DEFAULT_REFERRALS),
            checkins: quota(DEFAULT_CHECKINS),
            sign_in: quota(DEFAULT_SIGN_IN),
        }
    }
}

/// `serve`'s flags for the limits and for where the client's address comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct RateLimitArgs {
    /// Referrals one client may send: N/PERIOD (s, m, h, d), N at once then one each PERIOD/N.
    #[arg(long, value_name = "N/PERIOD", env = "SIGNPOST_RATE_LIMIT_REFERRALS", default_value = DEFAULT_REFERRALS)]
    rate_limit_referrals: Quota,
    /// Follow-up check-in requests (GET and POST together) one client may make.
    #[arg(long, value_name = "N/PERIOD", env = "SIGNPOST_RATE_LIMIT_CHECKINS", default_value = DEFAULT_CHECKINS)]
    rate_limit_checkins: Quota,
    /// Sign-in attempts one client may make (the inbox's sign-in forms).
    #[arg(long, value_name = "N/PERIOD", env = "SIGNPOST_RATE_LIMIT_SIGN_IN", default_value = DEFAULT_SIGN_IN)]
    rate_limit_sign_in: Quota,
    /// The header a trusted proxy writes the client's address in, e.g. X-Forwarded-For. Read only
    /// from the --trusted-proxy addresses; without both, the socket's peer is the client.
    #[arg(long, value_name = "HEADER", env = "SIGNPOST_TRUSTED_PROXY_HEADER")]
    trusted_proxy_header: Option<HeaderName>,
    /// A proxy (address or CIDR network, e.g. 10.0.0.0/8) whose header is believed; repeat.
    #[arg(long = "trusted-proxy", value_name = "CIDR", env = "SIGNPOST_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_trusted_proxy)]
    trusted_proxies: Vec<IpNet>,
}

impl RateLimitArgs {
    pub fn settings(self) -> Result<(ClientAddressPolicy, RateLimits), String> {
        let policy =
            ClientAddressPolicy::from_flags(self.trusted_proxy_header, self.trusted_proxies)?;
        let limits = RateLimits {
            referrals: self.rate_limit_referrals,
            checkins: self.rate_limit_checkins,
            sign_in: self.rate_limit_sign_in,
        };
        Ok((policy, limits))
    }
}

/// Keys a request by its client's address ([`limit_key`]).
#[derive(Debug, Clone)]
pub struct ClientKey {
    policy: Arc<ClientAddressPolicy>,
}

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = peer(request.extensions()).ok_or(GovernorError::UnableToExtractKey)?;
        Ok(limit_key(self.policy.client(peer, request.headers())))
    }
}

/// What a client is counted as: its IPv4 address, or its IPv6 /64.
pub fn limit_key(client: IpAddr) -> IpAddr {
    match client.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !(u64::MAX as u128))),
        v4 => v4,
    }
}

/// The layer a limited route takes; each is one limiter shared by the routes given it.
pub type RateLimitLayer = GovernorLayer<ClientKey, NoOpMiddleware, Body>;

/// One route's limiter.
#[derive(Debug, Clone)]
pub struct Limiter {
    config: Arc<GovernorConfig<ClientKey, NoOpMiddleware>>,
}

impl Limiter {
    pub fn new(quota: Quota, policy: Arc<ClientAddressPolicy>) -> Limiter {
        let config = GovernorConfigBuilder::default()
            .key_extractor(ClientKey { policy })
            .period(quota.interval())
            .burst_size(quota.burst())
            .finish()
            .expect("a Quota is never zero");
        Limiter {
            config: Arc::new(config),
        }
    }

    /// Answers over the limit with the API's JSON error.
    pub fn json(&self) -> RateLimitLayer {
        GovernorLayer::new(Arc::clone(&self.config)).error_handler(|error| match error {
            GovernorError::TooManyRequests { wait_time, .. } => ApiError::RateLimited {
                retry_after_secs: retry_after(wait_time),
            }
            .into_response(),
            other => refused(other).into_response(),
        })
    }

    /// Answers over the limit with the inbox's HTML page.
    pub fn html(&self) -> RateLimitLayer {
        GovernorLayer::new(Arc::clone(&self.config)).error_handler(|error| match error {
            GovernorError::TooManyRequests { wait_time, .. } => too_many_attempts(wait_time),
            other => refused(other).into_response(),
        })
    }

    /// Forgets the clients whose buckets are full again, so memory follows the clients of the
    /// last few minutes, not every address ever seen.
    pub fn forget_idle(&self) {
        let limiter = self.config.limiter();
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }
}

/// Whole seconds, rounded up (governor's wait is rounded down), and never 0.
fn retry_after(wait_secs: u64) -> u64 {
    wait_secs.saturating_add(1)
}

/// No client address: the service was served without the peer's (its own fault, logged once).
fn refused(error: GovernorError) -> ApiError {
    ApiError::internal("finding the client's address for the rate limit")(error.to_string())
}

fn too_many_attempts(wait_secs: u64) -> Response<Body> {
    let heading = "Too many attempts";
    let page = ProblemPage {
        layout: Layout::signed_out(heading),
        heading,
        paragraphs: vec![
            "There have been too many attempts to sign in from your network in a short time.",
            "Wait a few minutes, then try again. Nothing you entered has been saved.",
        ],
        link_href: paths::SIGN_IN,
        link_text: "Go to the sign-in page",
    };
    let mut response = crate::inbox::page::render(StatusCode::TOO_MANY_REQUESTS, &page);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, retry_after(wait_secs).into());
    response
}

/// Every route's limiter, made once for the service from its config.
#[derive(Debug, Clone)]
pub struct Limiters {
    pub referrals: Limiter,
    pub checkins: Limiter,
    pub sign_in: Limiter,
}

impl Limiters {
    pub fn new(config: &Config) -> Limiters {
        let policy = Arc::new(config.client_address.clone());
        let limits = &config.rate_limits;
        Limiters {
            referrals: Limiter::new(limits.referrals, Arc::clone(&policy)),
            checkins: Limiter::new(limits.checkins, Arc::clone(&policy)),
            sign_in: Limiter::new(limits.sign_in, policy),
        }
    }

    pub fn forget_idle(&self) {
        self.referrals.forget_idle();
        self.checkins.forget_idle();
        self.sign_in.forget_idle();
    }
}

/// The sign-in limit as a layer for the inbox's sign-in POST routes (see the module's example).
pub fn sign_in(state: &AppState) -> RateLimitLayer {
    state.limiters.sign_in.html()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_is_n_per_period() {
        let quota: Quota = "30/1h".parse().unwrap();
        assert_eq!(
            (quota.burst(), quota.interval()),
            (30, Duration::from_secs(120))
        );
        let quota: Quota = "60/10m".parse().unwrap();
        assert_eq!(quota.interval(), Duration::from_secs(10));
        assert_eq!(
            "5/d".parse::<Quota>().unwrap().interval(),
            Duration::from_secs(17280)
        );
        assert_eq!("20/1m".parse::<Quota>().unwrap().to_string(), "20/60s");
        for bad in [
            "30", "0/1h", "30/0s", "30/1w", "x/1h", "30/h1", "30/", "-1/1h",
        ] {
            let refused = bad.parse::<Quota>().unwrap_err();
            assert!(refused.contains("N/PERIOD"), "{bad}: {refused}");
        }
    }

    #[test]
    fn the_defaults_parse() {
        let limits = RateLimits::default();
        assert_eq!(limits.referrals.burst(), 30);
        assert_eq!(limits.checkins.burst(), 60);
        assert_eq!(limits.sign_in.interval(), Duration::from_secs(3));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_and_ipv4_by_their_address() {
        let key = |text: &str| limit_key(text.parse().unwrap()).to_string();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:3::1"), "2001:db8:1:3::");
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
    }

    #[test]
    fn retry_after_is_rounded_up() {
        assert_eq!(retry_after(0), 1);
        assert_eq!(retry_after(119), 120);
    }
}
