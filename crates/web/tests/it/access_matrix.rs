//! The access matrix over HTTP, generated: every party endpoint and page ×
//! each default role × a record that is the user's own, a colleague's in
//! his branch, another branch's, and unassigned — against the declarative
//! policy below. A denial is 403 or 404 with none of the record's data;
//! lists, search and exports hold no row the policy hides.
use app::access::RoleView;
use app::parties::PartyInput;
use app::users::NewUserInput;
use domain::party::PartyDraft;
use domain::{BranchId, RoleId, UserId};
use reqwest::Method;
use testkit::{TestApp, web_test};

#[derive(Clone, Copy, Debug, PartialEq)]
enum May {
    Nothing,
    Read,
    ReadWrite,
}
use May::*;

/// Records, in order: own, same branch, other branch, unassigned; then
/// whether the role may export, and whether it may archive and merge
/// what it may change.
const POLICY: &[(&str, [May; 4], bool, bool)] = &[
    ("administrator", [ReadWrite, ReadWrite, ReadWrite, ReadWrite], true, true),
    ("supervisor", [ReadWrite, ReadWrite, Nothing, Nothing], true, true),
    ("account_manager", [ReadWrite, Read, Nothing, Nothing], false, false),
    ("telemarketing", [ReadWrite, Read, Read, Read], false, false),
    ("read_only", [Read, Read, Nothing, Nothing], false, false),
];

/// How a request on one record must answer.
#[derive(Clone, Copy)]
enum Needs {
    /// Readable: 2xx; hidden: 404.
    Read,
    /// Writable: 2xx; readable only: 403; hidden: 404.
    Write,
    /// As `Write`, and the role must also hold the right to archive.
    Delete,
}

/// Every endpoint and page that names one party: method, path (with
/// `{id}`), body (JSON for the API, a form for pages), and what it needs.
const ENDPOINTS: &[(&str, &str, Option<&str>, Needs)] = &[
    ("GET", "/api/v1/parties/{id}", None, Needs::Read),
    ("GET", "/api/v1/parties/{id}/consents", None, Needs::Read),
    ("GET", "/api/v1/parties/{id}/notes", None, Needs::Read),
    ("GET", "/api/v1/parties/{id}/relationships", None, Needs::Read),
    (
        "POST",
        "/api/v1/parties/{id}/consents",
        Some(r#"{"channel":"email","granted":true,"source":"matriz"}"#),
        Needs::Write,
    ),
    ("POST", "/api/v1/parties/{id}/notes", Some(r#"{"body":"Ligou para a loja"}"#), Needs::Write),
    ("GET", "/api/v1/parties/{id}/history", None, Needs::Read),
    ("GET", "/api/v1/parties/{id}/vehicles", None, Needs::Read),
    ("GET", "/api/v1/parties/{id}/vehicle-interests", None, Needs::Read),
    ("GET", "/api/v1/parties/{id}/interactions", None, Needs::Read),
    ("GET", "/api/v1/parties/{id}/appointments", None, Needs::Read),
    ("POST", "/api/v1/parties/{id}/vehicles", Some(r#"{"plate":"MTZ1A23","model":"Gol"}"#), Needs::Write),
    ("POST", "/api/v1/parties/{id}/vehicle-interests", Some(r#"{"model":"Onix"}"#), Needs::Write),
    (
        "POST",
        "/api/v1/parties/{id}/interactions",
        Some(r#"{"nature":"sale","channel":"call"}"#),
        Needs::Write,
    ),
    (
        "POST",
        "/api/v1/appointments",
        Some(
            r#"{"title":"Visita","party_id":"{id}","starts_at":"2026-12-01T10:00","ends_at":"2026-12-01T11:00"}"#,
        ),
        Needs::Write,
    ),
    ("GET", "/customers/{id}/vehicles/new", None, Needs::Write),
    ("GET", "/customers/{id}/interactions/new", None, Needs::Write),
    ("POST", "/customers/{id}/vehicles", Some("plate=MTZ1A23&model=Gol"), Needs::Write),
    ("POST", "/customers/{id}/interactions", Some("nature=sale&channel=call&status=open"), Needs::Write),
    ("GET", "/customers/{id}", None, Needs::Read),
    ("GET", "/customers/{id}/edit", None, Needs::Write),
    ("POST", "/customers/{id}/notes", Some("body=Passou+na+loja"), Needs::Write),
    ("POST", "/customers/{id}/consent", Some("channel=letter&granted=true&source=balcao"), Needs::Write),
    // Saving a party as it is: the same name and owner, so the matrix's
    // records stay where they are.
    (
        "PUT",
        "/api/v1/parties/{id}",
        Some(r#"{"version":{version},"full_name":"{name}","seller_id":"{seller}"}"#),
        Needs::Write,
    ),
    // Restoring a live party changes nothing but still needs the right.
    (
        "POST",
        "/api/v1/parties/{id}/archive",
        Some(r#"{"version":{version},"archived":false}"#),
        Needs::Delete,
    ),
];

async fn every_endpoint_role_and_record_follows_the_policy(t: TestApp) {
    let app = &t.app;
    let admin_token = format!("Bearer {}", t.token_for(&t.admin).await);
    let admin = app
        .auth()
        .login(app::auth::LoginInput {
            email: &t.admin.email,
            password: &t.admin.password,
            ip: None,
            user_agent: None,
        })
        .await
        .expect("admin")
        .actor;
    let centro = BranchId(app.access().create_branch(&admin, "Centro", "").await.expect("branch").id);
    let norte = BranchId(app.access().create_branch(&admin, "Norte", "").await.expect("branch").id);
    let roles: Vec<RoleView> = app.access().list_roles(&admin).await.expect("roles");
    let role_id = |key: &str| RoleId(roles.iter().find(|r| r.key == key).expect("role").id);
    let user = |email: &'static str, branch: BranchId, key: &'static str| {
        let (app, admin, role) = (app.clone(), admin.clone(), role_id(key));
        async move {
            let input = NewUserInput {
                email: email.into(),
                display_name: email.into(),
                password: "senha-da-matriz-1".into(),
                role: "member".into(),
                locale: None,
                ..Default::default()
            };
            let created = app.users().create_user(&admin, input).await.expect("user");
            app.access().assign_user(&admin, created.id, Some(branch), &[role]).await.expect("assign");
            created.id
        }
    };
    let party = |name: String, owner: Option<UserId>| {
        let (app, admin) = (app.clone(), admin.clone());
        async move {
            let draft = PartyDraft {
                full_name: name,
                seller_id: owner.map(|o| o.0.to_string()).unwrap_or_default(),
                ..Default::default()
            };
            app.parties()
                .create_party(&admin, PartyInput { draft, consents: vec![] })
                .await
                .expect("party")
                .party
                .id
        }
    };
    let colleague = user("colega@matriz.test", centro, "account_manager").await;
    let elsewhere = user("norte@matriz.test", norte, "account_manager").await;
    let same_branch = party("Zulmira Colega".into(), Some(colleague)).await;
    let other_branch = party("Zulmira Norte".into(), Some(elsewhere)).await;
    let unassigned = party("Zulmira Sem Carteira".into(), None).await;

    let emails = ["r0@matriz.test", "r1@matriz.test", "r2@matriz.test", "r3@matriz.test", "r4@matriz.test"];
    let mut checked = 0;
    for ((role, expected, may_export, may_delete), email) in POLICY.iter().zip(emails) {
        let me = user(email, centro, role).await;
        let own = party(format!("Zulmira Propria {role}"), Some(me)).await;
        let records = [own, same_branch, other_branch, unassigned];
        let names = ["Zulmira Propria", "Zulmira Colega", "Zulmira Norte", "Zulmira Sem Carteira"];
        let account = testkit::TestUser {
            email: email.into(),
            password: "senha-da-matriz-1".into(),
            name: email.into(),
        };
        let token = format!("Bearer {}", t.token_for(&account).await);
        let (browser, csrf) = t.login(&account).await;

        for ((record, may), name) in records.iter().zip(expected).zip(names) {
            for (method, path, body, needs) in ENDPOINTS {
                let path = path.replace("{id}", &record.to_string());
                let current = t.api_get(&admin_token, &format!("/api/v1/parties/{record}")).await;
                let body = body.map(|b| {
                    b.replace("{id}", &record.to_string())
                        .replace("{version}", &current["version"].to_string())
                        .replace("{name}", current["full_name"].as_str().unwrap_or_default())
                        .replace("{seller}", current["seller_id"].as_str().unwrap_or_default())
                });
                let method = Method::from_bytes(method.as_bytes()).expect("method");
                let request = if path.starts_with("/api/") {
                    let request = t.client().request(method, t.url(&path)).header("authorization", &token);
                    match &body {
                        Some(body) => request.header("content-type", "application/json").body(body.clone()),
                        None => request,
                    }
                } else {
                    let request = browser.request(method, t.url(&path));
                    match &body {
                        Some(form) => request
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(format!("{form}&csrf_token={csrf}")),
                        None => request,
                    }
                };
                let response = request.send().await.expect("request");
                let status = response.status().as_u16();
                let text = response.text().await.expect("body");
                let want = match (needs, may) {
                    (_, Nothing) => 404,
                    (Needs::Read, _) | (Needs::Write, ReadWrite) => 200,
                    (Needs::Delete, ReadWrite) if *may_delete => 200,
                    (Needs::Write | Needs::Delete, _) => 403,
                };
                let context = format!("{role} × {name} × {path} ({may:?})");
                if want == 200 {
                    // Pages answer a successful form with a redirect.
                    assert!((200..400).contains(&status), "{context}: {status} {text}");
                } else {
                    assert_eq!(status, want, "{context}: {text}");
                    assert!(!text.contains(name), "{context}: a denial shows none of the record");
                }
                checked += 1;
            }
        }

        // Lists, search, count and exports: exactly the readable rows.
        let readable: Vec<&str> =
            names.iter().zip(expected).filter(|(_, may)| **may != Nothing).map(|(n, _)| *n).collect();
        let hidden: Vec<&str> =
            names.iter().zip(expected).filter(|(_, may)| **may == Nothing).map(|(n, _)| *n).collect();
        let list = t.api_get(&token, "/api/v1/parties?limit=200").await.to_string();
        let search = t.api_get(&token, "/api/v1/parties/search?q=zulmira&limit=50").await.to_string();
        let page =
            browser.get(t.url("/customers?limit=200")).send().await.expect("GET").text().await.expect("html");
        for (what, text) in [("API list", &list), ("search", &search), ("page", &page)] {
            for name in &readable {
                assert!(text.contains(name), "{role}: {what} shows {name}");
            }
            for name in &hidden {
                assert!(!text.contains(name), "{role}: {what} hides {name}");
            }
        }
        for path in ["/api/v1/parties/export.csv", "/customers/export.csv"] {
            let request = if path.starts_with("/api/") {
                t.client().get(t.url(path)).header("authorization", &token)
            } else {
                browser.get(t.url(path))
            };
            let response = request.send().await.expect("export");
            if *may_export {
                assert_eq!(response.status(), 200, "{role}: {path}");
                let csv = response.text().await.expect("csv");
                for name in &hidden {
                    assert!(!csv.contains(name), "{role}: {path} hides {name}");
                }
                for name in &readable {
                    assert!(csv.contains(name), "{role}: {path} holds {name}");
                }
            } else {
                assert_eq!(response.status(), 403, "{role}: {path}");
            }
        }
    }
    assert_eq!(checked, POLICY.len() * 4 * ENDPOINTS.len());
}
web_test!(every_endpoint_role_and_record_follows_the_policy);
