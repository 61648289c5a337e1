//! Headless Chromium driven through Debian's chromedriver (fantoccini).
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct Browser {
    pub client: Client,
    driver: Child,
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| names.iter().map(move |n| dir.join(n))).find(|p| p.is_file())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session; `None` (with a
    /// note) when they are not installed.
    pub async fn start() -> Option<Browser> {
        let Some(driver_path) =
            std::env::var_os("CHROMEDRIVER").map(PathBuf::from).or_else(|| find_program(&["chromedriver"]))
        else {
            crate::skip_note(
                "browser",
                "chromedriver is not installed (apt-get install chromium chromium-driver)",
            );
            return None;
        };
        let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"]);
        let port = {
            let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            socket.local_addr().expect("port").port()
        };
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let mut args = vec![
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,800",
            "--lang=pt-BR",
        ];
        let user_data = tempfile::tempdir().expect("profile directory").keep();
        let user_data_arg = format!("--user-data-dir={}", user_data.display());
        args.push(&user_data_arg);
        // Our users' browsers ask for Brazilian Portuguese first.
        let mut chrome_options =
            serde_json::json!({ "args": args, "prefs": { "intl.accept_languages": "pt-BR,pt" } });
        if let Some(binary) = chromium {
            chrome_options["binary"] = serde_json::json!(binary.display().to_string());
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), chrome_options);
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Some(Browser { client, driver }),
                Err(error) => {
                    last_error = Some(error);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("cannot start a Chromium session: {last_error:?}");
    }

    /// Saves a screenshot under `test-artifacts/` at the workspace root.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        std::fs::create_dir_all(&dir).expect("artifacts directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    pub async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
    }
}
