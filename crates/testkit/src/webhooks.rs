//! A real HTTP receiver for the webhook tests (Python's http.server on
//! 127.0.0.1, `tests/webhooks/receiver.py`), and an independent check of
//! a request's signature (`tests/webhooks/verify.py`, Python's hmac).
use serde::Deserialize;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct HttpReceiver {
    pub port: u16,
    child: Child,
    dir: tempfile::TempDir,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ReceivedRequest {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/webhooks").join(name)
}

impl HttpReceiver {
    pub fn start() -> HttpReceiver {
        let dir = tempfile::tempdir().expect("request directory");
        let mut child = Command::new("python3")
            .arg(script("receiver.py"))
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the HTTP receiver (python3)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the receiver's port");
        let port = line.trim().parse().unwrap_or_else(|_| panic!("receiver printed {line:?}, not a port"));
        HttpReceiver { port, child, dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// From now on the receiver answers with this status.
    pub fn answer_with(&self, status: u16) {
        std::fs::write(self.dir.path().join("ANSWER"), status.to_string()).expect("write ANSWER");
    }

    pub fn received(&self) -> Vec<ReceivedRequest> {
        crate::drop_box::read_all(self.dir.path())
    }

    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedRequest> {
        crate::drop_box::wait_for(self.dir.path(), count, timeout).await
    }

    /// Whether request number `index` carries a valid signature for
    /// `secret`, checked by Python's hmac; `tamper` changes its body first.
    pub fn signature_verifies(&self, index: usize, secret: &str, tamper: bool) -> bool {
        let path = &crate::drop_box::files(self.dir.path())[index];
        let checked = if tamper {
            let mut request: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
            let body = request["body"].as_str().unwrap_or_default().replacen('"', "'", 1);
            request["body"] = body.into();
            let copy = self.dir.path().join("tampered.json.copy");
            std::fs::write(&copy, request.to_string()).expect("write");
            copy
        } else {
            path.clone()
        };
        verify(secret, &checked)
    }
}

fn verify(secret: &str, request: &Path) -> bool {
    Command::new("python3")
        .arg(script("verify.py"))
        .arg(secret)
        .arg(request)
        .status()
        .expect("run verify.py")
        .success()
}

impl Drop for HttpReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
