//! What every handler can reach.

use std::sync::Arc;

use signpost_core::Questionnaire;

use crate::config::Config;
use crate::http::rate_limit::Limiters;
use crate::notify::Notifier;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState {
    /// The storage, whichever engine keeps it: handlers never hold a connection.
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// The questionnaire referrals are checked against: the service's own file, or
    /// `signpost_core::default_questionnaire()`.
    pub questionnaire: Arc<Questionnaire>,
    /// Each rate-limited route's counts, made from `config.rate_limits` (one set per service).
    pub limiters: Arc<Limiters>,
    /// Who is emailed when a referral arrives; `None` when notifications are off.
    pub notifier: Option<Notifier>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: Config, questionnaire: Questionnaire) -> Self {
        AppState {
            store,
            limiters: Arc::new(Limiters::new(&config)),
            config: Arc::new(config),
            questionnaire: Arc::new(questionnaire),
            notifier: None,
        }
    }

    /// With notifications on: each referral's email is queued with it and the worker woken.
    pub fn with_notifier(self, notifier: Notifier) -> Self {
        AppState {
            notifier: Some(notifier),
            ..self
        }
    }
}
