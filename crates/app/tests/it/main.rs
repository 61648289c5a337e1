//! Use-case tests against real databases.
mod access;
mod agenda;
mod auth;
mod parties;
mod users;

use app::users::NewUserInput;
use app::{Actor, App, Settings};
use testkit::TestDb;

pub const PASSWORD: &str = "senha-de-teste-1";

/// An App over the test database with an administrator signed in.
pub async fn app_with_admin(t: &TestDb, settings: Settings) -> (App, Actor) {
    let app = App::new(t.db.clone(), settings);
    app.operator_create_user("Loja Centro", new_user("admin@loja.test", "admin")).await.expect("admin");
    let actor = app
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
