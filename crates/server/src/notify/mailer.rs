//! Sending one email: the [`Mailer`] the worker holds, and its SMTP implementation (lettre).

use std::fmt;
use std::future::Future;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::{SmtpSettings, TlsMode};
use super::email::{Email, Kind};

/// Sends one email to one address; an `Ok` means the server took responsibility for it.
pub trait Mailer: Send + Sync {
    fn send(
        &self,
        to: &Address,
        email: &Email,
    ) -> impl Future<Output = Result<(), SendError>> + Send;
}

/// Why a message was not sent. `detail` is the SMTP client's or server's own words, which name
/// the relay and perhaps the team address, never the person (no email carries anything of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// The server refused this message for good (a 5xx), so retrying will not help until the
    /// configuration is fixed; it is retried anyway, at the backoff's pace, so nothing is lost.
    pub permanent: bool,
    pub detail: String,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for SendError {}

/// lettre's SMTP client on tokio. One connection a message: a referral email is rare, and a
/// fresh connection finds a relay that has come back without a pool's stale ones.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Fails only when the TLS settings cannot be built (the host is not a valid TLS name).
    pub fn new(settings: &SmtpSettings) -> Result<SmtpMailer, lettre::transport::smtp::Error> {
        let host = settings.host.as_str();
        let parameters = || {
            let mut builder = TlsParameters::builder(host.to_owned());
            if let Some(pem) = &settings.extra_roots {
                builder = builder.add_root_certificate(Certificate::from_pem(pem)?);
            }
            builder.build()
        };
        let tls = match settings.tls {
            TlsMode::None => Tls::None,
            // STARTTLS must succeed: no downgrade to plain text if the server does not offer it.
            TlsMode::Starttls => Tls::Required(parameters()?),
            TlsMode::Tls => Tls::Wrapper(parameters()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout));
        if let Some(credentials) = &settings.credentials {
            builder = builder.credentials(authentication::Credentials::new(
                credentials.username.clone(),
                credentials.password.clone(),
            ));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from: settings.from.clone(),
        })
    }

    /// The message as it goes on the wire.
    pub fn message(&self, to: &Address, email: &Email) -> Result<Message, SendError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to.clone()))
            .subject(email.subject())
            .message_id(Some(format!(
                "<{}@{}>",
                email.message_key(),
                self.from.email.domain()
            )))
            .header(ContentType::TEXT_PLAIN)
            // RFC 3834: out-of-office replies and other robots must not answer it.
            .raw_header(raw_header("Auto-Submitted", "auto-generated"));
        if email.kind() == Kind::Urgent {
            // What Outlook and most clients show as high importance.
            builder = builder
                .raw_header(raw_header("Importance", "high"))
                .raw_header(raw_header("X-Priority", "1 (Highest)"));
        }
        builder
            .body(email.text().to_owned())
            .map_err(|e| SendError {
                permanent: true,
                detail: format!("the message could not be built: {e}"),
            })
    }
}

fn raw_header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_owned())
}

impl Mailer for SmtpMailer {
    async fn send(&self, to: &Address, email: &Email) -> Result<(), SendError> {
        let message = self.message(to, email)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| SendError {
                permanent: e.is_permanent(),
                detail: e.to_string(),
            })
    }
}
