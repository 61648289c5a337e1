//! Use-case tests against real databases.
mod access;
mod agenda;
mod auth;
mod contracts;
mod daily;
mod dashboard;
mod engine;
mod follow_up;
mod gateway;
mod list_views;
mod messaging;
mod parties;
mod pipeline;
mod quotes;
mod sales;
mod users;
mod webhooks;
mod work_queue;

use app::users::NewUserInput;
use app::{Actor, App, Clock, Settings};
use testkit::TestDb;

pub const PASSWORD: &str = "senha-de-teste-1";

/// An App over the test database with an administrator signed in.
pub async fn app_with_admin(t: &TestDb, settings: Settings) -> (App, Actor) {
    app_with_admin_on(t, settings, Clock::system()).await
}

/// The same, with the use cases reading the time from `clock`.
pub async fn app_with_admin_on(t: &TestDb, settings: Settings, clock: Clock) -> (App, Actor) {
    let app = App::with_clock(t.db.clone(), settings, clock);
    app.setup()
        .operator_create_user("Loja Centro", new_user("admin@loja.test", "admin"))
        .await
        .expect("admin");
    let actor = app
        .auth()
        .login(app::auth::LoginInput {
            email: "admin@loja.test",
            password: PASSWORD,
            ip: None,
            user_agent: None,
        })
        .await
        .expect("login")
        .actor;
    (app, actor)
}

/// An App over the test database with the demo organisation, and its
/// administrator signed in with the password the demo printed.
pub async fn app_with_demo(t: &TestDb) -> (App, Actor) {
    let app = App::new(t.db.clone(), Settings::default());
    let app::setup::DemoOutcome::Created { email, password } = app.setup().ensure_demo().await.expect("demo")
    else {
        panic!("expected creation")
    };
    let login = app::auth::LoginInput { email: &email, password: &password, ip: None, user_agent: None };
    let admin = app.auth().login(login).await.expect("login").actor;
    (app, admin)
}

pub fn new_user(email: &str, role: &str) -> NewUserInput {
    NewUserInput {
        email: email.into(),
        display_name: "Maria da Silva".into(),
        password: PASSWORD.into(),
        role: role.into(),
        locale: None,
        ..Default::default()
    }
}

/// Runs the jobs due until none is left; how many ran.
pub async fn run_jobs(app: &App) -> usize {
    let mut ran = 0;
    loop {
        match app.worker().run_due_jobs().await.expect("run jobs") {
            0 => return ran,
            n => ran += n,
        }
    }
}

/// The one message of the party's outbox.
pub async fn only_message(app: &App, admin: &Actor, party: domain::PartyId) -> app::messaging::MessageView {
    let query = app::messaging::OutboxQuery { party: Some(party), ..Default::default() };
    let mut messages = app.messages().outbox(admin, &query).await.expect("outbox");
    assert_eq!(messages.len(), 1, "{messages:?}");
    messages.remove(0)
}
