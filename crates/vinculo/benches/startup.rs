//! Cold start: from launching `vinculo serve` on an empty SQLite database
//! (migrations included) to the first successful `GET /health`, and the
//! size of the binary. Run with `cargo bench -p vinculo --bench startup`.
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn health_ok(address: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(address) else { return false };
    let request = format!("GET /health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

fn one_start(binary: &str, database: &str) -> Duration {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["--config", "/nonexistent.toml", "--database", database, "serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start vinculo");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("URL line");
    let address = line.trim().trim_start_matches("URL: http://").to_string();
    while !health_ok(&address) {
        std::thread::sleep(Duration::from_micros(200));
    }
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    elapsed
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let binary = env!("CARGO_BIN_EXE_vinculo");
    let dir = tempfile::tempdir().expect("temporary directory");
    // Baseline in the same run: starting a process that does nothing.
    let baseline: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            Command::new("true").status().expect("true");
            started.elapsed()
        })
        .collect();
    let cold: Vec<Duration> = (0..RUNS)
        .map(|run| one_start(binary, &format!("sqlite://{}/cold-{run}.db", dir.path().display())))
        .collect();
    let warm_db = format!("sqlite://{}/warm.db", dir.path().display());
    one_start(binary, &warm_db);
    let warm: Vec<Duration> = (0..RUNS).map(|_| one_start(binary, &warm_db)).collect();
    let size = std::fs::metadata(binary).expect("binary").len();
    let base = median(baseline);
    println!("process spawn baseline (median of {RUNS}): {:.2} ms", base.as_secs_f64() * 1e3);
    println!(
        "cold start, new database, to /health 200 (median of {RUNS}): {:.1} ms",
        median(cold.clone()).as_secs_f64() * 1e3
    );
    println!(
        "start, existing database, to /health 200 (median of {RUNS}): {:.1} ms",
        median(warm).as_secs_f64() * 1e3
    );
    println!("cold start max: {:.1} ms", cold.iter().max().copied().unwrap_or_default().as_secs_f64() * 1e3);
    println!("binary: {binary} — {:.1} MiB", size as f64 / 1024.0 / 1024.0);
}
