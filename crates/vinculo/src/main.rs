//! `vinculo`: the one binary. Reads the configuration, wires the layers
//! together and runs the subcommand.
#![forbid(unsafe_code)]

mod config;

use anyhow::{Context, Result};
use app::setup::DemoOutcome;
use app::users::NewUserInput;
use app::{App, AppError};
use clap::{Parser, Subcommand};
use config::{Config, Flags};
use db::Db;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "vinculo", version, about = "Vínculo — CRM for Brazil and Portugal")]
struct Cli {
    /// Configuration file (TOML); missing is fine.
    #[arg(long, global = true, default_value = "vinculo.toml")]
    config: PathBuf,
    /// Database URL: sqlite://vinculo.db (default) or postgres://user:pass@host/db
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Create the demo organisation and its administrator when missing.
        #[arg(long)]
        demo: bool,
        /// Leave background jobs (sending e-mail, …) to separate `vinculo worker` processes.
        #[arg(long)]
        no_worker: bool,
    },
    /// Run background jobs only (sending e-mail, …), beside servers started with --no-worker.
    Worker,
    /// Bring the database schema up to date (a SQLite file is first copied to backups/).
    Migrate,
    /// Copy the SQLite database to FILE while the server runs (PostgreSQL: use pg_dump).
    Backup {
        /// Where to write the copy; must not exist yet.
        file: PathBuf,
    },
    /// Put a copy made by `vinculo backup` in place of the SQLite database (the server must be stopped).
    Restore {
        /// The copy to put back.
        file: PathBuf,
    },
    /// Load realistic, deterministic demo customers into the Demo organisation.
    Demo {
        /// How many parties to add.
        #[arg(long, default_value_t = 3_000)]
        customers: u64,
        /// How many purchases to spread over the customers who have none
        /// yet (0: only the first few customers get a purchase history).
        #[arg(long, default_value_t = 0)]
        purchases: u64,
        /// The same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// Manage users and their API tokens.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user (and the organisation, if it does not exist yet).
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin or member
        #[arg(long, default_value = "member")]
        role: String,
        /// Initial password; a random one is generated and printed when omitted.
        #[arg(long, env = "VINCULO_NEW_PASSWORD")]
        password: Option<String>,
    },
    /// Create an API token for a user and print it.
    Token {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Set a new random password for a user and print it.
    Password {
        #[arg(long)]
        email: String,
    },
}

/// glibc's malloc and free were a fifth of the server's samples during
/// searches (docs/benchmarks.md); mimalloc keeps small allocations per
/// thread.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let listen = match &cli.command {
        Command::Serve { listen, .. } => *listen,
        _ => None,
    };
    let config = Config::load(&cli.config, Flags { database: cli.database.clone(), listen })?;

    match cli.command {
        Command::Openapi => {
            println!("{}", web::api::openapi_document());
            Ok(())
        }
        Command::Migrate => {
            let db = open(&config).await?;
            db.close().await;
            Ok(())
        }
        Command::Serve { demo, no_worker, .. } => serve(config, demo, !no_worker).await,
        Command::Worker => {
            let app = Arc::new(App::new(open(&config).await?, config.settings()));
            println!("Worker running; stop it with Ctrl+C.");
            tokio::select! {
                _ = app::worker::run(app.clone()) => {}
                _ = app::jobs::run(app.clone()) => {}
                _ = shutdown_signal() => {}
            }
            app.db.close().await;
            Ok(())
        }
        Command::Backup { file } => {
            if db::backup::sqlite_file(&config.database).is_none() {
                return Err(db::backup::BackupError::Postgres.into());
            }
            let db = connect(&config).await?;
            let result = db::backup::copy_to(&db, &file).await;
            db.close().await;
            let bytes = result?;
            println!("Copied the database to {} ({:.1} MB).", file.display(), bytes as f64 / 1e6);
            Ok(())
        }
        Command::Restore { file } => {
            let target = db::backup::sqlite_file(&config.database)
                .context("restore puts back SQLite copies; for PostgreSQL use pg_restore")?;
            let saved = db::backup::restore(&file, &target, db::migrate::newest_known(), chrono::Utc::now())?;
            println!("Restored {} from {}.", target.display(), file.display());
            if let Some(saved) = saved {
                println!("What it held before is kept in {}.", saved.display());
            }
            Ok(())
        }
        Command::Demo { customers, purchases, seed } => {
            let app = App::new(open(&config).await?, config.settings());
            let result = demo_command(&app, customers, purchases, seed).await;
            app.db.close().await;
            result
        }
        Command::User { command } => {
            let app = App::new(open(&config).await?, config.settings());
            let result = user_command(&app, command).await;
            app.db.close().await;
            result
        }
    }
}

/// The database as configured, not yet migrated.
async fn connect(config: &Config) -> Result<Db> {
    Db::connect(&config.database)
        .await
        .with_context(|| format!("cannot open the database {}", config.redacted_database()))
}

/// The database, migrated (a SQLite file copied to `backups/` first).
async fn open(config: &Config) -> Result<Db> {
    let db = connect(config).await?;
    let current = db::migrate::current_version(&db).await.context("cannot read the schema version")?;
    if current < db::migrate::newest_known() {
        if let Some(copy) = db::backup::before_migration(&db, current, chrono::Utc::now()).await? {
            tracing::info!(copy = %copy.display(), "copied the database before migrating it");
        }
    }
    let applied = db::migrate::run(&db).await.context("cannot migrate the database")?;
    if !applied.is_empty() {
        tracing::info!(?applied, "migrations applied");
    }
    Ok(db)
}

async fn serve(config: Config, demo: bool, with_worker: bool) -> Result<()> {
    let db = open(&config).await?;
    let app = Arc::new(App::new(db, config.settings()));
    app.access().ensure_access_defaults().await.map_err(explain)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let address = listener.local_addr()?;
    let url = config.public_url.clone().unwrap_or_else(|| format!("http://{address}"));

    if demo {
        match app.setup().ensure_demo().await.map_err(explain)? {
            DemoOutcome::Created { email, password } => {
                if let Some(org) = app.demo().demo_organisation().await.map_err(explain)? {
                    let load =
                        app.demo().load_demo_parties(org, SERVE_DEMO_CUSTOMERS, 1).await.map_err(explain)?;
                    tracing::info!(created = load.created, seconds = load.seconds, "demo customers loaded");
                }
                println!("URL: {url}");
                println!("Login: {email}");
                println!("Password: {password}");
            }
            DemoOutcome::Reused { email } => {
                println!("Demo data already present: reusing it, nothing was changed.");
                println!("URL: {url}");
                println!("Login: {email}");
                println!("Password: unchanged (forgot it? vinculo user password --email {email})");
            }
        }
    } else {
        println!("URL: {url}");
    }

    tokio::spawn(app::worker::run(app.clone()));
    if with_worker {
        tokio::spawn(app::jobs::run(app.clone()));
    }
    let state = web::AppState {
        app: app.clone(),
        secure_cookies: url.starts_with("https://"),
        public_url: config.public_url.clone(),
    };
    let router = web::router(state);
    axum_serve(listener, router).await?;
    app.db.close().await;
    Ok(())
}

/// `serve --demo` loads a few thousand customers: enough to feel real,
/// quick enough for a first start.
const SERVE_DEMO_CUSTOMERS: u64 = 3_000;

async fn demo_command(app: &App, customers: u64, purchases: u64, seed: u64) -> Result<()> {
    if let DemoOutcome::Created { email, password } = app.setup().ensure_demo().await.map_err(explain)? {
        println!("Created the Demo organisation. Login: {email}  Password: {password}");
    }
    let org =
        app.demo().demo_organisation().await.map_err(explain)?.context("the Demo organisation is missing")?;
    let load = app.demo().load_demo(org, customers, purchases, seed).await.map_err(explain)?;
    println!("Loaded {} customers and {} purchases in {:.1} s", load.created, load.purchases, load.seconds);
    Ok(())
}

async fn axum_serve(listener: tokio::net::TcpListener, router: axum::Router) -> Result<()> {
    web::server::serve(listener, router, shutdown_signal()).await.context("server failed")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn user_command(app: &App, command: UserCommand) -> Result<()> {
    match command {
        UserCommand::Create { org, email, name, role, password } => {
            let generated = password.is_none();
            let password = password.unwrap_or_else(app::random_password);
            let user = app
                .setup()
                .operator_create_user(
                    &org,
                    NewUserInput {
                        email,
                        display_name: name,
                        password: password.clone(),
                        role,
                        locale: None,
                        ..Default::default()
                    },
                )
                .await
                .map_err(explain)?;
            println!("Created {} <{}> in {org}", user.display_name, user.email);
            if generated {
                println!("Password: {password}");
            }
        }
        UserCommand::Token { email, name } => {
            let token = app.setup().operator_create_token(&email, &name).await.map_err(explain)?;
            println!("{}", token.secret);
        }
        UserCommand::Password { email } => {
            let password = app.setup().operator_reset_password(&email).await.map_err(explain)?;
            println!("Password: {password}");
        }
    }
    Ok(())
}

/// Turns a use-case error into a sentence for the terminal.
fn explain(error: AppError) -> anyhow::Error {
    match error {
        AppError::Validation(errors) => {
            let t = web::i18n::tr(domain::Locale::En);
            let lines: Vec<String> =
                errors.0.iter().map(|e| format!("{}: {}", e.field, t.get(e.message))).collect();
            anyhow::anyhow!(lines.join("\n"))
        }
        AppError::NotFound => anyhow::anyhow!("no such user"),
        other => anyhow::anyhow!(other),
    }
}
