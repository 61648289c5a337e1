//! Use-case tests against real databases.
mod access;
mod agenda;
mod auth;
mod parties;
mod users;

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

pub fn new_user(email: &str, role: &str) -> NewUserInput {
    NewUserInput {
        email: email.into(),
        display_name: "Maria da Silva".into(),
        password: PASSWORD.into(),
        role: role.into(),
        locale: None,
    }
}
