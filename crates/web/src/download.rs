//! A file the browser saves under its name (a quote's PDF, a spreadsheet,
//! a contract): the one way to answer with one.
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub fn file(content_type: &'static str, file_name: &str, content: Vec<u8>) -> Response {
    file_of_type(content_type, file_name, content)
}

/// The same, with a content type read from storage.
pub fn file_of_type(content_type: &str, file_name: &str, content: Vec<u8>) -> Response {
    let mut response = content.into_response();
    let headers = response.headers_mut();
    let kind =
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, kind);
    // RFC 6266: an ASCII fallback name, and the name as written (UTF-8).
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
            .unwrap_or(HeaderValue::from_static("attachment"));
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    response
}
