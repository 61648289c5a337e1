//! Storage tests, on SQLite always and on PostgreSQL when configured.
mod bulk;
mod migrations;
mod repositories;
