//! A real SMTP server for the tests: `tests/smtp/sink.py` (aiosmtpd) on 127.0.0.1, started by
//! the test and killed when it is dropped. It writes each message it accepts to a folder before
//! answering "250", so once a client has its "OK" the message is there to read.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use tempfile::TempDir;

const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/sink.py");

/// The Python that has aiosmtpd: `SIGNPOST_TEST_PYTHON`, else the virtual environment
/// `scripts/setup.sh` makes in `.tools/smtp`, else `python3`.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("SIGNPOST_TEST_PYTHON") {
        return python.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/smtp/bin/python");
    if venv.exists() {
        venv
    } else {
        "python3".into()
    }
}

pub struct SmtpSink {
    child: Child,
    port: u16,
    out: TempDir,
}

impl SmtpSink {
    /// On a port of the system's choosing.
    pub fn start() -> SmtpSink {
        SmtpSink::start_on(0)
    }

    /// On `port` (0 for any), once it listens.
    pub fn start_on(port: u16) -> SmtpSink {
        SmtpSink::spawn(port, &[])
    }

    /// With TLS (`"starttls"`, required before MAIL, or `"implicit"`), presenting `identity`.
    pub fn start_tls(mode: &str, identity: &TestCertificate) -> SmtpSink {
        let cert = identity.cert.to_str().unwrap();
        let key = identity.key.to_str().unwrap();
        SmtpSink::spawn(0, &["--tls", mode, "--cert", cert, "--key", key])
    }

    fn spawn(port: u16, extra: &[&str]) -> SmtpSink {
        let out = tempfile::tempdir().expect("a temporary directory");
        let mut child = Command::new(python())
            .arg(SINK)
            .arg("--port")
            .arg(port.to_string())
            .arg("--out")
            .arg(out.path())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 starts (scripts/setup.sh installs aiosmtpd in .tools/smtp)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Ok(port) = line.trim().parse() else {
            let mut stderr = String::new();
            let _ = child.kill();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .ok();
            panic!(
                "the SMTP sink did not start (is aiosmtpd installed? run scripts/setup.sh):\n{stderr}"
            );
        };
        SmtpSink { child, port, out }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far, in the order received.
    pub fn received(&self) -> Vec<Received> {
        let mut summaries: Vec<PathBuf> = std::fs::read_dir(self.out.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        summaries.sort();
        summaries
            .into_iter()
            .map(|path| {
                let summary: Summary =
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                Received {
                    raw: std::fs::read(path.with_extension("eml")).unwrap(),
                    mail_from: summary.mail_from,
                    rcpt_tos: summary.rcpt_tos,
                    headers: summary.headers,
                    text: summary.text.unwrap_or_default().replace("\r\n", "\n"),
                }
            })
            .collect()
    }

    /// Waits (up to 10 s) until at least `count` messages have arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        eventually(|| {
            let received = self.received();
            (received.len() >= count).then_some(received)
        })
        .await
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A certificate authority of the test's own (as a health board may run) and a certificate it
/// signed for `localhost` and 127.0.0.1, made with `openssl` for one test. (A self-signed
/// server certificate would not do: webpki refuses a CA certificate used as the server's.)
pub struct TestCertificate {
    /// The authority's certificate, for `--smtp-ca-file`.
    pub ca: PathBuf,
    /// The server's certificate and key, for the sink.
    pub cert: PathBuf,
    pub key: PathBuf,
    _dir: TempDir,
}

impl TestCertificate {
    pub fn localhost() -> TestCertificate {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let extensions = path("server.ext");
        std::fs::write(
            &extensions,
            "subjectAltName = DNS:localhost, IP:127.0.0.1\n\
             basicConstraints = critical, CA:FALSE\n\
             extendedKeyUsage = serverAuth\n",
        )
        .unwrap();
        let openssl = |args: &[&str]| {
            let status = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .stderr(Stdio::null())
                .status()
                .expect("openssl runs (scripts/setup.sh installs it)");
            assert!(status.success(), "openssl {args:?}");
        };
        let ec_key = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let authority = [
            "req",
            "-x509",
            "-days",
            "1",
            "-subj",
            "/CN=Signpost test CA",
        ];
        openssl(
            &[
                &authority[..],
                &ec_key,
                &["-keyout", "ca.key", "-out", "ca.pem"],
            ]
            .concat(),
        );
        let request = ["req", "-subj", "/CN=localhost"];
        openssl(
            &[
                &request[..],
                &ec_key,
                &["-keyout", "key.pem", "-out", "server.csr"],
            ]
            .concat(),
        );
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "server.ext",
            "-out",
            "cert.pem",
        ]);
        TestCertificate {
            ca: path("ca.pem"),
            cert: path("cert.pem"),
            key: path("key.pem"),
            _dir: dir,
        }
    }
}

/// A port nothing listens on (as far as anyone can know: the system just handed it out).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `check` every 20 ms until it gives a value; fails the test after 10 s.
pub async fn eventually<T>(mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[derive(Deserialize)]
struct Summary {
    mail_from: String,
    rcpt_tos: Vec<String>,
    headers: Vec<(String, String)>,
    text: Option<String>,
}

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The bytes on the wire, headers and body.
    pub raw: Vec<u8>,
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    /// Decoded (RFC 2047 words and all).
    pub headers: Vec<(String, String)>,
    /// The plain-text body, decoded from its transfer encoding, with `\n` line ends.
    pub text: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
