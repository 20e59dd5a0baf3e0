//! Emails to a practice's team when a referral arrives, and a distinct one when it asks for
//! urgent help: the reference and a link to the inbox, never anything about the person.
//!
//! - `email.rs`: the two messages, from a [`Notification`] that cannot hold personal data, and
//!   [`kind_for`], which decides which one a referral gets;
//! - `config.rs`: the flags (`--notify-team`, `--smtp-*`, `--notify-from`, `--inbox-url`),
//!   checked at start-up;
//! - `outbox.rs`: the queue as the worker sees it ([`Outbox`], which the store implements),
//!   and the backoff; `memory.rs`: an [`Outbox`] in memory;
//! - `mailer.rs`: [`Mailer`] and its SMTP implementation; `worker.rs`: the loop that sends;
//! - `service.rs`: the [`Notifier`] the referral route holds, and the worker [`spawn`]ed beside
//!   the server by `serve`.
//!
//! The store keeps the outbox (`store::Notifications`, migration 0008) and queues a referral's
//! email in the transaction that stores the referral.

pub mod config;
pub mod email;
pub mod mailer;
pub mod memory;
pub mod outbox;
pub mod service;
pub mod worker;

pub use config::{NotifyArgs, NotifySettings, Planned, SmtpSettings, TlsMode};
pub use email::{kind_for, Email, InboxUrl, Kind, Notification, Reference};
pub use mailer::{Mailer, SendError, SmtpMailer};
pub use memory::MemoryOutbox;
pub use outbox::{Backoff, Claimed, LeaseToken, MessageId, Outbox, Pending, Recorded};
pub use service::{spawn, Notifier, Worker};
pub use worker::{deliver_due, run, Pass, Wake, WorkerSettings};
