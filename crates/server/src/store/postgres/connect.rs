//! How the service reaches its PostgreSQL database: the `--db` URL, read as libpq reads one, and
//! TLS when it asks for it.
//!
//! The URL's `sslmode` decides, with libpq's names:
//! - `disable`, `allow`, `prefer` or none: a plain connection (keep the database on a private
//!   network). Not `prefer`'s "TLS if offered": an offered certificate that cannot be verified
//!   (Debian's default cluster offers a self-signed one) would then fail where plain works.
//! - `require`, `verify-ca` or `verify-full`: TLS or nothing, and always verified as
//!   `verify-full` is (the certificate chains to a trusted root and names the host), whichever
//!   of the three is written: a connection that anyone in the middle could answer is not worth
//!   its encryption.
//!
//! The trusted roots are the system's, and the certificates in the PEM file `sslrootcert` names
//! (a health board's own CA). tokio-postgres knows neither `sslrootcert` nor the `verify-*`
//! modes, so they are taken out of the URL here before it reads the rest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;
use tokio_postgres::config::SslMode;
use tokio_postgres::Config;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::OpenError;

/// A database to connect to: tokio-postgres's configuration, and whether (and trusting what) TLS
/// is used.
#[derive(Clone)]
pub struct Target {
    pub config: Config,
    pub tls: Tls,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    Off,
    /// Required and verified, against the system's roots and the file's, if one is given.
    Verified {
        root_certificates: Option<PathBuf>,
    },
}

impl Target {
    /// Reads a `postgres://` URL with libpq's `sslmode` and `sslrootcert`.
    pub fn parse(url: &str) -> Result<Target, OpenError> {
        let invalid = |message: String| OpenError::Engine(message.into());
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut mode = None;
        let mut root_certificates = None;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            match pair.split_once('=') {
                Some(("sslmode", value)) => mode = Some(value.to_owned()),
                Some(("sslrootcert", value)) => root_certificates = Some(PathBuf::from(value)),
                _ => rest.push(pair),
            }
        }
        let tls = match mode.as_deref() {
            None | Some("disable" | "allow" | "prefer") if root_certificates.is_some() => {
                return Err(invalid(
                    "sslrootcert is given but sslmode does not ask for TLS: add sslmode=verify-full"
                        .into(),
                ))
            }
            None | Some("disable" | "allow" | "prefer") => Tls::Off,
            Some("require" | "verify-ca" | "verify-full") => Tls::Verified { root_certificates },
            Some(other) => {
                return Err(invalid(format!(
                    "sslmode={other} is not one of disable, prefer, require, verify-ca, verify-full"
                )))
            }
        };
        let url = if rest.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        let mut config: Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| OpenError::Engine(Box::new(e)))?;
        config.ssl_mode(match tls {
            Tls::Off => SslMode::Disable,
            Tls::Verified { .. } => SslMode::Require,
        });
        Ok(Target { config, tls })
    }

    /// The TLS connector for [`Target::config`]; with TLS off it is never used, since the
    /// configuration then says `disable`.
    pub fn connector(&self) -> Result<MakeRustlsConnect, OpenError> {
        let mut roots = RootCertStore::empty();
        if let Tls::Verified { root_certificates } = &self.tls {
            // The system's roots; one it cannot read is skipped, as every client does.
            let system = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(system.certs);
            if let Some(file) = root_certificates {
                for certificate in read_certificates(file)? {
                    roots.add(certificate).map_err(|e| {
                        OpenError::Engine(format!("{}: {e}", file.display()).into())
                    })?;
                }
            }
            if roots.is_empty() {
                return Err(OpenError::Engine(
                    "TLS to PostgreSQL needs a trusted root: none in the system's store; \
                     name your CA's certificate with sslrootcert=FILE"
                        .into(),
                ));
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| OpenError::Engine(Box::new(e)))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }

    /// What libpq's tools (`pg_dump`) need in their environment to connect the same way.
    pub fn libpq_environment(&self) -> Vec<(&'static str, String)> {
        match &self.tls {
            Tls::Off => vec![("PGSSLMODE", "disable".into())],
            Tls::Verified { root_certificates } => {
                let roots = root_certificates
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(SYSTEM_BUNDLE));
                vec![
                    ("PGSSLMODE", "verify-full".into()),
                    ("PGSSLROOTCERT", roots.display().to_string()),
                ]
            }
        }
    }
}

/// Debian's bundle of the system's roots (package `ca-certificates`), for libpq, which reads a
/// file rather than the system's store.
const SYSTEM_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

fn read_certificates(file: &Path) -> Result<Vec<CertificateDer<'static>>, OpenError> {
    let unreadable = |e: &dyn std::fmt::Display| {
        OpenError::Engine(format!("sslrootcert {}: {e}", file.display()).into())
    };
    let certificates: Vec<_> = CertificateDer::pem_file_iter(file)
        .map_err(|e| unreadable(&e))?
        .collect::<Result<_, _>>()
        .map_err(|e| unreadable(&e))?;
    if certificates.is_empty() {
        return Err(unreadable(&"no PEM certificate in it"));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sslmode_is_a_plain_connection() {
        let target = Target::parse("postgres://signpost@db.internal/signpost").unwrap();
        assert_eq!(target.tls, Tls::Off);
        assert_eq!(target.config.get_ssl_mode(), SslMode::Disable);
        assert_eq!(target.config.get_dbname(), Some("signpost"));
    }

    #[test]
    fn every_mode_that_asks_for_tls_is_verified() {
        for mode in ["require", "verify-ca", "verify-full"] {
            let url = format!(
                "postgres://signpost@db/signpost?sslmode={mode}&sslrootcert=/etc/ca.pem&connect_timeout=5"
            );
            let target = Target::parse(&url).unwrap();
            assert_eq!(
                target.tls,
                Tls::Verified {
                    root_certificates: Some("/etc/ca.pem".into())
                }
            );
            assert_eq!(target.config.get_ssl_mode(), SslMode::Require);
            // What tokio-postgres knows is still read.
            assert_eq!(
                target.config.get_connect_timeout(),
                Some(&std::time::Duration::from_secs(5))
            );
        }
    }

    #[test]
    fn an_unknown_mode_or_a_root_without_tls_is_refused_with_the_reason() {
        let Err(OpenError::Engine(error)) = Target::parse("postgres://db/s?sslmode=always") else {
            panic!("accepted");
        };
        assert!(error.to_string().contains("sslmode=always"), "{error}");
        let Err(OpenError::Engine(error)) = Target::parse("postgres://db/s?sslrootcert=/ca.pem")
        else {
            panic!("accepted");
        };
        assert!(error.to_string().contains("verify-full"), "{error}");
    }

    #[test]
    fn pg_dump_is_told_the_same() {
        let plain = Target::parse("postgres://db/s").unwrap();
        assert_eq!(
            plain.libpq_environment(),
            vec![("PGSSLMODE", "disable".to_owned())]
        );
        let tls = Target::parse("postgres://db/s?sslmode=require&sslrootcert=/ca.pem").unwrap();
        assert_eq!(
            tls.libpq_environment(),
            vec![
                ("PGSSLMODE", "verify-full".to_owned()),
                ("PGSSLROOTCERT", "/ca.pem".to_owned())
            ]
        );
    }

    #[test]
    fn a_root_file_that_holds_no_certificate_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ca.pem");
        std::fs::write(&file, "not a certificate").unwrap();
        let url = format!(
            "postgres://db/s?sslmode=verify-full&sslrootcert={}",
            file.display()
        );
        let Err(OpenError::Engine(error)) = Target::parse(&url).unwrap().connector() else {
            panic!("accepted");
        };
        assert!(error.to_string().contains("ca.pem"), "{error}");
    }
}

#[cfg(test)]
mod tls_tests;
