//! A file the browser saves under its name (a quote's PDF, a spreadsheet):
//! the one way to answer with one.
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub fn file(content_type: &'static str, file_name: &str, content: Vec<u8>) -> Response {
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A name is ours (ASCII, no quotes); one that is not falls back to the browser's.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    response
}
