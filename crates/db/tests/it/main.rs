//! Storage tests, on SQLite always and on PostgreSQL when configured.
mod migrations;
mod repositories;
