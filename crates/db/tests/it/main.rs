//! Storage tests, on SQLite always and on PostgreSQL when configured.
mod backup;
mod bulk;
mod migrations;
mod references;
mod repositories;
mod wal;
