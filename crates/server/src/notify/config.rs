//! Where notifications go and how they are sent: each practice's team address, the SMTP relay,
//! the sender, and the inbox the links point to. Checked once, at start-up, so a typo stops
//! `serve` with the reason instead of losing the first urgent referral's email.
//!
//! Team addresses are repeated `--notify-team PRACTICE=ADDRESS` flags (or
//! `SIGNPOST_NOTIFY_TEAMS`, comma-separated), the way `--allow-origin` is given: a service has
//! a handful of practices, one line each, and needs no file format or parser of its own.
//! `*=ADDRESS` catches every practice without an address of its own. The SMTP password is read
//! from a file (`--smtp-password-file`), never from the command line, where `ps` would show it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::Address;
use signpost_core::fields::PracticeCode;
use signpost_core::Referral;

use super::email::{kind_for, InboxUrl, Kind};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TlsMode {
    /// No encryption: only for a relay on this machine or a trusted local network (port 25).
    None,
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte, "implicit TLS" (port 465).
    Tls,
}

impl TlsMode {
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::None => 25,
            TlsMode::Starttls => 587,
            TlsMode::Tls => 465,
        }
    }
}

/// The flags of `serve` that configure notifications; the lead flattens them into `serve`'s
/// arguments with `#[command(flatten)]`. Without any `--notify-team`, no email is sent.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NotifyArgs {
    /// A practice's team address, e.g. `43210=links.43210@nhs.scot`; repeat for each practice.
    /// `*=ADDRESS` is for every practice without its own.
    #[arg(
        long = "notify-team",
        value_name = "PRACTICE=ADDRESS",
        env = "SIGNPOST_NOTIFY_TEAMS",
        value_delimiter = ','
    )]
    pub teams: Vec<String>,
    /// Who the emails come from, e.g. `Signpost <signpost@nhs.scot>`.
    #[arg(
        long = "notify-from",
        value_name = "MAILBOX",
        env = "SIGNPOST_NOTIFY_FROM"
    )]
    pub from: Option<String>,
    /// The inbox's address, which the emails link to, e.g. `https://inbox.example.scot/inbox/`.
    #[arg(long = "inbox-url", value_name = "URL", env = "SIGNPOST_INBOX_URL")]
    pub inbox_url: Option<String>,
    /// The SMTP server (relay) that sends the emails.
    #[arg(long = "smtp-host", value_name = "HOST", env = "SIGNPOST_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// Its port; by default 25, 587 or 465 by `--smtp-tls`.
    #[arg(long = "smtp-port", value_name = "PORT", env = "SIGNPOST_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    #[arg(
        long = "smtp-tls",
        value_enum,
        default_value = "starttls",
        env = "SIGNPOST_SMTP_TLS"
    )]
    pub smtp_tls: TlsMode,
    /// The SMTP user name, if the server asks for one.
    #[arg(
        long = "smtp-username",
        value_name = "NAME",
        env = "SIGNPOST_SMTP_USERNAME"
    )]
    pub smtp_username: Option<String>,
    /// A PEM file of the certificate authorities that may sign the relay's certificate, trusted
    /// besides the system's (for a relay whose CA is the health board's own).
    #[arg(
        long = "smtp-ca-file",
        value_name = "PATH",
        env = "SIGNPOST_SMTP_CA_FILE"
    )]
    pub smtp_ca_file: Option<PathBuf>,
    /// A file holding the SMTP password (its last line break is ignored).
    #[arg(
        long = "smtp-password-file",
        value_name = "PATH",
        env = "SIGNPOST_SMTP_PASSWORD_FILE"
    )]
    pub smtp_password_file: Option<PathBuf>,
}

/// How long one SMTP command may take before the attempt counts as failed. The worker's lease
/// must be longer than a whole attempt, so that no other worker takes a message still in flight.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The SMTP side: where to connect, how, as whom, and the sender.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub credentials: Option<Credentials>,
    pub from: Mailbox,
    pub timeout: Duration,
    /// Certificate authorities trusted besides the system's, as PEM (checked to parse).
    pub extra_roots: Option<Vec<u8>>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Never prints the password.
impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.credentials.as_ref().map(|c| &c.username))
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// Each practice's team address (practice codes upper-case, as `PracticeCode` keeps them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamAddresses {
    by_practice: BTreeMap<String, Address>,
    fallback: Option<Address>,
}

impl TeamAddresses {
    pub fn for_practice(&self, practice: &PracticeCode) -> Option<&Address> {
        self.by_practice
            .get(practice.as_ref())
            .or(self.fallback.as_ref())
    }
}

/// Everything notifications need, checked.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    pub smtp: SmtpSettings,
    pub teams: TeamAddresses,
    pub inbox: InboxUrl,
}

/// Which email a referral gets, and to whom: what the referral route hands the store, to be
/// queued in the transaction that stores the referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub kind: Kind,
    pub to: Address,
}

impl NotifySettings {
    /// `None` when the referral's practice has no team address (and there is no `*`): the
    /// route stores the referral anyway, and logs that no one was told.
    pub fn plan(&self, referral: &Referral) -> Option<Planned> {
        self.teams
            .for_practice(referral.practice())
            .map(|to| Planned {
                kind: kind_for(referral),
                to: to.clone(),
            })
    }
}

/// Why the notification settings were refused; each message names the flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    TeamNotAPair(String),
    TeamPractice(String),
    TeamAddress { value: String, reason: String },
    TeamRepeated(String),
    Missing(&'static str),
    NoTeams,
    From { value: String, reason: String },
    InboxUrl(String),
    UsernameWithoutPassword,
    PasswordWithoutUsername,
    PasswordFile { path: PathBuf, reason: String },
    PasswordInClear { host: String },
    CaFile { path: PathBuf, reason: String },
    CaFileWithoutTls,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::TeamNotAPair(value) => write!(
                f,
                "--notify-team {value:?} must be PRACTICE=ADDRESS, e.g. 43210=links.43210@nhs.scot"
            ),
            ConfigError::TeamPractice(value) => write!(
                f,
                "--notify-team {value:?}: the practice code must be 1 to 12 letters, digits or \
                 dashes, or * for every other practice"
            ),
            ConfigError::TeamAddress { value, reason } => write!(
                f,
                "--notify-team {value:?}: the address is not an email address ({reason})"
            ),
            ConfigError::TeamRepeated(practice) => write!(
                f,
                "--notify-team gives practice {practice} twice: give each practice one team address"
            ),
            ConfigError::Missing(flag) => {
                write!(f, "{flag} is needed to send emails when --notify-team is given")
            }
            ConfigError::NoTeams => f.write_str(
                "--smtp-host is given but no --notify-team: no email would ever be sent; \
                 add --notify-team PRACTICE=ADDRESS",
            ),
            ConfigError::From { value, reason } => write!(
                f,
                "--notify-from {value:?} is not a mailbox like \"Signpost <signpost@nhs.scot>\" ({reason})"
            ),
            ConfigError::InboxUrl(reason) => write!(f, "--inbox-url {reason}"),
            ConfigError::UsernameWithoutPassword => {
                f.write_str("--smtp-username is given without --smtp-password-file")
            }
            ConfigError::PasswordWithoutUsername => {
                f.write_str("--smtp-password-file is given without --smtp-username")
            }
            ConfigError::PasswordFile { path, reason } => write!(
                f,
                "--smtp-password-file {}: could not read a password ({reason})",
                path.display()
            ),
            ConfigError::PasswordInClear { host } => write!(
                f,
                "--smtp-tls none would send the SMTP password unencrypted to {host}: use \
                 --smtp-tls starttls or tls, or a relay on this machine (localhost, 127.0.0.1, ::1)"
            ),
            ConfigError::CaFile { path, reason } => write!(
                f,
                "--smtp-ca-file {}: could not read PEM certificates ({reason})",
                path.display()
            ),
            ConfigError::CaFileWithoutTls => f.write_str(
                "--smtp-ca-file is given with --smtp-tls none, which uses no certificates",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl NotifyArgs {
    /// `Ok(None)` when notifications are off (no flag given at all).
    pub fn settings(&self) -> Result<Option<NotifySettings>, ConfigError> {
        if self.teams.is_empty() {
            return match self.smtp_host {
                Some(_) => Err(ConfigError::NoTeams),
                None => Ok(None),
            };
        }
        let teams = parse_teams(&self.teams)?;
        let host = self
            .smtp_host
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .ok_or(ConfigError::Missing("--smtp-host"))?
            .to_owned();
        let from_text = self
            .from
            .as_deref()
            .ok_or(ConfigError::Missing("--notify-from"))?;
        let from = Mailbox::from_str(from_text.trim()).map_err(|e| ConfigError::From {
            value: from_text.to_owned(),
            reason: e.to_string(),
        })?;
        let inbox = InboxUrl::parse(
            self.inbox_url
                .as_deref()
                .ok_or(ConfigError::Missing("--inbox-url"))?,
        )
        .map_err(ConfigError::InboxUrl)?;
        let tls = self.smtp_tls;
        let credentials = self.credentials()?;
        if credentials.is_some() && tls == TlsMode::None && !is_loopback(&host) {
            return Err(ConfigError::PasswordInClear { host });
        }
        let extra_roots = self.extra_roots()?;
        if extra_roots.is_some() && tls == TlsMode::None {
            return Err(ConfigError::CaFileWithoutTls);
        }
        Ok(Some(NotifySettings {
            smtp: SmtpSettings {
                port: self.smtp_port.unwrap_or(tls.default_port()),
                host,
                tls,
                credentials,
                from,
                timeout: SMTP_TIMEOUT,
                extra_roots,
            },
            teams,
            inbox,
        }))
    }

    fn extra_roots(&self) -> Result<Option<Vec<u8>>, ConfigError> {
        let Some(path) = &self.smtp_ca_file else {
            return Ok(None);
        };
        let refused = |reason: String| ConfigError::CaFile {
            path: path.clone(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| refused(e.to_string()))?;
        // lettre reads a file with no certificate in it as an empty list: refuse that too.
        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
            return Err(refused("no -----BEGIN CERTIFICATE----- in it".into()));
        }
        lettre::transport::smtp::client::Certificate::from_pem(&pem)
            .map_err(|e| refused(e.to_string()))?;
        Ok(Some(pem))
    }

    fn credentials(&self) -> Result<Option<Credentials>, ConfigError> {
        match (&self.smtp_username, &self.smtp_password_file) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(ConfigError::UsernameWithoutPassword),
            (None, Some(_)) => Err(ConfigError::PasswordWithoutUsername),
            (Some(username), Some(path)) => {
                let unreadable = |reason: String| ConfigError::PasswordFile {
                    path: path.clone(),
                    reason,
                };
                let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
                let password = text.strip_suffix('\n').unwrap_or(&text);
                let password = password.strip_suffix('\r').unwrap_or(password);
                if password.is_empty() {
                    return Err(unreadable("the file is empty".into()));
                }
                Ok(Some(Credentials {
                    username: username.clone(),
                    password: password.to_owned(),
                }))
            }
        }
    }
}

fn parse_teams(values: &[String]) -> Result<TeamAddresses, ConfigError> {
    let mut teams = TeamAddresses {
        by_practice: BTreeMap::new(),
        fallback: None,
    };
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        let (practice, address) = value
            .split_once('=')
            .ok_or_else(|| ConfigError::TeamNotAPair(value.clone()))?;
        let address = Address::from_str(address.trim()).map_err(|e| ConfigError::TeamAddress {
            value: value.clone(),
            reason: e.to_string(),
        })?;
        let repeated = if practice.trim() == "*" {
            teams
                .fallback
                .replace(address)
                .is_some()
                .then(|| "*".to_owned())
        } else {
            let code = PracticeCode::parse(practice)
                .map_err(|_| ConfigError::TeamPractice(value.clone()))?;
            let code = code.as_ref().to_owned();
            teams
                .by_practice
                .insert(code.clone(), address)
                .is_some()
                .then_some(code)
        };
        if let Some(practice) = repeated {
            return Err(ConfigError::TeamRepeated(practice));
        }
    }
    Ok(teams)
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        notify: NotifyArgs,
    }

    fn args(flags: &[&str]) -> NotifyArgs {
        let mut argv = vec!["serve"];
        argv.extend_from_slice(flags);
        Cli::try_parse_from(argv).unwrap().notify
    }

    const COMPLETE: &[&str] = &[
        "--notify-team",
        "43210=links.43210@nhs.scot",
        "--notify-team",
        "gla-east=east@nhs.scot",
        "--notify-from",
        "Signpost <signpost@nhs.scot>",
        "--inbox-url",
        "https://inbox.example.scot/inbox",
        "--smtp-host",
        "smtp.nhs.scot",
    ];

    fn practice(code: &str) -> PracticeCode {
        PracticeCode::parse(code).unwrap()
    }

    #[test]
    fn no_flags_means_no_emails() {
        assert_eq!(args(&[]).settings().unwrap().map(|_| ()), None);
    }

    #[test]
    fn a_complete_set_is_accepted_with_starttls_on_587_by_default() {
        let settings = args(COMPLETE).settings().unwrap().unwrap();
        assert_eq!(settings.smtp.tls, TlsMode::Starttls);
        assert_eq!(settings.smtp.port, 587);
        assert_eq!(
            settings.smtp.from.to_string(),
            "Signpost <signpost@nhs.scot>"
        );
        assert_eq!(settings.inbox.as_ref(), "https://inbox.example.scot/inbox/");
        assert_eq!(
            settings
                .teams
                .for_practice(&practice("43210"))
                .unwrap()
                .to_string(),
            "links.43210@nhs.scot"
        );
    }

    #[test]
    fn team_addresses_are_checked_and_found_whatever_the_case_of_the_code() {
        let mut flags = COMPLETE.to_vec();
        let settings = args(&flags).settings().unwrap().unwrap();
        assert_eq!(
            settings
                .teams
                .for_practice(&practice("Gla-East"))
                .unwrap()
                .to_string(),
            "east@nhs.scot"
        );
        assert_eq!(settings.teams.for_practice(&practice("99999")), None);

        flags.extend(["--notify-team", "*=everyone@nhs.scot"]);
        let settings = args(&flags).settings().unwrap().unwrap();
        assert_eq!(
            settings
                .teams
                .for_practice(&practice("99999"))
                .unwrap()
                .to_string(),
            "everyone@nhs.scot"
        );
    }

    #[test]
    fn a_bad_team_value_is_refused_with_the_reason() {
        let refused = |team: &str| {
            let mut flags = COMPLETE.to_vec();
            flags[1] = team;
            args(&flags).settings().unwrap_err()
        };
        assert_eq!(
            refused("links@nhs.scot"),
            ConfigError::TeamNotAPair("links@nhs.scot".into())
        );
        assert_eq!(
            refused("43 210=links@nhs.scot"),
            ConfigError::TeamPractice("43 210=links@nhs.scot".into())
        );
        assert!(matches!(
            refused("43210=links.nhs.scot"),
            ConfigError::TeamAddress { .. }
        ));
        assert!(matches!(
            refused("43210=East Team <east@nhs.scot>"),
            ConfigError::TeamAddress { .. }
        ));
        assert_eq!(
            refused("GLA-EAST=other@nhs.scot").to_string(),
            "--notify-team gives practice GLA-EAST twice: give each practice one team address"
        );
        let message = refused("43210=links.nhs.scot").to_string();
        assert!(
            message.starts_with("--notify-team \"43210=links.nhs.scot\""),
            "{message}"
        );
    }

    #[test]
    fn several_teams_can_share_one_value_as_in_the_environment_variable() {
        let mut flags = vec!["--notify-team", "43210=a@nhs.scot,GLA-EAST=b@nhs.scot"];
        flags.extend_from_slice(&COMPLETE[4..]);
        let settings = args(&flags).settings().unwrap().unwrap();
        let to = |code| {
            settings
                .teams
                .for_practice(&practice(code))
                .unwrap()
                .to_string()
        };
        assert_eq!(
            (to("43210"), to("GLA-EAST")),
            ("a@nhs.scot".into(), "b@nhs.scot".into())
        );
    }

    #[test]
    fn each_missing_part_is_named() {
        for (i, flag) in [(4, "--notify-from"), (6, "--inbox-url"), (8, "--smtp-host")] {
            let mut flags = COMPLETE.to_vec();
            flags.drain(i..i + 2);
            assert_eq!(
                args(&flags).settings().unwrap_err(),
                ConfigError::Missing(flag)
            );
        }
        assert_eq!(
            args(&COMPLETE[4..]).settings().unwrap_err(),
            ConfigError::NoTeams
        );
        let mut flags = COMPLETE.to_vec();
        flags[5] = "signpost at nhs.scot";
        assert!(matches!(
            args(&flags).settings().unwrap_err(),
            ConfigError::From { .. }
        ));
        flags = COMPLETE.to_vec();
        flags[7] = "inbox.example.scot";
        assert!(matches!(
            args(&flags).settings().unwrap_err(),
            ConfigError::InboxUrl(_)
        ));
    }

    #[test]
    fn a_password_comes_from_a_file_and_never_travels_unencrypted_off_the_machine() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("smtp-password");
        std::fs::write(&file, "s3cret\n").unwrap();
        let path = file.to_str().unwrap();
        let with = |extra: &[&str]| {
            let mut flags = COMPLETE.to_vec();
            flags.extend_from_slice(extra);
            args(&flags).settings()
        };

        let settings = with(&["--smtp-username", "signpost", "--smtp-password-file", path])
            .unwrap()
            .unwrap();
        let credentials = settings.smtp.credentials.as_ref().unwrap();
        assert_eq!(
            (credentials.username.as_str(), credentials.password.as_str()),
            ("signpost", "s3cret")
        );
        assert!(!format!("{:?}", settings.smtp).contains("s3cret"));

        assert_eq!(
            with(&["--smtp-username", "signpost"]).unwrap_err(),
            ConfigError::UsernameWithoutPassword
        );
        assert_eq!(
            with(&["--smtp-password-file", path]).unwrap_err(),
            ConfigError::PasswordWithoutUsername
        );
        let missing = dir.path().join("typo");
        assert!(matches!(
            with(&[
                "--smtp-username",
                "s",
                "--smtp-password-file",
                missing.to_str().unwrap()
            ])
            .unwrap_err(),
            ConfigError::PasswordFile { .. }
        ));

        let clear = [
            "--smtp-tls",
            "none",
            "--smtp-username",
            "s",
            "--smtp-password-file",
            path,
        ];
        assert_eq!(
            with(&clear).unwrap_err(),
            ConfigError::PasswordInClear {
                host: "smtp.nhs.scot".into()
            }
        );
        let mut local = COMPLETE.to_vec();
        local[9] = "127.0.0.1";
        local.extend_from_slice(&clear);
        let settings = args(&local).settings().unwrap().unwrap();
        assert_eq!((settings.smtp.tls, settings.smtp.port), (TlsMode::None, 25));
    }

    #[test]
    fn a_ca_file_must_hold_certificates_and_needs_tls() {
        let dir = tempfile::tempdir().unwrap();
        let with = |extra: &[&str]| {
            let mut flags = COMPLETE.to_vec();
            flags.extend_from_slice(extra);
            args(&flags).settings()
        };
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let empty = empty.to_str().unwrap();
        assert!(matches!(
            with(&["--smtp-ca-file", empty]).unwrap_err(),
            ConfigError::CaFile { .. }
        ));
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let message = with(&["--smtp-ca-file", broken.to_str().unwrap()])
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("--smtp-ca-file "), "{message}");
        assert!(matches!(
            with(&[
                "--smtp-ca-file",
                dir.path().join("typo.pem").to_str().unwrap()
            ])
            .unwrap_err(),
            ConfigError::CaFile { .. }
        ));
    }

    #[test]
    fn implicit_tls_defaults_to_465_and_a_port_can_be_given() {
        let mut flags = COMPLETE.to_vec();
        flags.extend(["--smtp-tls", "tls"]);
        assert_eq!(args(&flags).settings().unwrap().unwrap().smtp.port, 465);
        flags.extend(["--smtp-port", "2525"]);
        assert_eq!(args(&flags).settings().unwrap().unwrap().smtp.port, 2525);
    }
}
