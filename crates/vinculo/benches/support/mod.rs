//! What the database benches share: a fresh database, its administrator
//! and percentiles, and the server's allocator.

/// The use cases run in the bench's own process: they allocate as they do
/// in the server (`src/main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The sample at `p` (0.5 the median, 0.99 the p99), in the samples' unit.
pub fn percentile(samples: &mut [f64], p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

/// A migrated database of the bench's own: the PostgreSQL database in
/// `VINCULO_BENCH_DATABASE` in an emptied schema named `schema`, else SQLite
/// in a temporary folder (kept alive by the returned guard).
pub async fn database(schema: &str) -> (db::Db, Option<tempfile::TempDir>) {
    if let Ok(url) = std::env::var("VINCULO_BENCH_DATABASE") {
        let admin = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&admin).await.expect("drop");
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("schema");
        let separator = if url.contains('?') { '&' } else { '?' };
        let db = db::Db::connect(&format!("{url}{separator}options[search_path]={schema},public"))
            .await
            .expect("open");
        db::migrate::run(&db).await.expect("migrate");
        return (db, None);
    }
    let dir = tempfile::tempdir().expect("folder");
    let db = db::Db::connect(&format!("sqlite://{}", dir.path().join(format!("{schema}.db")).display()))
        .await
        .expect("open");
    db::migrate::run(&db).await.expect("migrate");
    (db, Some(dir))
}

/// The bench's administrator in an organisation, signed in: the actor the
/// bench's use cases run as (the organisation is created by name when
/// missing; the user is already there on a second run over one database).
pub async fn admin_of(app: &app::App, organisation: &str) -> app::Actor {
    let admin_input = app::users::NewUserInput {
        email: "bench@loja.test".into(),
        display_name: "Bench".into(),
        password: "senha-do-benchmark".into(),
        role: "admin".into(),
        ..Default::default()
    };
    if let Err(error) = app.setup().operator_create_user(organisation, admin_input).await {
        assert!(matches!(error, app::AppError::Taken(_)), "admin: {error:?}");
    }
    let login = app::auth::LoginInput {
        email: "bench@loja.test",
        password: "senha-do-benchmark",
        ip: None,
        user_agent: None,
    };
    app.auth().login(login).await.expect("login").actor
}
