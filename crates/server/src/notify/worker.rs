//! The loop that empties the outbox: claim what is due, send each, record what happened.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Notify;

use super::email::InboxUrl;
use super::mailer::Mailer;
use super::outbox::{Backoff, Claimed, Outbox, Recorded};

/// Tells a worker that a message was queued, so it sends at once instead of at its next poll.
/// Cheap to clone; a ring while the worker is busy is kept for when it is done.
#[derive(Debug, Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn new() -> Wake {
        Wake::default()
    }
    pub fn ring(&self) {
        self.0.notify_one();
    }
    async fn rung(&self) {
        self.0.notified().await;
    }
}

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// The links' base.
    pub inbox: InboxUrl,
    /// How long a claim holds a message: longer than one SMTP attempt can take (see
    /// `config::SMTP_TIMEOUT`), so that no other worker takes a message still being sent.
    pub lease: Duration,
    /// How often to look for due messages when not woken: the retries of failed ones, and
    /// messages queued by another instance.
    pub poll: Duration,
    /// How many messages one claim takes.
    pub batch: usize,
    pub backoff: Backoff,
    pub wake: Wake,
}

impl WorkerSettings {
    /// A five-minute lease, a poll every 15 seconds, ten messages a claim, the default backoff.
    pub fn new(inbox: InboxUrl) -> WorkerSettings {
        WorkerSettings {
            inbox,
            lease: Duration::from_secs(5 * 60),
            poll: Duration::from_secs(15),
            batch: 10,
            backoff: Backoff::default(),
            wake: Wake::new(),
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
}

/// Runs until `shutdown` completes. A message being sent when it does is finished and recorded
/// first; one claimed but not yet sent comes back to another worker when its lease ends.
pub async fn run<O: Outbox, M: Mailer>(
    outbox: &O,
    mailer: &M,
    settings: &WorkerSettings,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let pass = deliver_due(outbox, mailer, settings).await;
        // A full batch means more may be due: look again at once.
        let busy = pass.claimed == settings.batch;
        tokio::select! {
            biased;
            () = &mut shutdown => return,
            () = idle(settings), if !busy => {}
            () = std::future::ready(()), if busy => {}
        }
    }
}

async fn idle(settings: &WorkerSettings) {
    tokio::select! {
        () = settings.wake.rung() => {}
        () = tokio::time::sleep(settings.poll) => {}
    }
}

/// Claims the due messages and sends each: one pass of [`run`]. Errors of the outbox itself
/// are logged and end the pass; the next pass tries again.
pub async fn deliver_due<O: Outbox, M: Mailer>(
    outbox: &O,
    mailer: &M,
    settings: &WorkerSettings,
) -> Pass {
    let claimed = match outbox
        .claim(OffsetDateTime::now_utc(), settings.lease, settings.batch)
        .await
    {
        Ok(claimed) => claimed,
        Err(error) => {
            tracing::error!(%error, "could not claim notifications from the outbox");
            return Pass::default();
        }
    };
    let mut pass = Pass {
        claimed: claimed.len(),
        ..Pass::default()
    };
    for message in &claimed {
        if deliver(outbox, mailer, settings, message).await {
            pass.sent += 1;
        } else {
            pass.failed += 1;
        }
    }
    pass
}

/// Sends one claimed message and records the outcome; whether it was sent. Logs name the
/// reference and the kind, never the address or anything about the person.
async fn deliver<O: Outbox, M: Mailer>(
    outbox: &O,
    mailer: &M,
    settings: &WorkerSettings,
    message: &Claimed,
) -> bool {
    let reference = message.pending.reference.as_ref();
    let kind = message.pending.kind.as_str();
    let attempt = message.attempt;
    let email = message.pending.notification(&settings.inbox).email();
    let (sent, recorded) = match mailer.send(&message.pending.to, &email).await {
        Ok(()) => {
            tracing::info!(reference, kind, attempt, "notification sent");
            let recorded = outbox.mark_sent(message, OffsetDateTime::now_utc()).await;
            (true, recorded)
        }
        Err(error) => {
            let delay = settings.backoff.delay(attempt, &mut rand::rng());
            let retry_in = format!("{}s", delay.as_secs());
            if error.permanent {
                tracing::error!(reference, kind, attempt, %error, retry_in, "the SMTP server refused a notification; check --notify-team and the relay");
            } else {
                tracing::warn!(reference, kind, attempt, %error, retry_in, "a notification could not be sent; it stays queued");
            }
            let next = OffsetDateTime::now_utc() + delay;
            let recorded = outbox.mark_failed(message, next, &error.detail).await;
            (false, recorded)
        }
    };
    match recorded {
        Ok(Recorded::Yes) => {}
        Ok(Recorded::LeaseLost) => tracing::warn!(
            reference,
            kind,
            "a notification's lease ran out before its outcome was recorded; make the lease longer than an SMTP attempt"
        ),
        Err(error) => tracing::error!(reference, kind, %error, "could not record a notification's outcome; it will be sent again"),
    }
    sent
}
