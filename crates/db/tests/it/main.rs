//! Storage tests, on SQLite always and on PostgreSQL when configured.
mod backup;
mod bulk;
mod migrations;
mod repositories;
mod wal;
