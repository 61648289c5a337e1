//! HTTP tests through the real router, the OpenAPI snapshot, the message
//! catalogue's completeness, and the headless-Chromium walk.
mod access;
mod access_matrix;
mod api;
mod audit;
mod browser;
mod catalogue;
mod concurrency;
mod customers;
mod edges;
mod forms;
mod home;
mod messages;
mod money;
mod profile;
mod security;
mod sessions;
mod texts;
mod work_queue;
