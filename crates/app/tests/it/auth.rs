use crate::{PASSWORD, app_with_admin, app_with_admin_on, new_user};
use app::auth::LoginInput;
use app::{AppError, Clock, Settings};
use testkit::{TestDb, db_test};

fn login_input<'a>(email: &'a str, password: &'a str) -> LoginInput<'a> {
    LoginInput { email, password, ip: Some("10.0.0.7"), user_agent: Some("test") }
}

async fn wrong_password_is_refused_and_audited(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let result = app.auth().login(login_input("admin@loja.test", "nao-e-esta")).await;
    assert!(matches!(result, Err(AppError::InvalidCredentials)));
    let unknown = app.auth().login(login_input("ninguem@loja.test", "qualquer-uma")).await;
    assert!(matches!(unknown, Err(AppError::InvalidCredentials)));
    let page = app.audit().audit_log(&admin, None, None).await.expect("audit");
    let actions: Vec<&str> = page.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"login_failed"), "{actions:?}");
    assert!(actions.contains(&"login"), "{actions:?}");
    let failed = db::repo::audit::list_by_action(&app.db, "login_failed", 10).await.expect("list");
    assert!(failed.iter().any(|row| row.actor_label == "ninguem@loja.test"));
    assert!(failed.iter().all(|row| row.ip.as_deref() == Some("10.0.0.7")));
}
db_test!(wrong_password_is_refused_and_audited);

fn login_from<'a>(email: &'a str, password: &'a str, ip: &'a str) -> LoginInput<'a> {
    LoginInput { email, password, ip: Some(ip), user_agent: Some("test") }
}

async fn guessing_slows_down_but_the_owner_still_gets_in(t: TestDb) {
    let clock = Clock::fixed(chrono::Utc::now());
    let (app, _) = app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    for attempt in 1..=5 {
        let result = app.auth().login(login_input("admin@loja.test", "errada-errada")).await;
        assert!(matches!(result, Err(AppError::InvalidCredentials)), "attempt {attempt}");
    }
    let result = app.auth().login(login_input("admin@loja.test", "errada-errada")).await;
    assert!(matches!(result, Err(AppError::RateLimited { retry_after_secs: 1 })), "got {:?}", result.err());
    // From the guessing address even the right password waits its turn…
    let result = app.auth().login(login_input("admin@loja.test", PASSWORD)).await;
    assert!(matches!(result, Err(AppError::RateLimited { .. })), "got {:?}", result.err());
    // …and gets in once the delay has passed: slowed down, never locked out.
    clock.advance(chrono::Duration::seconds(1));
    assert!(app.auth().login(login_input("admin@loja.test", PASSWORD)).await.is_ok());
}
db_test!(guessing_slows_down_but_the_owner_still_gets_in);

async fn parallel_guesses_are_counted_when_they_start(t: TestDb) {
    let (app, _) = app_with_admin(&t, Settings::default()).await;
    let auth = app.auth();
    let guesses = (0..100).map(|_| auth.login(login_from("admin@loja.test", "errada-errada", "6.6.6.6")));
    let results = futures_util::future::join_all(guesses).await;
    let verified = results.iter().filter(|r| matches!(r, Err(AppError::InvalidCredentials))).count();
    let throttled = results.iter().filter(|r| matches!(r, Err(AppError::RateLimited { .. }))).count();
    assert_eq!((verified, throttled), (5, 95), "only the free guesses reach the password hash");
    // The owner, from an address with no failures, is not held back.
    assert!(app.auth().login(login_from("admin@loja.test", PASSWORD, "10.0.0.2")).await.is_ok());
}
db_test!(parallel_guesses_are_counted_when_they_start);

async fn session_ends_at_logout_and_when_user_is_disabled(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let member =
        app.users().create_user(&admin, new_user("vendedor@loja.test", "member")).await.expect("member");
    let first = app.auth().login(login_input("vendedor@loja.test", PASSWORD)).await.expect("login");
    let second = app.auth().login(login_input("vendedor@loja.test", PASSWORD)).await.expect("login");
    assert_ne!(first.session_token, second.session_token, "every login gets a new session");
    assert!(app.auth().session_actor(&first.session_token, None).await.expect("lookup").is_some());

    app.auth().logout(&first.actor, &first.session_token).await.expect("logout");
    assert!(app.auth().session_actor(&first.session_token, None).await.expect("lookup").is_none());
    assert!(app.auth().session_actor(&second.session_token, None).await.expect("lookup").is_some());

    let token = app.tokens().create_api_token(&second.actor, "erp").await.expect("token");
    assert!(app.auth().token_actor(&token.secret, None).await.expect("lookup").is_some());
    app.users().set_user_active(&admin, member.id, member.version, false).await.expect("disable");
    assert!(app.auth().session_actor(&second.session_token, None).await.expect("lookup").is_none());
    assert!(app.auth().token_actor(&token.secret, None).await.expect("lookup").is_none());
    let again = app.auth().login(login_input("vendedor@loja.test", PASSWORD)).await;
    assert!(matches!(again, Err(AppError::InvalidCredentials)));
}
db_test!(session_ends_at_logout_and_when_user_is_disabled);

async fn idle_session_expires(t: TestDb) {
    let clock = Clock::fixed(chrono::Utc::now());
    let (app, _) = app_with_admin_on(&t, Settings::default(), clock.clone()).await;
    let login = app.auth().login(login_input("admin@loja.test", PASSWORD)).await.expect("login");
    clock.advance(chrono::Duration::hours(7));
    assert!(
        app.auth().session_actor(&login.session_token, None).await.expect("lookup").is_some(),
        "7 h idle: alive"
    );
    clock.advance(chrono::Duration::hours(7));
    assert!(
        app.auth().session_actor(&login.session_token, None).await.expect("lookup").is_some(),
        "used 7 h ago"
    );
    clock.advance(chrono::Duration::hours(9));
    assert!(
        app.auth().session_actor(&login.session_token, None).await.expect("lookup").is_none(),
        "9 h idle: ended"
    );
}
db_test!(idle_session_expires);

async fn revoked_token_stops_working(t: TestDb) {
    let (app, admin) = app_with_admin(&t, Settings::default()).await;
    let token = app.tokens().create_api_token(&admin, "integração").await.expect("token");
    assert!(token.secret.starts_with(app::tokens::TOKEN_PREFIX));
    let actor = app.auth().token_actor(&token.secret, None).await.expect("lookup").expect("live");
    assert_eq!(actor.user_id, admin.user_id);
    app.tokens().revoke_api_token(&admin, domain::ids::ApiTokenId(token.info.id)).await.expect("revoke");
    assert!(app.auth().token_actor(&token.secret, None).await.expect("lookup").is_none());
    let again = app.tokens().revoke_api_token(&admin, domain::ids::ApiTokenId(token.info.id)).await;
    assert!(matches!(again, Err(AppError::NotFound)));
}
db_test!(revoked_token_stops_working);
