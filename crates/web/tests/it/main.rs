//! HTTP tests through the real router, the OpenAPI snapshot, the message
//! catalogue's completeness, and the headless-Chromium walk.
mod access;
mod access_matrix;
mod api;
mod audit;
mod browser;
mod catalogue;
mod concurrency;
mod contracts;
mod customers;
mod discounts;
mod edges;
mod engine;
mod follow_up;
mod forms;
mod home;
mod messages;
mod money;
mod pipeline;
mod profile;
mod quote_documents;
mod quotes;
mod sales;
mod security;
mod sessions;
mod texts;
mod work_queue;

/// Where a redirect points.
pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string()
}
