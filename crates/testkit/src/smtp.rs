//! A real SMTP server for the tests: Python's `aiosmtpd` (installed by
//! `scripts/test` into `target/smtp-venv`), listening on 127.0.0.1, one
//! JSON file per accepted message.
use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const PYTHON_VAR: &str = "VINCULO_TEST_SMTP_PYTHON";

pub struct SmtpReceiver {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

/// A message as the server took it, decoded by Python's e-mail package.
#[derive(Clone, Debug, Deserialize)]
pub struct ReceivedMail {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub from: String,
    pub reply_to: String,
    /// The text part (or the only part).
    pub text: String,
    /// The HTML part, when there is one.
    pub html: String,
    pub attachments: Vec<ReceivedAttachment>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ReceivedAttachment {
    pub name: Option<String>,
    pub content_type: String,
    pub size: usize,
    /// Of the decoded content, as Python's hashlib computes it.
    pub sha256: String,
    /// The decoded content, base64.
    pub content_base64: String,
}

fn python() -> PathBuf {
    std::env::var_os(PYTHON_VAR).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/smtp-venv/bin/python")
    })
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/smtp/receiver.py")
}

impl SmtpReceiver {
    /// Starts a server on a free port; `None` (a note, or a failure under
    /// `scripts/test`) when aiosmtpd is not installed.
    pub fn start() -> Option<SmtpReceiver> {
        let python = python();
        if !python.exists() {
            crate::skip_note(
                "SMTP",
                &format!("{} is missing (scripts/test installs aiosmtpd)", python.display()),
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("mailbox directory");
        let mut child = Command::new(&python)
            .arg(script())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP receiver");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("receiver's stdout"))
            .read_line(&mut line)
            .expect("read the receiver's port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("receiver printed {line:?}, not a port"));
        Some(SmtpReceiver { port, child, dir })
    }

    /// Every message accepted so far, in the order it arrived.
    pub fn received(&self) -> Vec<ReceivedMail> {
        crate::drop_box::read_all(self.dir.path())
    }

    /// Waits until at least `count` messages arrived (or `timeout` passed)
    /// and returns what arrived.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        crate::drop_box::wait_for(self.dir.path(), count, timeout).await
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
