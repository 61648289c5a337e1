//! Addresses that leave the browser: calendar programs subscribe to them.
use axum::http::{HeaderMap, header};

/// The address calendar programs subscribe to: under the configured
/// public address, else on the host the user came by.
pub fn feed_url(public_url: Option<&str>, headers: &HeaderMap, secret: &str) -> String {
    let base = match public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
            let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).unwrap_or("http");
            format!("{scheme}://{host}")
        }
    };
    format!("{base}/calendar/{secret}.ics")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_addresses_prefer_the_public_url() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, axum::http::HeaderValue::from_static("10.0.0.5:8080"));
        assert_eq!(feed_url(None, &headers, "s3"), "http://10.0.0.5:8080/calendar/s3.ics");
        assert_eq!(
            feed_url(Some("https://crm.loja.com.br/"), &headers, "s3"),
            "https://crm.loja.com.br/calendar/s3.ics"
        );
    }
}
