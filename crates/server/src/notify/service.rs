//! Notifications as `serve` runs them: the [`Notifier`] the referral route holds (which email a
//! referral gets, and the bell that wakes the worker once it is committed), and the worker
//! spawned beside the server, stopped gracefully with it ([`spawn`], [`Worker::stop`]).

use std::sync::Arc;

use signpost_core::Referral;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::config::{NotifySettings, Planned};
use super::mailer::Mailer;
use super::outbox::Outbox;
use super::worker::{run, Wake, WorkerSettings};

/// What the referral route needs: the team addresses, to plan each email, and the worker's bell.
#[derive(Debug, Clone)]
pub struct Notifier {
    settings: Arc<NotifySettings>,
    wake: Wake,
}

impl Notifier {
    /// `wake` is the worker's own (`WorkerSettings::wake`).
    pub fn new(settings: NotifySettings, wake: Wake) -> Notifier {
        Notifier {
            settings: Arc::new(settings),
            wake,
        }
    }

    /// The email to queue with `referral`; `None` when its practice has no team address.
    pub fn plan(&self, referral: &Referral) -> Option<Planned> {
        self.settings.plan(referral)
    }

    /// Rung after the commit that queued an email, so it goes now rather than at the next poll.
    pub fn queued(&self) {
        self.wake.ring();
    }

    pub fn settings(&self) -> &NotifySettings {
        &self.settings
    }
}

/// The worker running in a task of its own.
pub struct Worker {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Starts [`run`] on the current tokio runtime until [`Worker::stop`].
pub fn spawn<O, M>(outbox: O, mailer: M, settings: WorkerSettings) -> Worker
where
    O: Outbox + 'static,
    M: Mailer + 'static,
{
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        run(&outbox, &mailer, &settings, async {
            // A dropped sender stops the worker too.
            let _ = stopped.await;
        })
        .await;
    });
    Worker { stop, task }
}

impl Worker {
    /// Stops the worker and waits until it has: a message being sent is finished and recorded
    /// first; one claimed but not yet sent comes back at its lease's end (to this service's next
    /// start, or to another instance).
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the notification worker stopped abnormally");
        }
    }
}
