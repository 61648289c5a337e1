//! What the test receivers (SMTP, HTTP) write: one JSON file per thing
//! received, renamed into place whole, numbered in arrival order.
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the receiver's directory")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Everything received so far, in order.
pub(crate) fn read_all<T: DeserializeOwned>(dir: &Path) -> Vec<T> {
    files(dir)
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("read a received file");
            serde_json::from_str(&text).expect("a file the receiver wrote")
        })
        .collect()
}

/// Waits until at least `count` arrived (or `timeout` passed); what arrived.
pub(crate) async fn wait_for<T: DeserializeOwned>(dir: &Path, count: usize, timeout: Duration) -> Vec<T> {
    let started = Instant::now();
    loop {
        let received = read_all(dir);
        if received.len() >= count || started.elapsed() > timeout {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
