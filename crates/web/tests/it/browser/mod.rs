//! The foundation walked in a real headless Chromium.
use fantoccini::{Client, Locator};
use std::time::Duration;
use testkit::{Browser, TestApp, TestDb};

mod accessibility;

/// Waits until the element's text contains `expected`, returning the text.
async fn wait_for_text(client: &Client, css: &str, expected: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(element) = client.find(Locator::Css(css)).await {
            last = element.text().await.unwrap_or_default();
            if last.contains(expected) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never contained {expected:?}; last text {last:?}");
}

async fn sign_in(client: &Client, email: &str, password: &str) {
    let email_input = client.find(Locator::Css("#email")).await.expect("e-mail field");
    email_input.clear().await.expect("clear");
    email_input.send_keys(email).await.expect("type e-mail");
    client
        .find(Locator::Css("#password"))
        .await
        .expect("password field")
        .send_keys(password)
        .await
        .expect("type password");
    client.find(Locator::Css("#login-submit")).await.expect("submit").click().await.expect("click");
}

/// Opens the login page and signs in as the test organisation's administrator.
async fn sign_in_as_admin(client: &Client, t: &TestApp) {
    client.goto(&t.url("/login")).await.expect("open");
    sign_in(client, &t.admin.email, &t.admin.password).await;
    wait_for_text(client, "h1", "Olá").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_switch_language_and_logout() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let client = &browser.client;

    client.goto(&t.url("/")).await.expect("open");
    wait_for_text(client, "h1", "Entre na sua conta").await;
    assert!(client.current_url().await.expect("url").path().starts_with("/login"));

    sign_in(client, &t.admin.email, "senha-errada-aqui").await;
    wait_for_text(client, "#login-error", "E-mail ou senha incorretos.").await;

    sign_in(client, &t.admin.email, &t.admin.password).await;
    wait_for_text(client, "h1", "Olá, Gerente Teste!").await;
    browser.screenshot("foundation-home-pt-BR").await;

    client.find(Locator::Css("button[data-locale='en']")).await.expect("EN").click().await.expect("click");
    wait_for_text(client, "h1", "Hello, Gerente Teste!").await;
    wait_for_text(client, "#logout", "Sign out").await;
    browser.screenshot("foundation-home-en").await;

    client
        .find(Locator::Css("button[data-locale='pt-BR']"))
        .await
        .expect("PT-BR")
        .click()
        .await
        .expect("click");
    wait_for_text(client, "h1", "Olá, Gerente Teste!").await;

    client.find(Locator::Css("#logout")).await.expect("logout").click().await.expect("click");
    wait_for_text(client, ".alert-info", "Você saiu").await;

    client.goto(&t.url("/admin/users")).await.expect("open");
    wait_for_text(client, "h1", "Entre na sua conta").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_manages_users_and_tokens() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;

    client.goto(&t.url("/admin/users")).await.expect("users");
    client
        .find(Locator::Css("#display_name"))
        .await
        .expect("name")
        .send_keys("Carla Mendes")
        .await
        .expect("type");
    client
        .find(Locator::Css("#new-email"))
        .await
        .expect("email")
        .send_keys("carla@concessionaria.test")
        .await
        .expect("type");
    client
        .find(Locator::Css("#new-password"))
        .await
        .expect("password")
        .send_keys("curta")
        .await
        .expect("type");
    client
        .find(Locator::Css("form.form-grid button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for_text(client, "#password-error", "pelo menos 10 caracteres").await;
    client
        .find(Locator::Css("#new-password"))
        .await
        .expect("password")
        .send_keys("senha-longa-da-carla")
        .await
        .expect("type");
    client
        .find(Locator::Css("form.form-grid button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    wait_for_text(client, ".alert-success", "Carla Mendes").await;
    let table = wait_for_text(client, "#users-table", "carla@concessionaria.test").await;
    assert!(table.contains("Ativo"));

    // Disabling asks for confirmation, then swaps the row in place.
    client
        .find(Locator::XPath("//tr[contains(., 'carla@')]//button"))
        .await
        .expect("disable")
        .click()
        .await
        .expect("click");
    let prompt = client.get_alert_text().await.expect("confirmation dialog");
    assert!(prompt.contains("Desativar Carla Mendes?"), "{prompt}");
    client.accept_alert().await.expect("accept");
    wait_for_text(client, "#users-table", "Desativado").await;
    browser.screenshot("foundation-users").await;

    client.goto(&t.url("/account/tokens")).await.expect("tokens");
    client
        .find(Locator::Css("#token-name"))
        .await
        .expect("name")
        .send_keys("Integração ERP")
        .await
        .expect("type");
    client
        .find(Locator::Css("form.form-inline button[type=submit]"))
        .await
        .expect("create")
        .click()
        .await
        .expect("click");
    let secret = wait_for_text(client, "#new-token", "vnc_").await;
    let api = t.client().get(t.url("/api/v1/me")).bearer_auth(secret.trim()).send().await.expect("GET");
    assert_eq!(api.status(), 200, "the token shown in the page works on the API");
    browser.close().await;
}

async fn click(client: &Client, css: &str) {
    let element = client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css} not found"));
    // In the middle of the window, as a person would have it before
    // clicking: the driver's own scrolling may leave it under the top bar.
    let centre = "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});";
    let target = serde_json::to_value(&element).expect("element");
    client.execute(centre, vec![target]).await.expect("scroll");
    element.click().await.expect("click");
}

/// Clicks what loads another page (a form's button that posts and is
/// redirected) and waits until that page has loaded: the old one may read
/// just like it (the same heading in pt-PT and pt-BR), so its text cannot say.
async fn click_and_wait_for_the_next_page(client: &Client, css: &str) {
    client.execute("window.vinculoPageBeforeTheClick = true;", vec![]).await.expect("mark the page");
    click(client, css).await;
    let loaded =
        "return window.vinculoPageBeforeTheClick === undefined && document.readyState === 'complete';";
    for _ in 0..100 {
        if client.execute(loaded, vec![]).await.ok().and_then(|v| v.as_bool()) == Some(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("clicking {css} never loaded another page");
}

/// Opens a list, changes one filter of its form and submits it as a person would.
async fn filter_alone(client: &Client, url: &str, select: &str, value: &str, submit: &str) {
    client.goto(url).await.expect("open the list");
    let filter = client.find(Locator::Css(select)).await.unwrap_or_else(|_| panic!("{select} not found"));
    filter.select_by_value(value).await.expect("choose");
    click(client, submit).await;
}

/// Types into a field, or chooses the option of a list.
async fn fill(client: &Client, css: &str, text: &str) {
    let element = client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("{css} not found"));
    if element.tag_name().await.expect("tag") == "select" {
        element.select_by_value(text).await.expect("choose");
        return;
    }
    element.clear().await.expect("clear");
    element.send_keys(text).await.expect("type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_create_find_edit_and_withdraw_consent() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;

    client.goto(&t.url("/customers")).await.expect("customers");
    wait_for_text(client, ".empty", "Nenhum cliente").await;
    client.find(Locator::Css("#new-customer")).await.expect("new").click().await.expect("click");
    wait_for_text(client, "h1", "Novo cliente").await;
    fill(client, "#full_name", "João Conceição").await;
    fill(client, "#document", "529.982.247-00").await;
    // Leaving the field validates it on the server.
    fill(client, "#email1", "joao@exemplo.com.br").await;
    wait_for_text(client, "#document-error", "CPF inválido").await;
    fill(client, "#phone1", "(11) 98765-4321").await;
    fill(client, "#city", "São Paulo").await;
    fill(client, "#state", "SP").await;
    client.find(Locator::Css("#consent_email")).await.expect("consent").click().await.expect("tick");
    client.find(Locator::Css("#save-party")).await.expect("save").click().await.expect("click");
    wait_for_text(client, "#document-error", "CPF inválido").await;
    browser.screenshot("registry-invalid-cpf").await;

    fill(client, "#document", "529.982.247-25").await;
    client.find(Locator::Css("#save-party")).await.expect("save").click().await.expect("click");
    wait_for_text(client, "#party-name", "João Conceição").await;

    client.goto(&t.url("/customers")).await.expect("customers");
    // "/" jumps to the search box, as the shortcut promises.
    client.find(Locator::Css("body")).await.expect("body").send_keys("/").await.expect("slash");
    client.active_element().await.expect("focus").send_keys("joao").await.expect("type");
    wait_for_text(client, "#search-results", "João Conceição").await;
    browser.screenshot("registry-search").await;
    client.active_element().await.expect("focus").send_keys("\u{E015}").await.expect("arrow down");
    client.active_element().await.expect("focus").send_keys("\u{E007}").await.expect("enter");
    wait_for_text(client, "#party-name", "João Conceição").await;

    client.find(Locator::Css("#edit-party")).await.expect("edit").click().await.expect("click");
    wait_for_text(client, "h1", "Editar").await;
    fill(client, "#profession", "Engenheiro").await;
    client.find(Locator::Css("#save-party")).await.expect("save").click().await.expect("click");
    wait_for_text(client, ".facts", "Engenheiro").await;
    wait_for_text(client, "#flash .toast", "Alterações salvas.").await;

    // Withdrawing asks first; dismissed, nothing changes.
    client.find(Locator::Css("#withdraw-email")).await.expect("withdraw").click().await.expect("click");
    let question = client.get_alert_text().await.expect("a confirmation");
    assert!(question.contains("Retirar o consentimento para E-mail?"), "{question}");
    client.dismiss_alert().await.expect("dismiss");
    assert!(client.find(Locator::Css("#withdraw-email")).await.is_ok(), "still granted");
    client.find(Locator::Css("#withdraw-email")).await.expect("withdraw").click().await.expect("click");
    client.accept_alert().await.expect("confirm");
    wait_for_text(client, "#consent-history", "Retirado").await;
    wait_for_text(client, "#flash .toast", "Consentimento retirado.").await;
    client.find(Locator::Css("#grant-email")).await.expect("grant button back");
    let at_consent = client.current_url().await.expect("url");
    assert_eq!(at_consent.fragment(), Some("consent"), "back at the section, not the top of the page");
    let scrolled: f64 =
        client.execute("return window.scrollY;", vec![]).await.expect("scroll").as_f64().unwrap_or(0.0);
    assert!(scrolled > 0.0, "the page opens at the consent section");
    browser.screenshot("registry-sheet").await;

    // Archived from its page: the list says so and offers to undo it.
    client.execute("window.scrollTo(0, 0);", vec![]).await.expect("to the top");
    client.find(Locator::Css("#archive-party")).await.expect("archive").click().await.expect("click");
    client.accept_alert().await.expect("confirm");
    wait_for_text(client, "#flash .toast", "Cadastro arquivado.").await;
    assert_eq!(client.current_url().await.expect("url").path(), "/customers");
    browser.screenshot("toast-undo").await;
    click(client, "#toast-undo").await;
    wait_for_text(client, "#flash .toast", "Cadastro reativado.").await;
    assert!(client.find(Locator::Css("#archive-party")).await.is_ok(), "restored");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_a_duplicate_through_the_picker_and_undo() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let token = t.token_for(&t.admin).await;
    let api = t.client();
    let mut ids = Vec::new();
    for (name, phone) in [("Márcia Simões", "(11) 98888-1111"), ("Marcia Simoes Lima", "(11) 97777-2222")] {
        let saved: serde_json::Value = api
            .post(t.url("/api/v1/parties"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "full_name": name, "phones": [{ "number": phone }] }))
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json");
        ids.push(saved["party"]["id"].as_str().expect("id").to_string());
    }
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;
    client.goto(&t.url(&format!("/customers/{}?tab=sheet", ids[0]))).await.expect("sheet");
    wait_for_text(client, "#party-name", "Márcia Simões").await;

    fill(client, "#merge-search", "simoes lima").await;
    wait_for_text(client, "#merge-results", "Marcia Simoes Lima").await;
    client
        .find(Locator::Css("#merge-results [data-pick-id]"))
        .await
        .expect("hit")
        .click()
        .await
        .expect("pick");
    let picked =
        client.find(Locator::Css("#merge-id")).await.expect("hidden").prop("value").await.expect("value");
    assert_eq!(picked.as_deref(), Some(ids[1].as_str()), "the picker fills the id");
    client
        .find(Locator::Css("#merges button[type=submit]"))
        .await
        .expect("merge")
        .click()
        .await
        .expect("click");
    client.accept_alert().await.expect("confirm the merge");
    wait_for_text(client, "#merges", "foi mesclado aqui").await;
    wait_for_text(client, "main", "(11) 97777-2222").await;
    browser.screenshot("registry-merged").await;

    client
        .find(Locator::XPath("//div[@class='merge-line']//button"))
        .await
        .expect("undo")
        .click()
        .await
        .expect("click");
    wait_for_text(client, "#party-name", "Marcia Simoes Lima").await;
    client.goto(&t.url(&format!("/customers/{}?tab=sheet", ids[0]))).await.expect("sheet");
    let text = wait_for_text(client, "main", "Márcia Simões").await;
    assert!(!text.contains("97777-2222"), "the phone went back");

    // The same screens in English.
    client.find(Locator::Css("button[data-locale='en']")).await.expect("EN").click().await.expect("click");
    wait_for_text(client, "#merges", "Merge records").await;
    client.goto(&t.url("/customers")).await.expect("list");
    wait_for_text(client, "#customers-count", "2 records").await;
    browser.screenshot("registry-list-en").await;
    client.goto(&t.url("/customers/new")).await.expect("form");
    wait_for_text(client, "h1", "New customer").await;
    browser.screenshot("registry-form-en").await;
    browser.close().await;
}

/// Issue 4: an administrator narrows the account managers to their own
/// portfolio, views the app as one of them (banner, his customers only,
/// in the list and in search), then the manager himself sees the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_sees_his_portfolio_and_admin_views_as_him() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let api = t.client();
    let manager = t.create_user("gestor@loja.test", "member").await;
    t.create_user("colega@loja.test", "member").await;
    let users = t.api_get(&admin, "/api/v1/users").await;
    let id_of = |email: &str| {
        users.as_array().expect("users").iter().find(|u| u["email"] == email).expect("user")["id"].clone()
    };
    let role = t.role(&admin, "account_manager").await;
    let branch: serde_json::Value = api
        .post(t.url("/api/v1/branches"))
        .header("authorization", &admin)
        .json(&serde_json::json!({ "name": "Centro" }))
        .send()
        .await
        .expect("branch")
        .json()
        .await
        .expect("json");
    for email in ["gestor@loja.test", "colega@loja.test"] {
        let response = api
            .put(t.url(&format!("/api/v1/users/{}/access", id_of(email).as_str().expect("id"))))
            .header("authorization", &admin)
            .json(&serde_json::json!({ "branch_id": branch["id"], "role_ids": [role["id"]] }))
            .send()
            .await
            .expect("assign");
        assert_eq!(response.status(), 200);
    }
    for (name, owner) in
        [("Cliente Do Gestor", "gestor@loja.test"), ("Cliente Da Colega", "colega@loja.test")]
    {
        let response = api
            .post(t.url("/api/v1/parties"))
            .header("authorization", &admin)
            .json(&serde_json::json!({ "full_name": name, "seller_id": id_of(owner) }))
            .send()
            .await
            .expect("party");
        assert_eq!(response.status(), 201);
    }

    let client = &browser.client;
    sign_in_as_admin(client, &t).await;
    // The administration pages sit behind one entry of the bar.
    click(client, "#nav-admin").await;
    client.find(Locator::LinkText("Acesso")).await.expect("nav").click().await.expect("click");
    wait_for_text(client, "h1", "Acesso e carteiras").await;
    click(client, "#tab-roles").await;
    let role_id = role["id"].as_str().expect("id");
    client
        .find(Locator::Css(&format!("#read-{role_id}")))
        .await
        .expect("read level")
        .select_by_value("own")
        .await
        .expect("own");
    click(client, &format!("#role-{role_id} button[type=submit]")).await;
    wait_for_text(client, ".alert-success", "Alterações salvas.").await;
    browser.screenshot("access-admin").await;
    assert_eq!(
        client.current_url().await.expect("url").query(),
        Some("tab=roles&saved=1"),
        "back on its tab"
    );

    click(client, "#tab-users").await;
    click(client, "button[data-view-as='gestor@loja.test']").await;
    wait_for_text(client, "#view-as-banner", "Usuário gestor@loja.test").await;
    let list = wait_for_text(client, "main", "Cliente Do Gestor").await;
    assert!(!list.contains("Cliente Da Colega"), "view as: his portfolio only");
    client
        .find(Locator::Css("#customer-search"))
        .await
        .expect("search")
        .send_keys("cliente")
        .await
        .expect("type");
    let found = wait_for_text(client, "#search-results", "Cliente Do Gestor").await;
    assert!(!found.contains("Cliente Da Colega"), "view as: search within his portfolio");
    browser.screenshot("access-view-as").await;
    click(client, "#view-as-stop").await;
    wait_for_text(client, "h1", "Acesso e carteiras").await;
    client.find(Locator::Css("#logout")).await.expect("logout").click().await.expect("click");

    wait_for_text(client, ".alert-info", "Você saiu").await;
    sign_in(client, &manager.email, &manager.password).await;
    wait_for_text(client, "h1", "Olá").await;
    client.goto(&t.url("/customers")).await.expect("customers");
    let list = wait_for_text(client, "main", "Cliente Do Gestor").await;
    assert!(!list.contains("Cliente Da Colega"), "the manager: his portfolio only");
    client
        .find(Locator::Css("#customer-search"))
        .await
        .expect("search")
        .send_keys("cliente")
        .await
        .expect("type");
    let found = wait_for_text(client, "#search-results", "Cliente Do Gestor").await;
    assert!(!found.contains("Cliente Da Colega"), "the manager: search within his portfolio");
    browser.close().await;
}

/// Seed 000's "Perfil do Cliente", step by step: search the customer, open
/// the profile, open an interaction, open a vehicle's detail and book a
/// workshop appointment with the plate filled in, edit the registration
/// sheet in place, read the history; and the week view.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_profile_walk_of_seed_000() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let post = |path: &str, body: serde_json::Value| {
        t.client().post(t.url(path)).header("authorization", &admin).json(&body).send()
    };
    let created: serde_json::Value = post(
        "/api/v1/parties",
        serde_json::json!({ "full_name": "João Conceição", "document": "529.982.247-25" }),
    )
    .await
    .expect("POST")
    .json()
    .await
    .expect("json");
    let party = created["party"]["id"].as_str().expect("id").to_string();
    let vehicle: serde_json::Value = post(
        &format!("/api/v1/parties/{party}/vehicles"),
        serde_json::json!({ "plate": "ABC1D23", "make": "Chevrolet", "model": "Onix", "year": 2023, "mileage_km": 18000, "bought_here": true }),
    )
    .await
    .expect("POST")
    .json()
    .await
    .expect("json");
    let opened = post(
        &format!("/api/v1/parties/{party}/interactions"),
        serde_json::json!({ "nature": "sale", "channel": "visit", "description": "Test drive do Tracker" }),
    )
    .await
    .expect("POST");
    assert_eq!(opened.status(), 201);

    let client = &browser.client;
    sign_in_as_admin(client, &t).await;

    // 1–3: search the customer and open his profile.
    client.goto(&t.url("/customers")).await.expect("customers");
    client.find(Locator::Css("body")).await.expect("body").send_keys("/").await.expect("slash");
    client.active_element().await.expect("focus").send_keys("joao conceicao").await.expect("type");
    wait_for_text(client, "#search-results", "João Conceição").await;
    client.active_element().await.expect("focus").send_keys("\u{E007}").await.expect("enter");
    wait_for_text(client, "#party-name", "João Conceição").await;
    wait_for_text(client, "#summary", "1, comprado aqui").await;

    // 5–6: the interaction's information, then close it.
    click(client, "#next-steps table a").await;
    wait_for_text(client, "#interaction-info", "Test drive do Tracker").await;
    click(client, "#interaction-close").await;
    wait_for_text(client, "#party-name", "João Conceição").await;

    // 4, 7–9: the vehicles in their tab, a vehicle's detail, an
    // after-sale interaction for it.
    click(client, "#tab-vehicles").await;
    let tab = client.current_url().await.expect("url");
    assert_eq!(tab.query(), Some("tab=vehicles"), "the tab is in the address");
    wait_for_text(client, "#vehicle-list", "ABC1D23").await;
    browser.screenshot("profile-vehicles-tab").await;
    click(client, ".vehicle-detail-link").await;
    wait_for_text(client, "#vehicle-plate", "ABC1D23").await;
    click(client, "#vehicle-interaction").await;
    wait_for_text(client, "h1", "Novo atendimento").await;
    fill(client, "#description", "Barulho na suspensão dianteira").await;
    click(client, "#interaction-save").await;
    wait_for_text(client, "#interaction-saved", "Atendimento registrado").await;
    wait_for_text(client, "#interaction-info", "Pós-venda").await;
    wait_for_text(client, "#interaction-info", "ABC1D23").await;

    // 10: from the vehicle, a workshop appointment with the plate filled in.
    client
        .goto(&t.url(&format!("/vehicles/{}", vehicle["id"].as_str().expect("id"))))
        .await
        .expect("vehicle");
    click(client, "#vehicle-book").await;
    wait_for_text(client, "h1", "Novo agendamento").await;
    let plate = client.find(Locator::Css("#appointment-plate")).await.expect("plate field");
    assert_eq!(plate.prop("value").await.expect("value").as_deref(), Some("ABC1D23"));
    let subject = client.find(Locator::Css("#title")).await.expect("subject");
    assert_eq!(subject.prop("value").await.expect("value").as_deref(), Some("Oficina · ABC1D23"));
    click(client, "#appointment-save").await;
    wait_for_text(client, "#appointment-booked", "Agendamento registrado").await;
    wait_for_text(client, "#appointment-plate-value", "ABC1D23").await;
    let when =
        client.find(Locator::Css("#appointment-when")).await.expect("when").text().await.expect("text");

    // 11–13: the registration sheet, edited in place and confirmed.
    client.goto(&t.url(&format!("/customers/{party}"))).await.expect("profile");
    click(client, "#tab-sheet").await;
    click(client, "#edit-in-place").await;
    wait_for_text(client, "#sheet #party-form", "").await;
    fill(client, "#sheet #profession", "Mecânico").await;
    click(client, "#sheet #save-party").await;
    wait_for_text(client, "#sheet .facts", "Mecânico").await;

    // 14–15: the history, every movement in time order, filtered by kind.
    click(client, "#tab-history").await;
    let history = wait_for_text(client, "#history-list", "Ficha cadastral alterada: profissão").await;
    for movement in ["Agendamento: Oficina · ABC1D23", "Atendimento aberto: Pós-venda", "Veículo cadastrado"]
    {
        assert!(history.contains(movement), "{movement} in the history: {history}");
    }
    let positions: Vec<usize> =
        ["Ficha cadastral alterada", "Agendamento", "Atendimento aberto: Pós-venda", "Cadastro criado"]
            .iter()
            .map(|m| history.find(m).unwrap_or_else(|| panic!("{m} missing")))
            .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "newest first: {history}");
    client.goto(&t.url(&format!("/customers/{party}"))).await.expect("profile");
    wait_for_text(client, "#party-name", "João Conceição").await;
    browser.screenshot("profile-360").await;
    client.goto(&t.url(&format!("/customers/{party}?tab=history"))).await.expect("history");
    browser.screenshot("profile-history").await;
    click(client, "#history-kind-vehicle").await;
    let vehicles_only = wait_for_text(client, "#history-list", "Veículo cadastrado").await;
    assert!(!vehicles_only.contains("Atendimento"), "filtered: {vehicles_only}");

    // The agenda's week holds the booking.
    let day = when.split(' ').next().unwrap_or_default().to_string();
    let iso = format!("{}-{}-{}", &day[6..10], &day[3..5], &day[0..2]);
    client.goto(&t.url(&format!("/agenda?view=week&date={iso}"))).await.expect("agenda");
    wait_for_text(client, "#agenda-grid", "Oficina · ABC1D23").await;
    browser.screenshot("agenda-week").await;
    // "m" switches to the month, which holds it too.
    client.find(Locator::Css("body")).await.expect("body").send_keys("m").await.expect("m");
    wait_for_text(client, "#view-month[aria-current]", "").await;
    wait_for_text(client, "#calendar", "Oficina · ABC1D23").await;

    // A weekly visit the customer will miss once: that occurrence alone is cancelled.
    let series: serde_json::Value = post(
        "/api/v1/appointments",
        serde_json::json!({ "title": "Visita semanal", "party_id": party, "starts_at": "2027-03-02T09:00", "ends_at": "2027-03-02T10:00", "repeat": "weekly", "repeat_count": 3 }),
    )
    .await
    .expect("POST")
    .json()
    .await
    .expect("json");
    let id = series["appointment"]["id"].as_str().expect("id");
    client.goto(&t.url(&format!("/appointments/{id}"))).await.expect("appointment");
    wait_for_text(client, "#occurrences", "09/03/2027 09:00").await;
    click(client, "#cancel-occurrence-2").await;
    let prompt = client.get_alert_text().await.expect("confirmation dialog");
    assert!(prompt.contains("09/03/2027 09:00"), "{prompt}");
    client.accept_alert().await.expect("confirm");
    wait_for_text(client, "#cancelled-occurrences", "Ocorrências excluídas: 09/03/2027 09:00").await;
    browser.close().await;
}

/// The customer list's filter form as a person uses it: pressing Filtrar
/// with every filter at its default, then each filter alone, reloading
/// and going back; and a token created, the page reloaded, then revoked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_filters_from_the_form_and_tokens_after_a_reload() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    for (name, city, state, kind) in
        [("Paula Campinas", "Campinas", "SP", "person"), ("Oficina Niterói Ltda", "Niterói", "RJ", "company")]
    {
        let body = serde_json::json!({
            "kind": kind, "full_name": name, "consents": [], "address": { "city": city, "state": state }
        });
        let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body).await;
        assert_eq!(created.status(), 201, "{name}");
    }
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;

    client.goto(&t.url("/customers")).await.expect("customers");
    click(client, "form.filters button[type=submit]").await;
    wait_for_text(client, "#customers-count", "2 cadastros").await;
    let table = wait_for_text(client, "section.card", "Paula Campinas").await;
    assert!(table.contains("Oficina Niterói"), "the defaults select everyone: {table}");

    let alone: [(&str, &str, &str); 3] = [
        ("#f-state", "SP", "Paula Campinas"),
        ("#f-kind", "company", "Oficina Niterói"),
        ("#f-lifecycle", "customer", "Paula"),
    ];
    for (select, value, expected) in alone {
        filter_alone(client, &t.url("/customers"), select, value, "form.filters button[type=submit]").await;
        wait_for_text(client, "section.card", expected).await;
        let source = client.source().await.expect("source");
        assert!(!source.contains("Failed to deserialize"), "{select}={value}: {source}");
    }
    client.goto(&t.url("/customers")).await.expect("customers");
    fill(client, "#f-city", "Niterói").await;
    click(client, "form.filters button[type=submit]").await;
    wait_for_text(client, "#customers-count", "1 cadastro").await;
    client.refresh().await.expect("reload");
    wait_for_text(client, "#customers-count", "1 cadastro").await;
    client.back().await.expect("back");
    wait_for_text(client, "#customers-count", "2 cadastros").await;
    browser.screenshot("customers-filtered").await;

    // Bulk: the first row, shift-click the last, tag both; the list comes
    // back as it was with a counted notice.
    click(client, "#customers-table tbody tr:first-child input[name=item]").await;
    let last = client
        .find(Locator::Css("#customers-table tbody tr:last-child input[name=item]"))
        .await
        .expect("last row");
    client
        .execute(
            "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: true}));",
            vec![serde_json::to_value(&last).expect("element")],
        )
        .await
        .expect("shift-click");
    wait_for_text(client, "[data-bulk-count]", "2 marcados").await;
    fill(client, "#bulk-tag", "Frota").await;
    click(client, "#bulk-tag-add").await;
    wait_for_text(client, "#flash .toast", "2 cadastros etiquetados.").await;
    assert_eq!(client.current_url().await.expect("url").path(), "/customers", "back on the list");
    browser.screenshot("customers-bulk-tagged").await;
    client.goto(&t.url("/customers?tag=frota")).await.expect("tagged");
    wait_for_text(client, "#customers-count", "2 cadastros").await;

    // The column chooser: without the e-mail, the city first; then the
    // list saved as a shared view, which opens with its columns.
    click(client, "#column-menu summary").await;
    click(client, "#column-email").await;
    click(client, "#column-up-city").await;
    wait_for_text(client, "#flash .toast", "Colunas salvas.").await;
    let head = wait_for_text(client, "#customers-table thead", "Cidade").await;
    assert!(!head.contains("E-mail"), "the e-mail column is gone: {head}");
    click(client, "#view-save-menu summary").await;
    fill(client, "#view-name", "Frotas").await;
    click(client, "#view-shared").await;
    click(client, "#view-save").await;
    wait_for_text(client, "#flash .toast", "Visão salva.").await;
    wait_for_text(client, "#saved-views [aria-current=true]", "Frotas").await;
    browser.screenshot("customers-saved-view").await;
    click(client, "#view-all").await;
    wait_for_text(client, "#saved-views [aria-current=true]", "Todos").await;
    wait_for_text(client, "#customers-table thead", "Cidade").await;

    // A customer that does not exist: a page in the layout, in Portuguese.
    client.goto(&t.url("/customers/not-a-customer")).await.expect("missing");
    wait_for_text(client, "h1", "Não encontramos").await;
    assert!(client.find(Locator::Css("nav.mainnav")).await.is_ok(), "the error page keeps the navigation");
    browser.screenshot("error-page-in-the-layout").await;

    client.goto(&t.url("/account/tokens")).await.expect("tokens");
    fill(client, "#token-name", "Planilha").await;
    click(client, "form.form-inline button[type=submit]").await;
    wait_for_text(client, "#new-token", "vnc_").await;
    browser.screenshot("token-shown-once").await;
    client.refresh().await.expect("reload");
    wait_for_text(client, "#tokens-table", "Planilha").await;
    assert!(client.find(Locator::Css("#new-token")).await.is_err(), "the secret is shown once");
    click(client, "#tokens-table button.button-danger").await;
    client.accept_alert().await.expect("confirm");
    wait_for_text(client, "#tokens-table", "Revogado").await;
    client.refresh().await.expect("reload");
    let mut planilhas = Vec::new();
    for row in client.find_all(Locator::Css("#tokens-table tbody tr")).await.expect("rows") {
        let text = row.text().await.expect("text");
        if text.contains("Planilha") {
            planilhas.push(text);
        }
    }
    assert_eq!(planilhas.len(), 1, "one such token; the reload created none: {planilhas:?}");
    assert!(planilhas[0].contains("Revogado"), "and it is revoked: {planilhas:?}");
    browser.close().await;
}

/// Minha fila as a seller uses it: reached from the menu, the legend's
/// colours, the filter form at its defaults and each value alone, a range
/// chosen with shift-click and closed in bulk, the reload and back button.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_queue_filters_and_closes_a_range_in_bulk() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let customer = serde_json::json!({ "kind": "person", "full_name": "Otávio Brandão" });
    let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", customer).await;
    let party = created.json::<serde_json::Value>().await.expect("json")["party"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
    for (days, what) in [
        (Some(-2), "retornar ligação"),
        (Some(0), "levar o carro ao test drive"),
        (Some(3), "enviar proposta"),
        (None, "pesquisa de satisfação"),
    ] {
        let due = days.map(|d| today + chrono::Duration::days(d));
        let body =
            serde_json::json!({ "nature": "sale", "channel": "call", "due_on": due, "description": what });
        let opened = t
            .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/interactions"), body)
            .await;
        assert_eq!(opened.status(), 201);
    }
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;
    click(client, "nav.mainnav a[href='/work']").await;
    wait_for_text(client, "h1", "Minha fila").await;
    wait_for_text(client, "#work-count", "4 atendimentos").await;
    wait_for_text(client, "#legend-overdue", "Vencidos 1").await;
    wait_for_text(client, "#legend-today", "Para hoje 1").await;
    let first_row = client.find(Locator::Css("#work-table tbody tr")).await.expect("row");
    assert_eq!(first_row.attr("class").await.expect("class").as_deref(), Some("urgency-row urgency-overdue"));

    click(client, "#work-filter").await;
    wait_for_text(client, "#work-count", "4 atendimentos").await;
    let source = client.source().await.expect("source");
    assert!(!source.contains("Failed to deserialize"), "the defaults as the form sends them");
    for (select, value, expected) in [
        ("#w-urgency", "today", "1 atendimento"),
        ("#w-state", "all", "4 atendimentos"),
        ("#w-scope", "team", "4 atendimentos"),
        ("#w-nature", "complaint", "Nenhum atendimento"),
    ] {
        filter_alone(client, &t.url("/work"), select, value, "#work-filter").await;
        wait_for_text(client, "#work-count", expected).await;
    }

    // The overdue ones kept as a view, then opened again from its chip.
    filter_alone(client, &t.url("/work"), "#w-urgency", "overdue", "#work-filter").await;
    wait_for_text(client, "#work-count", "1 atendimento").await;
    click(client, "#view-save-menu summary").await;
    fill(client, "#view-name", "Atrasados").await;
    click(client, "#view-save").await;
    wait_for_text(client, "#flash .toast", "Visão salva.").await;
    wait_for_text(client, "#saved-views [aria-current=true]", "Atrasados").await;
    click(client, "#view-all").await;
    wait_for_text(client, "#work-count", "4 atendimentos").await;
    click(client, "#saved-views a.filter-chip:not(#view-all)").await;
    wait_for_text(client, "#work-count", "1 atendimento").await;
    wait_for_text(client, "#saved-views [aria-current=true]", "Atrasados").await;

    // The description's column hidden through the chooser.
    client.goto(&t.url("/work")).await.expect("work");
    click(client, "#column-menu summary").await;
    click(client, "#column-description").await;
    click(client, "#columns-save").await;
    wait_for_text(client, "#flash .toast", "Colunas salvas.").await;
    let head = wait_for_text(client, "#work-table thead", "Prazo").await;
    assert!(!head.contains("Descrição"), "the description's column is gone: {head}");
    let _ = client.execute("document.getElementById('column-description').checked = true;", vec![]).await;
    click(client, "#column-menu summary").await;
    click(client, "#columns-save").await;
    wait_for_text(client, "#work-table thead", "Descrição").await;

    client.goto(&t.url("/work")).await.expect("work");
    let boxes = client.find_all(Locator::Css("#work-table input[name=item]")).await.expect("boxes");
    boxes[0].click().await.expect("first");
    // Shift-click on the third chooses the second too.
    client
        .execute("var b = document.querySelectorAll('#work-table input[name=item]')[2]; b.dispatchEvent(new MouseEvent('click', {bubbles: true, shiftKey: true}));", vec![])
        .await
        .expect("shift-click");
    wait_for_text(client, "[data-bulk-count]", "3 escolhidos").await;
    browser.screenshot("work-queue").await;
    click(client, "#bulk-close").await;
    client.accept_alert().await.expect("confirm");
    wait_for_text(client, "#flash", "3 atendimentos concluídos.").await;
    wait_for_text(client, "#work-count", "1 atendimento").await;
    wait_for_text(client, "#work-table", "pesquisa de satisfação").await;
    client.refresh().await.expect("reload");
    wait_for_text(client, "#work-count", "1 atendimento").await;
    let flash = client.find(Locator::Css("#flash")).await.expect("flash").text().await.expect("text");
    assert!(flash.is_empty(), "the flash is shown once: {flash}");
    client.goto(&t.url("/work?state=all")).await.expect("all");
    wait_for_text(client, "#legend-closed", "Encerrados").await;
    let closed = client.find_all(Locator::Css("#work-table tr.urgency-closed")).await.expect("closed");
    assert_eq!(closed.len(), 3);
    browser.close().await;
}

/// The prospects' board: the team's prospects by stage through the filter
/// form, a card dragged to the proposal, another moved by Alt+→ with the
/// focus kept on it, "desfazer", and the move in the customer's history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipeline_board_moves_cards_by_drag_and_keyboard() {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    use fantoccini::key::Key;
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let mut ids = Vec::new();
    for name in ["Transportes Lima", "Padaria Sol"] {
        let body = serde_json::json!({ "kind": "company", "full_name": name, "lifecycle": "prospect" });
        let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body).await;
        assert_eq!(created.status(), 201);
        let created: serde_json::Value = created.json().await.expect("json");
        ids.push(created["party"]["id"].as_str().expect("id").to_string());
    }
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;
    client.set_window_size(1366, 900).await.expect("1366 px");
    click(client, "nav.mainnav a[href='/work']").await;
    click(client, "#work-pipeline").await;
    wait_for_text(client, "h1", "Funil de negociação").await;
    filter_alone(client, &t.url("/pipeline"), "#p-scope", "team", "#pipeline-filter").await;
    wait_for_text(client, "#pipeline-count", "2 prospects em negociação").await;
    wait_for_text(client, "#stage-first_contact", "Transportes Lima").await;

    // Dragged onto the proposal's column.
    let card = format!("[data-card][data-id='{}']", ids[0]);
    let (x, y, _, _) = rect_of(client, &card).await;
    let (column_x, column_y, column_width, _) = rect_of(client, "#stage-proposal").await;
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo { duration: None, x: x + 20.0, y: y + 30.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveTo { duration: Some(Duration::from_millis(150)), x: x + 40.0, y: y + 40.0 })
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(200)),
            x: column_x + column_width / 2.0,
            y: column_y + 40.0,
        })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(drag).await.expect("drag");
    wait_for_text(client, "#flash", "Negociação movida de etapa.").await;
    wait_for_text(client, "#stage-proposal", "Transportes Lima").await;
    browser.screenshot("pipeline-dragged").await;

    // The keyboard: Alt+→ on the other card, which keeps the focus.
    let other = format!("[data-card][data-id='{}']", ids[1]);
    client
        .find(Locator::Css(&other))
        .await
        .expect("card")
        .send_keys(&format!("{}{}", Key::Alt, Key::Right))
        .await
        .expect("Alt+Right");
    wait_for_text(client, "#stage-qualified", "Padaria Sol").await;
    let focused = client
        .execute("return document.activeElement.getAttribute('data-id');", vec![])
        .await
        .expect("focus");
    assert_eq!(focused.as_str(), Some(ids[1].as_str()), "the focus stays on the card moved");
    // "Desfazer" puts it back at the first contact.
    click(client, "#toast-undo").await;
    wait_for_text(client, "#stage-first_contact", "Padaria Sol").await;
    client.refresh().await.expect("reload");
    wait_for_text(client, "#stage-proposal", "Transportes Lima").await;

    client.goto(&t.url(&format!("/customers/{}?tab=history", ids[0]))).await.expect("history");
    wait_for_text(client, "main", "Negociação na etapa Proposta").await;

    // The administrator names the qualification as his team calls it.
    client.goto(&t.url("/pipeline?scope=team")).await.expect("board");
    click(client, "#stage-names-menu summary").await;
    fill(client, "#stage-name-qualified", "Test drive").await;
    click(client, "#stage-names-save").await;
    wait_for_text(client, "#flash .toast", "Nomes das etapas salvos.").await;
    wait_for_text(client, "#stage-qualified-title", "Test drive").await;
    // On a phone the stages stack; nothing spills sideways.
    client.set_window_size(390, 844).await.expect("390 px");
    client.goto(&t.url("/pipeline?scope=team")).await.expect("board");
    wait_for_text(client, "#stage-proposal", "Transportes Lima").await;
    assert!(sideways_overflow(client).await <= 0, "the board spills at 390 px");
    browser.screenshot("pipeline-390").await;
    browser.close().await;
}

/// Início as a seller opens it in the morning: figures that lead to the
/// queue, the due list, a birthday, and the chart arriving after the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_shows_the_days_work_and_the_chart_arrives() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    crate::home::a_day_of_work(&t, &bearer).await;
    let client = &browser.client;
    client.goto(&t.url("/login")).await.expect("open");
    sign_in(client, &t.admin.email, &t.admin.password).await;
    wait_for_text(client, "#due", "devolver a ligação").await;
    wait_for_text(client, "#birthdays", "Heloísa Aniversariante").await;
    wait_for_text(client, "#activity figcaption", "Clientes cadastrados").await;
    assert!(client.find(Locator::Css("#activity svg.chart rect")).await.is_ok(), "the chart's bars");
    browser.screenshot("home-day-pt-BR").await;
    click(client, "#figure-overdue").await;
    wait_for_text(client, "h1", "Minha fila").await;
    wait_for_text(client, "#work-count", "1 atendimento").await;
    let width: i64 = client
        .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
        .await
        .expect("width")
        .as_i64()
        .unwrap_or(1);
    assert!(width <= 0, "no sideways scroll at 1280 px: {width}");
    browser.close().await;
}

/// The command menu: Ctrl+K on any page jumps to a screen or a customer;
/// "/" opens it where the page has no search box.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_menu_jumps_to_screens_and_customers() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let customer = serde_json::json!({ "kind": "person", "full_name": "Valéria Comando" });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", customer).await.status(), 201);
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;

    let body = client.find(Locator::Css("body")).await.expect("body");
    body.send_keys(&format!("{}k{}", fantoccini::key::Key::Control, fantoccini::key::Key::Null))
        .await
        .expect("ctrl+k");
    let input = client.find(Locator::Css("#command-input")).await.expect("the menu's box");
    input.send_keys("fila").await.expect("type");
    wait_for_text(client, "#command-list .is-active", "Minha fila").await;
    browser.screenshot("command-menu").await;
    input.send_keys(&fantoccini::key::Key::Enter.to_string()).await.expect("enter");
    wait_for_text(client, "h1", "Minha fila").await;

    // "/" where there is no search box; a customer by name.
    client.find(Locator::Css("body")).await.expect("body").send_keys("/").await.expect("slash");
    let input = client.find(Locator::Css("#command-input")).await.expect("the menu's box");
    input.send_keys("valeria").await.expect("type");
    wait_for_text(client, "#command-customers", "Valéria Comando").await;
    wait_for_text(client, "#command-list .is-active", "Valéria Comando").await;
    input.send_keys(&fantoccini::key::Key::Down.to_string()).await.expect("down");
    wait_for_text(client, "#command-list .is-active", "Ver todos os resultados").await;
    input.send_keys(&fantoccini::key::Key::Up.to_string()).await.expect("up");
    wait_for_text(client, "#command-list .is-active", "Valéria Comando").await;
    input.send_keys(&fantoccini::key::Key::Enter.to_string()).await.expect("enter");
    wait_for_text(client, "#party-name", "Valéria Comando").await;
    browser.close().await;
}

async fn sideways_overflow(client: &Client) -> i64 {
    client
        .execute("return document.documentElement.scrollWidth - window.innerWidth;", vec![])
        .await
        .expect("width")
        .as_i64()
        .unwrap_or(1)
}

/// At 390 px (a phone) no page scrolls sideways and the menu is behind a
/// button; at 1366 px the top bar keeps one line in all three languages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrow_and_wide_windows_in_every_language() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = crate::home::a_day_of_work(&t, &bearer).await;
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;

    client.set_window_size(390, 844).await.expect("narrow");
    for path in [
        "/".to_string(),
        "/customers".into(),
        format!("/customers/{party}"),
        format!("/customers/{party}?tab=sheet"),
        format!("/customers/{party}?tab=history"),
        "/work".into(),
        "/agenda".into(),
        "/admin/audit".into(),
    ] {
        client.goto(&t.url(&path)).await.expect("open");
        client.find(Locator::Css("main h1")).await.expect("a heading");
        assert!(sideways_overflow(client).await <= 0, "{path} scrolls sideways at 390 px");
    }
    client.goto(&t.url(&format!("/customers/{party}"))).await.expect("profile");
    browser.screenshot("profile-390").await;
    click(client, "[data-menu-toggle]").await;
    click(client, "#mainnav a[href='/work']").await;
    wait_for_text(client, "h1", "Minha fila").await;
    browser.screenshot("work-queue-390").await;

    client.set_window_size(1280, 900).await.expect("wide");
    for (locale, greeting) in [("pt-PT", "Olá"), ("en", "Hello"), ("pt-BR", "Olá")] {
        client.goto(&t.url("/")).await.expect("home");
        click_and_wait_for_the_next_page(client, &format!("button[data-locale='{locale}']")).await;
        wait_for_text(client, "h1", greeting).await;
        let bar: i64 = client
            .execute("return document.querySelector('.topbar').scrollHeight;", vec![])
            .await
            .expect("height")
            .as_i64()
            .unwrap_or(999);
        assert!(bar <= 53, "{locale}: the top bar wraps ({bar} px)");
        let spill = sideways_overflow(client).await;
        assert!(spill <= 0, "{locale}: sideways at 1280 px by {spill} px");
        client.goto(&t.url("/customers")).await.expect("customers");
        assert!(sideways_overflow(client).await <= 0, "{locale}: the customer list spills at 1280 px");
    }
    client.goto(&t.url("/")).await.expect("home");
    browser.screenshot("home-1280-pt-BR").await;

    // The theme button turns the screens dark and back, and the choice
    // outlives the page.
    let background = "return getComputedStyle(document.body).backgroundColor;";
    let shade = |value: serde_json::Value| value.as_str().unwrap_or_default().to_string();
    let light = shade(client.execute(background, vec![]).await.expect("colour"));
    click_and_wait_for_the_next_page(client, "#theme-toggle").await;
    let dark = shade(client.execute(background, vec![]).await.expect("colour"));
    assert_eq!(dark, "rgb(18, 24, 22)", "dark after the switch (was {light})");
    client.goto(&t.url("/customers")).await.expect("customers");
    assert_eq!(shade(client.execute(background, vec![]).await.expect("colour")), dark, "kept");
    browser.screenshot("customers-dark").await;
    click_and_wait_for_the_next_page(client, "#theme-toggle").await;
    assert_eq!(shade(client.execute(background, vec![]).await.expect("colour")), light, "light again");
    browser.close().await;
}

/// The registration form punctuates a CPF, a phone and a CEP as they are
/// typed, and the server takes them so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_masks_documents_phones_and_postal_codes_as_typed() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;
    client.goto(&t.url("/customers/new")).await.expect("new");
    let typed = [
        ("#document", "52998224725", "529.982.247-25"),
        ("#phone1", "11987654321", "(11) 98765-4321"),
        ("#postal_code", "01310100", "01310-100"),
    ];
    for (field, keys, shown) in typed {
        fill(client, field, keys).await;
        let value =
            client.find(Locator::Css(field)).await.expect("field").prop("value").await.expect("value");
        assert_eq!(value.as_deref(), Some(shown), "{field}");
    }
    // A NIF of nine digits is not taken for a CPF.
    fill(client, "#phone2", "+351 912 345 678").await;
    let phone2 =
        client.find(Locator::Css("#phone2")).await.expect("field").prop("value").await.expect("value");
    assert_eq!(phone2.as_deref(), Some("+351 912 345 678"));
    fill(client, "#full_name", "Marta Máscara").await;
    browser.screenshot("form-masks").await;
    click(client, "#save-party").await;
    wait_for_text(client, "#party-name", "Marta Máscara").await;
    wait_for_text(client, "main", "529.982.247-25").await;
    browser.close().await;
}

/// Where an element is on the screen: its left, top, width and height.
async fn rect_of(client: &Client, css: &str) -> (f64, f64, f64, f64) {
    let script = "var r = document.querySelector(arguments[0]).getBoundingClientRect(); \
                  return [r.left, r.top, r.width, r.height];";
    let value = client.execute(script, vec![serde_json::json!(css)]).await.expect("rect");
    let n = |i: usize| value[i].as_f64().expect("number");
    (n(0), n(1), n(2), n(3))
}

/// Sets a field as the browser's own picker would, and says it changed.
async fn set_value(client: &Client, css: &str, value: &str) {
    let script = "var e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                  e.dispatchEvent(new Event('change', {bubbles: true}));";
    client.execute(script, vec![serde_json::json!(css), serde_json::json!(value)]).await.expect("set value");
}

/// The agenda's week as a time grid: a click on a free slot books there,
/// the form warns of a double booking before saving, a drag moves an
/// appointment to another day and hour, Alt+↓ moves it by a quarter hour
/// and "desfazer" puts it back, a change made meanwhile is refused, and
/// the team view shows a shared appointment once, coloured per person.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_week_grid_books_moves_and_warns() {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    use fantoccini::key::Key;
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let colleague = t.create_user("beatriz@concessionaria.test", "member").await;
    let users = t.api_get(&bearer, "/api/v1/users").await;
    let id_of = |email: &str| {
        users.as_array().expect("users").iter().find(|u| u["email"] == email).expect("user")["id"]
            .as_str()
            .expect("id")
            .to_string()
    };
    let (me, her) = (id_of(&t.admin.email), id_of(&colleague.email));
    let book = |body: serde_json::Value| {
        let t = &t;
        let bearer = &bearer;
        async move {
            let booked = t.api_send(reqwest::Method::POST, bearer, "/api/v1/appointments", body).await;
            assert_eq!(booked.status(), 201);
            booked.json::<serde_json::Value>().await.expect("json")["appointment"]["id"]
                .as_str()
                .expect("id")
                .to_string()
        }
    };
    let visit = book(serde_json::json!({ "title": "Visita Ana", "starts_at": "2027-03-02T09:00", "ends_at": "2027-03-02T10:00" })).await;
    book(serde_json::json!({ "title": "Reunião de equipe", "starts_at": "2027-03-03T14:00", "ends_at": "2027-03-03T15:00", "user_ids": [me, her] })).await;
    let starts_of = |id: String| {
        let t = &t;
        let bearer = &bearer;
        async move { t.api_get(bearer, &format!("/api/v1/appointments/{id}")).await["starts_at"].to_string() }
    };

    let client = &browser.client;
    sign_in_as_admin(client, &t).await;
    let week = t.url("/agenda?view=week&date=2027-03-01");
    client.goto(&week).await.expect("agenda");
    wait_for_text(client, "#agenda-grid", "Visita Ana").await;
    browser.screenshot("agenda-week-grid").await;

    // A click on Thursday 10:00 opens the form at that time.
    click(client, ".time-column[data-date='2027-03-04'] .time-slot[href*='time=10:00']").await;
    wait_for_text(client, "h1", "Novo agendamento").await;
    let starts =
        client.find(Locator::Css("#starts_at")).await.expect("start").prop("value").await.expect("value");
    assert_eq!(starts.as_deref(), Some("2027-03-04T10:00"));
    fill(client, "#title", "Test drive Cláudio").await;
    // Moved onto Tuesday's visit, the form warns before anything is saved.
    set_value(client, "#starts_at", "2027-03-02T09:30").await;
    set_value(client, "#ends_at", "2027-03-02T10:30").await;
    wait_for_text(client, "#clash-warning", "Visita Ana").await;
    browser.screenshot("agenda-form-double-booking").await;
    set_value(client, "#starts_at", "2027-03-04T10:00").await;
    set_value(client, "#ends_at", "2027-03-04T11:00").await;
    for _ in 0..50 {
        let text =
            client.find(Locator::Css("#clash-warning")).await.expect("warning").text().await.expect("text");
        if text.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    click(client, "#appointment-save").await;
    // Back on the week it was booked from, saying so.
    wait_for_text(client, "#flash", "Agendamento registrado.").await;
    wait_for_text(client, ".time-column[data-date='2027-03-04']", "Test drive Cláudio").await;

    // Dragged from Tuesday 09:00 to Wednesday 11:00.
    client.goto(&week).await.expect("agenda");
    let event = format!(".grid-event[data-id='{visit}']");
    wait_for_text(client, &event, "Visita Ana").await;
    let first_minute: f64 = client
        .find(Locator::Css("#agenda-grid"))
        .await
        .expect("grid")
        .attr("data-first-minute")
        .await
        .expect("attr")
        .expect("first minute")
        .parse()
        .expect("number");
    client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![serde_json::json!(event)],
        )
        .await
        .expect("scroll");
    let (x, y, _, _) = rect_of(client, &event).await;
    let (column_x, column_y, _, column_height) =
        rect_of(client, ".time-column[data-date='2027-03-03']").await;
    let rows: f64 = client
        .find(Locator::Css(".time-column[data-date='2027-03-03']"))
        .await
        .expect("column")
        .attr("data-rows")
        .await
        .expect("attr")
        .expect("rows")
        .parse()
        .expect("number");
    let row_height = column_height / rows;
    let target_y = column_y + (11.0 * 60.0 - first_minute) / 15.0 * row_height;
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo { duration: None, x: x + 8.0, y: y + 4.0 })
        .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
        .then(PointerAction::MoveTo { duration: Some(Duration::from_millis(150)), x: x + 30.0, y: y + 20.0 })
        .then(PointerAction::MoveTo {
            duration: Some(Duration::from_millis(150)),
            x: column_x + 8.0,
            y: target_y + 4.0,
        })
        .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
    client.perform_actions(drag).await.expect("drag");
    wait_for_text(client, "#flash", "Agendamento movido.").await;
    assert!(
        starts_of(visit.clone()).await.contains("2027-03-03T14:00:00"),
        "11:00 in São Paulo is 14:00 UTC"
    );
    wait_for_text(client, ".time-column[data-date='2027-03-03']", "Visita Ana").await;
    browser.screenshot("agenda-week-dragged").await;

    // The keyboard: the moved appointment has the focus; Alt+↓ is 15 minutes later.
    let focused = client
        .execute("return document.activeElement.getAttribute('data-id');", vec![])
        .await
        .expect("focus");
    assert_eq!(focused.as_str(), Some(visit.as_str()), "the focus stays on the appointment moved");
    client
        .find(Locator::Css(&event))
        .await
        .expect("event")
        .send_keys(&format!("{}{}", Key::Alt, Key::Down))
        .await
        .expect("Alt+Down");
    wait_for_text(client, &event, "11:15").await;
    assert!(starts_of(visit.clone()).await.contains("2027-03-03T14:15:00"));
    // "Desfazer" puts it back at 11:00.
    click(client, "#toast-undo").await;
    wait_for_text(client, &event, "11:00").await;
    assert!(starts_of(visit.clone()).await.contains("2027-03-03T14:00:00"));

    // Changed meanwhile through the API: the grid's move is refused, not applied.
    let current = t.api_get(&bearer, &format!("/api/v1/appointments/{visit}")).await;
    let put = t
        .api_send(
            reqwest::Method::PUT,
            &bearer,
            &format!("/api/v1/appointments/{visit}"),
            serde_json::json!({ "version": current["version"], "title": "Visita Ana (confirmada)", "starts_at": "2027-03-03T11:00", "ends_at": "2027-03-03T12:00" }),
        )
        .await;
    assert_eq!(put.status(), 200);
    client
        .find(Locator::Css(&event))
        .await
        .expect("event")
        .send_keys(&format!("{}{}", Key::Alt, Key::Down))
        .await
        .expect("Alt+Down");
    wait_for_text(client, "#flash", "não foi movido").await;
    assert!(starts_of(visit.clone()).await.contains("2027-03-03T14:00:00"), "the other change stands");

    // The team: the shared meeting once, each person in a colour.
    client.goto(&format!("{week}&user={me}&user={her}")).await.expect("team");
    let legend = wait_for_text(client, "#agenda-legend", "Gerente Teste").await;
    assert!(legend.contains(&colleague.name), "{legend}");
    let meetings = client
        .execute(
            "return Array.from(document.querySelectorAll('#agenda-grid .grid-event')).filter(e => e.textContent.includes('Reunião de equipe')).length;",
            vec![],
        )
        .await
        .expect("count");
    assert_eq!(meetings.as_i64(), Some(1), "a shared appointment appears once");
    let dots = client
        .execute("return Array.from(document.querySelectorAll('#agenda-grid .grid-event')).filter(e => e.textContent.includes('Reunião de equipe'))[0].querySelectorAll('.grid-people .person-swatch').length;", vec![])
        .await
        .expect("dots");
    assert_eq!(dots.as_i64(), Some(2), "each attendee's colour on it");
    let meeting = wait_for_text(client, "#agenda-grid", "Reunião de equipe").await;
    assert!(meeting.contains(&colleague.name), "who attends is said: {meeting}");
    browser.screenshot("agenda-week-team").await;
    browser.close().await;
}

/// Seed 002's e-mail from a sales contact, end to end: the administrator
/// sets up the mail server and tests it; an e-mail written on a customer's
/// page reaches a real SMTP server and shows as sent in his history and
/// the outbox; once the customer withdraws e-mail, no other can be sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_from_the_profile_through_a_real_mail_server() {
    let Some(browser) = Browser::start().await else { return };
    let Some(smtp) = testkit::SmtpReceiver::start() else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let client = &browser.client;
    sign_in_as_admin(client, &t).await;

    client.goto(&t.url("/admin/registry")).await.expect("settings");
    click(client, "#email-settings").await;
    wait_for_text(client, "h1", "E-mail (SMTP)").await;
    fill(client, "#host", "127.0.0.1").await;
    fill(client, "#port", &smtp.port.to_string()).await;
    fill(client, "#tls", "none").await;
    fill(client, "#sender_name", "Concessionária Teste").await;
    fill(client, "#sender_address", "crm@concessionaria.test").await;
    click(client, "#smtp-save").await;
    wait_for_text(client, "#flash", "Configurações de e-mail salvas.").await;
    click(client, "#smtp-test-send").await;
    wait_for_text(client, "#smtp-test", "O servidor aceitou a mensagem de teste.").await;
    wait_for_text(client, "#smtp-test", "250").await;
    browser.screenshot("messages-smtp-settings").await;
    assert_eq!(smtp.wait_for(1, Duration::from_secs(10)).await.len(), 1);

    // A template with a variable, checked as it is saved.
    client.goto(&t.url("/admin/registry")).await.expect("settings");
    click(client, "#email-templates").await;
    click(client, "#new-template").await;
    fill(client, "#name", "Carro pronto").await;
    fill(client, "#subject", "{{ cliente.primeiro_nome }}, seu carro está pronto").await;
    fill(client, "#body", "<p>Olá {{ cliente.primeiro_nome }},</p><p>pode retirar seu carro.</p>").await;
    click(client, "#template-save").await;
    wait_for_text(client, "#flash", "Modelo salvo.").await;
    wait_for_text(client, "#template-sample", "Maria, seu carro está pronto").await;
    browser.screenshot("messages-template").await;

    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let body = serde_json::json!({ "kind": "person", "full_name": "Simone Simões Lima",
        "emails": ["simone@exemplo.com.br"], "consents": ["email"] });
    let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body).await;
    let party = created.json::<serde_json::Value>().await.expect("json")["party"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    client.goto(&t.url(&format!("/customers/{party}"))).await.expect("profile");
    click(client, "#send-email").await;
    wait_for_text(client, "h1", "Enviar e-mail").await;
    fill(client, "#template", &template_choice(client).await).await;
    click(client, "#compose-use-template").await;
    wait_for_text(client, "#compose-preview", "Simone, seu carro está pronto").await;
    browser.screenshot("messages-compose").await;
    click(client, "#compose-send").await;
    wait_for_text(client, "#flash", "Mensagem na caixa de saída").await;
    let received = smtp.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].subject, "Simone, seu carro está pronto");
    assert!(received[1].text.contains("pode retirar seu carro."), "{}", received[1].text);
    for _ in 0..50 {
        client.refresh().await.expect("reload");
        let history = client.find(Locator::Css("main")).await.expect("main").text().await.unwrap_or_default();
        if history.contains("E-mail enviado") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_text(client, "main", "E-mail enviado").await;
    browser.screenshot("messages-history").await;

    client.goto(&t.url("/admin/outbox")).await.expect("outbox");
    wait_for_text(client, "#outbox-table", "Enviada").await;
    wait_for_text(client, "#outbox-table", "Simone Simões Lima").await;
    browser.screenshot("messages-outbox").await;

    // The customer withdraws e-mail: the next one cannot be sent.
    client.goto(&t.url(&format!("/customers/{party}?tab=sheet"))).await.expect("sheet");
    click(client, "#withdraw-email").await;
    client.accept_alert().await.expect("confirm");
    wait_for_text(client, "#consent-history", "Retirado").await;
    client.goto(&t.url(&format!("/customers/{party}"))).await.expect("profile");
    click(client, "#send-email").await;
    wait_for_text(client, "#compose-blocked", "não autorizou contato por e-mail").await;
    assert!(client.find(Locator::Css("#compose-send")).await.is_err(), "no send button");
    assert_eq!(smtp.received().len(), 2, "nothing more arrived");
    browser.close().await;
}

/// The value of the compose page's only template.
async fn template_choice(client: &Client) -> String {
    let option =
        client.find(Locator::Css("#template option:nth-child(2)")).await.expect("a template to choose");
    option.attr("value").await.expect("value").unwrap_or_default()
}

/// Seed 004's retail customer in the browser: a credit sale in three with
/// a coupon entered from the customer's page, its totals, points and
/// installments; then the first installment, 40 days late, paid from its
/// row, moving days overdue and the average delay; then what is left
/// renegotiated into four with interest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_sale_with_a_coupon_then_an_installment_paid_late() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let client = &browser.client;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let setup = [
        ("/api/v1/stores", serde_json::json!({ "code": "01", "name": "Loja Centro" })),
        (
            "/api/v1/products",
            serde_json::json!({ "code": "TV55", "name": "TV 55 polegadas", "price": 300000 }),
        ),
        (
            "/api/v1/coupons",
            serde_json::json!({ "code": "NATAL10", "kind": "percent", "value": 1000, "single_use": true }),
        ),
    ];
    for (path, body) in setup {
        assert_eq!(t.api_send(reqwest::Method::POST, &bearer, path, body).await.status(), 201, "{path}");
    }
    let program = serde_json::json!({ "version": 0, "active": true, "points_per_unit": 1, "expiry_months": 12, "minimum_redeem": 100 });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/loyalty", program).await.status(),
        200
    );
    let customer = serde_json::json!({ "kind": "person", "full_name": "Helena Prado", "revolving_credit_limit": "5.000,00" });
    let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", customer).await;
    let party = created.json::<serde_json::Value>().await.expect("json")["party"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
    let sold_on = today - chrono::Duration::days(70);
    let first_due = today - chrono::Duration::days(40);
    let second_due = first_due.checked_add_months(chrono::Months::new(1)).expect("date");

    sign_in_as_admin(client, &t).await;
    client.goto(&t.url(&format!("/customers/{party}?tab=purchases"))).await.expect("purchases");
    wait_for_text(client, "#purchases-empty", "Nenhuma compra").await;
    click(client, "#new-sale").await;
    wait_for_text(client, "h1", "Registrar venda").await;
    fill(client, "#item-product-0", "TV55").await;
    fill(client, "#item-quantity-0", "1").await;
    fill(client, "#payment", "store_credit").await;
    fill(client, "#installments", "3").await;
    set_value(client, "#sold_at", &format!("{sold_on}T10:00")).await;
    set_value(client, "#first_due", &first_due.to_string()).await;
    fill(client, "#coupon", "natal10").await;
    browser.screenshot("sales-quick-entry").await;
    click(client, "#sale-save").await;
    wait_for_text(client, "#flash", "Venda registrada.").await;
    wait_for_text(client, "#purchase-figures", "R$ 2.700,00").await;
    wait_for_text(client, "#purchases", "NATAL10 −R$ 300,00").await;

    click(client, "#tab-loyalty").await;
    wait_for_text(client, "#points-figures", "2.700").await;

    click(client, "#tab-finance").await;
    wait_for_text(client, "#installments-table", "R$ 900,00").await;
    browser.screenshot("sales-finance-overdue").await;
    let days_overdue = "#credit-figures div:nth-child(2) dd";
    let average_delay = "#credit-figures div:nth-child(3) dd";
    assert_eq!(wait_for_text(client, days_overdue, "40").await, "40");
    assert_eq!(wait_for_text(client, average_delay, "—").await, "—");
    let overdue =
        client.find_all(Locator::Css("#installments-table tr.installment-overdue")).await.expect("rows");
    assert_eq!(overdue.len(), 2, "the first two are past due");

    click(client, "#installments-table tbody tr:first-child button").await;
    wait_for_text(client, "#flash", "Pagamento registrado.").await;
    let second_late = (today - second_due).num_days().to_string();
    assert_eq!(wait_for_text(client, days_overdue, &second_late).await, second_late, "now the second's");
    assert_eq!(wait_for_text(client, average_delay, "40,0 dias").await, "40,0 dias");
    wait_for_text(client, "#installments-table tbody tr:first-child", "Paga").await;
    browser.screenshot("sales-finance-paid-late").await;

    // What is left, R$ 1.800,00 with the second overdue, renegotiated into four with R$ 40,00 of interest.
    click(client, "#installments-table tbody tr:nth-child(2) a").await;
    wait_for_text(client, "h1", "Renegociar parcelas").await;
    wait_for_text(client, "#renegotiation-open-total", "R$ 1.800,00").await;
    fill(client, "#installments", "4").await;
    fill(client, "#charge", "40,00").await;
    fill(client, "#reason", "Acordo por telefone").await;
    browser.screenshot("sales-renegotiation").await;
    click(client, "#renegotiation-save").await;
    wait_for_text(client, "#flash", "Parcelas renegociadas.").await;
    assert_eq!(wait_for_text(client, days_overdue, "0").await, "0", "nothing late any more");
    wait_for_text(client, "#installments-table", "R$ 460,00").await;
    let replaced =
        client.find_all(Locator::Css("#installments-table tr.installment-renegotiated")).await.expect("rows");
    assert_eq!(replaced.len(), 2, "the two open ones, kept");
    browser.close().await;
}

/// Seed 001's quote from the customer's page: a catalogue line and a free
/// one, a discount, saved, edited (the first revision kept), sent and
/// accepted from its buttons.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quote_written_edited_sent_and_accepted() {
    let Some(browser) = Browser::start().await else { return };
    let Some(smtp) = testkit::SmtpReceiver::start() else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let client = &browser.client;
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let settings = serde_json::json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none",
                                       "sender_address": "vendas@concessionaria.test", "version": 0 });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/smtp", settings).await.status(),
        200
    );
    for product in [
        serde_json::json!({ "code": "PNEU", "name": "Pneu aro 14", "unit": "un", "price": 38990 }),
        serde_json::json!({ "code": "CALOTA", "name": "Calota aro 14", "unit": "jg", "price": 12000 }),
    ] {
        assert_eq!(
            t.api_send(reqwest::Method::POST, &bearer, "/api/v1/products", product).await.status(),
            201
        );
    }
    // The policy allows 5 % at most; a seller holds no right to go beyond.
    let rules = serde_json::json!({ "rules": [{ "name": "Base", "max_percent": 500 }] });
    let saved = t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/discount-rules", rules).await;
    assert_eq!(saved.status(), 200);
    let seller = t.create_user("vendedor@concessionaria.test", "member").await;
    let seller_bearer = format!("Bearer {}", t.token_for(&seller).await);
    let customer = serde_json::json!({ "kind": "company", "full_name": "Transportes Andrade Ltda",
                                       "emails": ["compras@andrade.com.br"], "consents": ["email"] });
    let created = t.api_send(reqwest::Method::POST, &seller_bearer, "/api/v1/parties", customer).await;
    let party = created.json::<serde_json::Value>().await.expect("json")["party"]["id"]
        .as_str()
        .expect("id")
        .to_string();

    let write_quote = async || {
        client.goto(&t.url(&format!("/customers/{party}?tab=quotes"))).await.expect("quotes");
        wait_for_text(client, "#quotes-empty", "Nenhum orçamento").await;
        click(client, "#new-quote").await;
        wait_for_text(client, "h1", "Novo orçamento").await;
        wait_for_text(client, "#discount-advice", "Até 5 %").await;
        fill(client, "#line-product-0", "PNEU").await;
        fill(client, "#line-quantity-0", "4").await;
        fill(client, "#line-discount-0", "10").await;
        fill(client, "#line-description-1", "Montagem e balanceamento").await;
        fill(client, "#line-quantity-1", "1,5").await;
        fill(client, "#line-unit-price-1", "80,00").await;
        fill(client, "#line-product-2", "CALOTA").await;
        fill(client, "#line-quantity-2", "1").await;
        fill(client, "#discount", "5").await;
        fill(client, "#freight", "45,00").await;
        fill(client, "#payment_terms", "installments").await;
        fill(client, "#installments", "3").await;
        click(client, "#quote-save").await;
    };
    client.goto(&t.url("/login")).await.expect("open");
    sign_in(client, &seller.email, &seller.password).await;
    wait_for_text(client, "h1", "Olá").await;
    write_quote().await;
    wait_for_text(client, "#form-alert", "desconto máximo").await;
    browser.screenshot("quote-discount-refused").await;
    click(client, "#logout").await;
    wait_for_text(client, "h1", "Entre na sua conta").await;

    // The supervisor's (the administrator holds the right): saved, audited.
    sign_in_as_admin(client, &t).await;
    write_quote().await;
    wait_for_text(client, "#flash", "Orçamento criado.").await;
    // 4 × 389,90 − 10 % + 1,5 × 80,00 + 120,00 = 1.643,64; − 5 %; + 45,00.
    wait_for_text(client, "#quote-lines", "R$ 1.606,46").await;
    wait_for_text(client, "#quote-state", "Rascunho").await;

    click(client, "#quote-edit").await;
    wait_for_text(client, "h1", "Orçamento nº 1").await;
    fill(client, "#freight", "").await;
    click(client, "#quote-save").await;
    wait_for_text(client, "#flash", "Orçamento salvo.").await;
    wait_for_text(client, "#quote-lines", "R$ 1.561,46").await;
    wait_for_text(client, "#quote-revisions", "rev. 1").await;

    click(client, "#quote-step-sent").await;
    wait_for_text(client, "#flash", "Orçamento marcado como enviado.").await;
    click(client, "#quote-step-accepted").await;
    wait_for_text(client, "#flash", "Aceite do cliente registrado.").await;
    wait_for_text(client, "#quote-state", "Aceito").await;
    browser.screenshot("quote-accepted").await;

    // Its document: previewed in a tab of its own, the PDF fetched through
    // the page's link, and e-mailed to the customer with the PDF attached.
    let main_window = client.window().await.expect("this window");
    click(client, "#quote-preview").await;
    let mut preview = None;
    for _ in 0..50 {
        let windows = client.windows().await.expect("windows");
        preview = windows.into_iter().find(|w| *w != main_window);
        if preview.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    client.switch_to_window(preview.expect("the preview's tab")).await.expect("to the preview");
    wait_for_text(client, "body", "Transportes Andrade Ltda").await;
    wait_for_text(client, "body", "R$ 1.561,46").await;
    browser.screenshot("quote-preview").await;
    client.close_window().await.expect("close the preview");
    client.switch_to_window(main_window).await.expect("back to the quote");
    let fetch = "const done = arguments[arguments.length - 1]; \
                 fetch(document.querySelector('#quote-pdf').href) \
                   .then(r => r.arrayBuffer().then(b => done([r.headers.get('content-type'), b.byteLength])));";
    let fetched = client.execute_async(fetch, vec![]).await.expect("the PDF through its link");
    assert_eq!(fetched[0], "application/pdf", "{fetched}");
    assert!(fetched[1].as_u64().unwrap_or_default() > 1_000, "{fetched}");
    click(client, "#quote-send").await;
    wait_for_text(client, "#flash", "Proposta na fila de envio").await;
    let received = smtp.wait_for(1, Duration::from_secs(20)).await;
    let attachment = &received[0].attachments[0];
    assert_eq!(attachment.content_type, "application/pdf");
    use base64::Engine;
    let pdf = base64::engine::general_purpose::STANDARD.decode(&attachment.content_base64).expect("base64");
    let text = testkit::pdf_text(&pdf);
    assert!(text.contains("Transportes Andrade Ltda") && text.contains("R$ 1.561,46"), "{text}");
    assert!(text.contains("Pneu aro 14") && text.contains("Calota aro 14"), "{text}");

    // The order, moved through production's queue to delivered, invoiced
    // at the only store, and its sale on the customer's purchases.
    let store = serde_json::json!({ "code": "01", "name": "Matriz" });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, "/api/v1/stores", store).await.status(), 201);
    let destination = client.find(Locator::Css("#destination")).await.expect("destination");
    destination.select_by_value("production").await.expect("production");
    click(client, "#quote-make-order").await;
    wait_for_text(client, "#flash", "Pedido gerado.").await;
    // In the plant manager's queue, opened from there.
    client.goto(&t.url("/orders")).await.expect("the production queue");
    wait_for_text(client, "#orders-table", "Transportes Andrade Ltda").await;
    browser.screenshot("orders-production-queue").await;
    click(client, "#orders-table a").await;
    for (button, state) in [
        ("#order-step-in_production", "Em produção"),
        ("#order-step-ready", "Pronto"),
        ("#order-step-delivered", "Entregue"),
    ] {
        click(client, button).await;
        wait_for_text(client, "#order-state", state).await;
    }
    fill(client, "#fiscal_number", "4521").await;
    set_value(client, "#first_due", "2030-01-10").await;
    click(client, "#order-invoice-submit").await;
    client.accept_alert().await.expect("confirm the invoice");
    wait_for_text(client, "#flash", "Pedido faturado").await;
    wait_for_text(client, "#order-state", "Faturado").await;
    browser.screenshot("order-invoiced").await;
    click(client, "#order-sale-link").await;
    wait_for_text(client, ".sale", "Montagem e balanceamento").await;
    wait_for_text(client, ".sale", "R$ 1.561,46").await;
    client.goto(&t.url(&format!("/customers/{party}?tab=finance"))).await.expect("finance");
    wait_for_text(client, "#installments-table", "10/01/2030").await;
    let installments = client.find_all(Locator::Css("#installments-table tbody tr")).await.expect("rows");
    assert_eq!(installments.len(), 3, "three installments from the quote's terms");

    // A contract attached from the customer's page, then found again from
    // the search box by its number.
    let scan = tempfile::Builder::new().suffix(".pdf").tempfile().expect("a file to attach");
    std::fs::write(scan.path(), b"%PDF-1.4\n% contrato assinado\n%%EOF\n").expect("written");
    client.goto(&t.url(&format!("/customers/{party}?tab=contracts"))).await.expect("contracts");
    click(client, "#new-contract").await;
    wait_for_text(client, "h1", "Anexar contrato").await;
    let file = client.find(Locator::Css("#file")).await.expect("file input");
    file.send_keys(&scan.path().display().to_string()).await.expect("choose the file");
    fill(client, "#number", "CT-2026/077").await;
    set_value(client, "#expires_on", "2030-12-31").await;
    fill(client, "#quote_number", "1").await;
    click(client, "#contract-save").await;
    wait_for_text(client, "#flash", "Contrato anexado.").await;
    wait_for_text(client, "#contract-quote", "Orçamento nº 1").await;
    browser.screenshot("contract").await;
    client.goto(&t.url("/")).await.expect("home");
    client.find(Locator::Css("body")).await.expect("body").send_keys("/").await.expect("slash");
    let input = client.find(Locator::Css("#command-input")).await.expect("the menu's box");
    input.send_keys("2026/077").await.expect("type");
    wait_for_text(client, "#search-contracts", "CT-2026/077").await;
    click(client, "#search-contracts a").await;
    wait_for_text(client, "h1", "Contrato CT-2026/077").await;
    browser.close().await;
}

/// Seed 004 as a telemarketing agent: the engine from the menu, the count
/// changing as UF, SMS consent and "has not bought since" are set, the
/// customers found, sorted by days overdue, a row checked with the space
/// bar, and the defaults of the form as the browser sends them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relationship_engine_counts_as_filters_change_and_checks_rows_by_keyboard() {
    let Some(browser) = Browser::start().await else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let login = app::auth::LoginInput {
        email: &t.admin.email,
        password: &t.admin.password,
        ip: None,
        user_agent: None,
    };
    let admin = t.app.auth().login(login).await.expect("login").actor;
    let store =
        domain::catalogue::StoreDraft { code: "01".into(), name: "Loja Centro".into(), cnpj: String::new() };
    t.app.catalogue().create_store(&admin, &store).await.expect("store");
    let product = domain::catalogue::ProductDraft {
        code: "PNEU".into(),
        name: "Pneu aro 14".into(),
        price: "389,90".into(),
        active: true,
        ..Default::default()
    };
    t.app.catalogue().create_product(&admin, &product).await.expect("product");
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
    let mut created = Vec::new();
    for (name, state, consents, bought_days_ago) in [
        ("Sofia Prado", "SP", vec!["sms_whatsapp"], Some(700)),
        ("Ana Moreira", "SP", vec!["sms_whatsapp"], Some(30)),
        ("Tânia Reis", "SP", vec![], None),
        ("Rui Tavares", "RJ", vec!["sms_whatsapp"], Some(700)),
    ] {
        let draft = domain::party::PartyDraft {
            full_name: name.into(),
            address: domain::party::AddressDraft {
                street: "Rua A".into(),
                number: "1".into(),
                city: "Cidade".into(),
                state: state.into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let input =
            app::parties::PartyInput { draft, consents: consents.into_iter().map(String::from).collect() };
        let party =
            domain::PartyId(t.app.parties().create_party(&admin, input).await.expect("party").party.id);
        created.push(party);
        if let Some(days) = bought_days_ago {
            let sale = domain::sale::SaleDraft {
                store: "01".into(),
                sold_at: format!("{}T10:00", today - chrono::Duration::days(days)),
                items: vec![domain::sale::SaleItemDraft {
                    product: "PNEU".into(),
                    quantity: "1".into(),
                    ..Default::default()
                }],
                payment: "cash".into(),
                ..Default::default()
            };
            t.app.sales().record_sale(&admin, party, &sale).await.expect("sale");
        }
    }
    // A telemarketing agent of the Centro branch.
    let branch = t.app.access().create_branch(&admin, "Centro", "").await.expect("branch");
    let agent_input = app::users::NewUserInput {
        email: "tele@loja.test".into(),
        display_name: "Telma Agente".into(),
        password: "senha-da-telma-1".into(),
        role: "member".into(),
        ..Default::default()
    };
    let agent = t.app.users().create_user(&admin, agent_input).await.expect("agent");
    let roles = t.app.access().list_roles(&admin).await.expect("roles");
    let telemarketing = roles.iter().find(|r| r.key == "telemarketing").expect("role");
    t.app
        .access()
        .assign_user(&admin, agent.id, Some(domain::BranchId(branch.id)), &[domain::RoleId(telemarketing.id)])
        .await
        .expect("assign");

    let client = &browser.client;
    client.goto(&t.url("/login")).await.expect("open");
    sign_in(client, "tele@loja.test", "senha-da-telma-1").await;
    wait_for_text(client, "h1", "Olá").await;
    click(client, "#nav-engine").await;
    wait_for_text(client, "h1", "Motor de relacionamento").await;
    wait_for_text(client, "#engine-total", "4 clientes").await;
    // Each filter changes the count, without a submit.
    fill(client, "#state", "SP").await;
    wait_for_text(client, "#engine-total", "3 clientes").await;
    click(client, "#group-consents summary").await;
    click(client, "#consent_sms_whatsapp").await;
    wait_for_text(client, "#engine-total", "2 clientes").await;
    wait_for_text(client, "#engine-count-sms_whatsapp", "2").await;
    click(client, "#group-purchases summary").await;
    set_value(client, "#last_purchase_to", &(today - chrono::Duration::days(365)).to_string()).await;
    wait_for_text(client, "#engine-total", "1 cliente").await;
    click(client, "#engine-search").await;
    wait_for_text(client, "#engine-table", "Sofia Prado").await;
    let rows = client.find_all(Locator::Css("#engine-table tbody tr")).await.expect("rows");
    assert_eq!(rows.len(), 1, "only who has not bought for a year");
    browser.screenshot("relationship-engine").await;

    // Without the date: both SMS customers of SP, sorted by days overdue.
    set_value(client, "#last_purchase_to", "").await;
    click(client, "#engine-search").await;
    wait_for_text(client, "#engine-table", "Ana Moreira").await;
    click(client, "#sort-days_overdue").await;
    wait_for_text(client, "#engine-table", "Sofia Prado").await;
    let sorted = client.find(Locator::Css("#engine-table th[aria-sort='ascending']")).await.expect("sorted");
    assert!(sorted.text().await.expect("text").contains("Dias de atraso"));
    let state = client.find(Locator::Css("#state")).await.expect("state").prop("value").await.expect("value");
    assert_eq!(state.as_deref(), Some("SP"), "the filters stay after sorting");
    // The space bar checks the focused row; ↓ moves to the next.
    client.execute("document.querySelector('#engine-table tbody tr').focus()", vec![]).await.expect("focus");
    let first = client.find(Locator::Css("#engine-table tbody tr")).await.expect("row");
    first.send_keys(" ").await.expect("space");
    wait_for_text(client, "[data-bulk-count]", "1 escolhidos").await;
    first.send_keys("\u{E015}").await.expect("arrow down");
    let focused = client.execute("return document.activeElement.id", vec![]).await.expect("focused");
    let second_id = client.find_all(Locator::Css("#engine-table tbody tr")).await.expect("rows")[1]
        .attr("id")
        .await
        .expect("id");
    assert_eq!(focused.as_str(), second_id.as_deref());
    let source = client.source().await.expect("source");
    assert!(!source.contains("Failed to deserialize"), "the defaults as the form sends them");

    // The segment is saved with the filters as they stand, not as last searched.
    let year_ago = (today - chrono::Duration::days(365)).to_string();
    set_value(client, "#last_purchase_to", &year_ago).await;
    wait_for_text(client, "#engine-total", "1 cliente").await;
    fill(client, "#segment_name", "SP sem compra há um ano").await;
    click(client, "#segment-save").await;
    wait_for_text(client, "#flash", "Segmento salvo.").await;
    wait_for_text(client, "#engine-segments", "SP sem compra há um ano").await;
    wait_for_text(client, "#engine-total", "1 cliente").await;
    let kept = client
        .find(Locator::Css("#last_purchase_to"))
        .await
        .expect("date")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some(year_ago.as_str()), "the date set after the last search was saved");
    wait_for_text(client, "#engine-table", "Sofia Prado").await;

    // F9 on the row: the customer's detail, an occurrence with a call back tomorrow.
    client.execute("document.querySelector('#engine-table tbody tr').focus()", vec![]).await.expect("focus");
    let row = client.find(Locator::Css("#engine-table tbody tr")).await.expect("row");
    row.send_keys("\u{E039}").await.expect("F9");
    wait_for_text(client, "h1", "Sofia Prado").await;
    wait_for_text(client, "#detail-consents", "SMS/WhatsApp").await;
    fill(client, "#kind", "offer").await;
    fill(client, "#result", "call_back").await;
    fill(client, "#notes", "Quer ver a promoção de pneus").await;
    let tomorrow = today + chrono::Duration::days(1);
    set_value(client, "#next_contact_at", &format!("{tomorrow}T10:00")).await;
    click(client, "#occurrence-save").await;
    wait_for_text(client, "#flash", "a ligação de retorno está na sua agenda").await;
    let today_shown = today.format("%d/%m/%Y").to_string();
    wait_for_text(client, "#engine-table", &today_shown).await;
    let segment = client.find(Locator::Css("#segment_name")).await.expect("back on the grid");
    assert!(segment.is_displayed().await.expect("shown"));
    client.goto(&t.url(&format!("/agenda?view=day&date={tomorrow}"))).await.expect("agenda");
    wait_for_text(client, "main", "Sofia Prado").await;

    // The performance report shows the contact, and after a sale to her, the sale.
    client.goto(&t.url("/engine")).await.expect("engine");
    click(client, "#engine-reports").await;
    wait_for_text(client, "#report-total", "1 contato").await;
    wait_for_text(client, "#report-performance", "Telma Agente").await;
    let sofia = created[0];
    let sale = domain::sale::SaleDraft {
        store: "01".into(),
        sold_at: chrono::Utc::now()
            .with_timezone(&chrono_tz::America::Sao_Paulo)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        items: vec![domain::sale::SaleItemDraft {
            product: "PNEU".into(),
            quantity: "1".into(),
            ..Default::default()
        }],
        payment: "cash".into(),
        ..Default::default()
    };
    t.app.sales().record_sale(&admin, sofia, &sale).await.expect("sale after the call");
    click(client, "#report-show").await;
    let line = wait_for_text(client, "#report-performance", "389,90").await;
    assert!(line.contains("100%"), "the one customer called bought: {line}");
    browser.screenshot("occurrence-report").await;

    // A call list from the rows checked with the space bar, worked by the keyboard.
    client.goto(&t.url("/engine?state=SP&search=1")).await.expect("engine");
    wait_for_text(client, "#engine-table", "Ana Moreira").await;
    client.execute("document.querySelector('#engine-table tbody tr').focus()", vec![]).await.expect("focus");
    let first = client.find(Locator::Css("#engine-table tbody tr")).await.expect("row");
    first.send_keys(" ").await.expect("space");
    first.send_keys("\u{E015}").await.expect("arrow down");
    let second = client.find_all(Locator::Css("#engine-table tbody tr")).await.expect("rows")[1].clone();
    second.send_keys(" ").await.expect("space");
    wait_for_text(client, "[data-bulk-count]", "2 escolhidos").await;
    fill(client, "#call-list-name", "Retornos de hoje").await;
    click(client, "#call-list-make").await;
    wait_for_text(client, "#call-list-progress", "0 de 2 ligados").await;
    client.execute("document.querySelector('#call-entries tbody tr').focus()", vec![]).await.expect("focus");
    let row = client.find(Locator::Css("#call-entries tbody tr")).await.expect("row");
    row.send_keys("\u{E039}").await.expect("F9");
    wait_for_text(client, "h1", "Ana Moreira").await;
    fill(client, "#kind", "offer").await;
    fill(client, "#result", "no_answer").await;
    click(client, "#occurrence-save").await;
    wait_for_text(client, "h1", "Sofia Prado").await;
    browser.close().await;
}

/// Fetches a path as the signed-in page would, returning its content type
/// and its body in base64.
async fn fetched(client: &Client, path: &str) -> (String, Vec<u8>) {
    let script = "return fetch(arguments[0]).then(r => r.arrayBuffer().then(b => {
        let s = ''; new Uint8Array(b).forEach(c => s += String.fromCharCode(c));
        return [r.headers.get('content-type'), btoa(s)]; }));";
    let answer = client.execute(script, vec![serde_json::json!(path)]).await.expect("fetch");
    let kind = answer[0].as_str().unwrap_or_default().to_string();
    let body = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        answer[1].as_str().unwrap_or_default(),
    )
    .expect("base64");
    (kind, body)
}

/// Seed 002's sections in order, as an inside seller works them: a contact
/// with two products, its attendance cycle, an appointment after a look at
/// the free days, a note from the standard text kept "a concluir" and
/// finished from the pending notes, an e-mail from a note, the workflow's
/// decisions, a surplus sale and the closing, reopening refused and then
/// done with the supervisor's credentials, both histories, the visit sheet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_follow_up_walk_of_seed_002() {
    let Some(browser) = Browser::start().await else { return };
    let Some(smtp) = testkit::SmtpReceiver::start() else { return };
    let t = TestApp::spawn(TestDb::sqlite().await).await;
    let admin = format!("Bearer {}", t.token_for(&t.admin).await);
    let settings = serde_json::json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none",
        "sender_address": "vendas@concessionaria.test", "version": 0 });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, &admin, "/api/v1/settings/smtp", settings).await.status(),
        200
    );
    for (code, name) in
        [("SEG-AUTO", "Seguro auto"), ("REV-10", "Revisão 10 mil km"), ("PNEU-4", "Jogo de pneus")]
    {
        let product = serde_json::json!({ "code": code, "name": name, "unit": "un", "price": 10000 });
        assert_eq!(
            t.api_send(reqwest::Method::POST, &admin, "/api/v1/products", product).await.status(),
            201
        );
    }
    let centre = serde_json::json!({ "name": "Inside sales", "members": [] });
    let centre = t.api_send(reqwest::Method::POST, &admin, "/api/v1/follow-up/centres", centre).await;
    let centre = centre.json::<serde_json::Value>().await.expect("json")["id"].clone();
    let kind = serde_json::json!({
        "name": "Venda", "note_text": "Cliente contatado; apresentada a proposta do seguro.",
        "email_subject": "Sua proposta", "email_text": "Olá, segue a proposta combinada.",
        "workflow": { "decisions": [
            { "question": "Contato efetivado?", "yes": { "kind": "ask", "decision": 1 }, "no": { "kind": "return", "centre": null, "in_days": 2 } },
            { "question": "Cliente quer nova proposta?", "yes": { "kind": "return", "centre": centre, "in_days": 3 }, "no": { "kind": "close", "outcome": "lost" } }
        ] },
        "cycle": { "questions": [
            { "key": "uso", "text": "Para que quer o seguro?", "kind": "text" },
            { "key": "prazo", "text": "Quando pretende comprar?", "kind": "choice", "options": ["Este mês", "Sem prazo"] }
        ] }
    });
    let kind = t.api_send(reqwest::Method::POST, &admin, "/api/v1/follow-up/attendance-types", kind).await;
    assert_eq!(kind.status(), 201);
    let kind = kind.json::<serde_json::Value>().await.expect("json")["id"].as_str().expect("id").to_string();
    let layout = serde_json::json!({ "name": "Visita completa", "sections": ["customer", "products", "cycle", "notes", "report"] });
    assert_eq!(
        t.api_send(reqwest::Method::POST, &admin, "/api/v1/follow-up/visit-sheet-layouts", layout)
            .await
            .status(),
        201
    );

    // The seller's own customer, who allows e-mail.
    let seller = t.create_user("vendedora@concessionaria.test", "member").await;
    let bearer = format!("Bearer {}", t.token_for(&seller).await);
    let body = serde_json::json!({ "kind": "person", "full_name": "Marcos Teixeira",
        "emails": ["marcos@exemplo.com.br"], "consents": ["email"] });
    let created = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body).await;
    let party = created.json::<serde_json::Value>().await.expect("json")["party"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let client = &browser.client;
    client.goto(&t.url("/login")).await.expect("open");
    sign_in(client, &seller.email, &seller.password).await;
    wait_for_text(client, "h1", "Olá").await;

    // Vendas (follow up) on the person: a contact with two products.
    client.goto(&t.url(&format!("/customers/{party}?tab=follow_up"))).await.expect("tab");
    click(client, "#new-sales-contact").await;
    fill(client, "#name", "Seguro do carro novo").await;
    fill(client, "#product-0", "SEG-AUTO").await;
    fill(client, "#product-1", "REV-10").await;
    fill(client, "#attendance_type", &kind).await;
    click(client, "#contact-save").await;
    wait_for_text(client, "#flash", "Contato de venda aberto.").await;
    wait_for_text(client, "#contact-products", "REV-10").await;
    let contact_url = client.current_url().await.expect("url").to_string();
    browser.screenshot("follow-up-contact").await;

    // Ciclo: the questionnaire answered and kept.
    fill(client, "#cycle-0", "Carro da família").await;
    fill(client, "#cycle-1", "Este mês").await;
    click(client, "#cycle-save").await;
    wait_for_text(client, "#flash", "Ciclo de atendimento gravado.").await;
    let kept =
        client.find(Locator::Css("#cycle-0")).await.expect("answer").prop("value").await.expect("value");
    assert_eq!(kept.as_deref(), Some("Carro da família"));

    // Agenda: the free days first, then an appointment from the contact.
    click(client, "#contact-free-days").await;
    wait_for_text(client, "h1", "Dias livres").await;
    client.back().await.expect("back");
    click(client, "#contact-appointment").await;
    wait_for_text(client, "h1", "Novo agendamento").await;
    fill(client, "#title", "Visita · seguro").await;
    click(client, "#appointment-save").await;
    wait_for_text(client, "#contact-appointments-upcoming", "Visita · seguro").await;

    // A note from the standard text, kept "a concluir", finished from the pending notes.
    click(client, "#use-standard").await;
    let body = client.find(Locator::Css("#body")).await.expect("body").prop("value").await.expect("value");
    assert_eq!(body.as_deref(), Some("Cliente contatado; apresentada a proposta do seguro."));
    click(client, "#note-keep").await;
    wait_for_text(client, "#flash", "Pareceres pendentes").await;
    client.goto(&t.url("/follow-up")).await.expect("list");
    click(client, "#pending-notes").await;
    wait_for_text(client, "#pending-table", "Seguro do carro novo").await;
    click(client, "#pending-table a.button").await;
    fill(client, "#body", "Cliente contatado; vai conversar com a esposa.").await;
    click(client, "#note-save").await;
    wait_for_text(client, "#flash", "Parecer gravado.").await;

    // The confirmed note asks the workflow's first decision.
    client.goto(&contact_url).await.expect("contact");
    wait_for_text(client, "#decision-question", "Contato efetivado?").await;

    // E-mail from a note: the type's subject and text, through the outbox.
    click(client, "#note-email summary").await;
    fill(client, "#body", "Pediu a proposta por e-mail.").await;
    click(client, "#note-send-email").await;
    wait_for_text(client, "#flash", "E-mail colocado na fila").await;
    let received = smtp.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received[0].rcpt_tos, ["marcos@exemplo.com.br"]);
    assert!(received[0].text.contains("segue a proposta combinada"), "{}", received[0].text);

    // The decisions: reached, wants a new proposal → back in 3 days at the centre.
    wait_for_text(client, "#decision-question", "Contato efetivado?").await;
    click(client, "#decide-yes").await;
    wait_for_text(client, "#decision-question", "Cliente quer nova proposta?").await;
    click(client, "#decide-yes").await;
    wait_for_text(client, "#contact-meta", "Inside sales").await;

    // Surplus sale and closing: the surplus goes to its own contract.
    fill(client, "#surplus-code", "PNEU-4").await;
    click(client, "#surplus-add").await;
    wait_for_text(client, "#flash", "Produto excedente incluído").await;
    fill(client, "#close-outcome", "won").await;
    click(client, "#close-contact").await;
    client.accept_alert().await.expect("confirm");
    wait_for_text(client, "#flash", "Contato de venda encerrado.").await;
    browser.screenshot("follow-up-closed").await;

    // Reopening: refused on this contact (a surplus was sold), with the reason.
    fill(client, "#reopen-reason", "Cliente desistiu do pneu").await;
    click(client, "#reopen-contact").await;
    wait_for_text(client, "#flash", "Houve venda de excedente").await;

    // Both histories: everything, then the standard notes only.
    wait_for_text(client, "#notes", "vai conversar com a esposa").await;
    wait_for_text(client, "#notes", "Pediu a proposta por e-mail.").await;
    click(client, "#history-standard").await;
    let standard = wait_for_text(client, "#notes", "vai conversar com a esposa").await;
    assert!(!standard.contains("Pediu a proposta por e-mail."), "{standard}");

    // The visit sheet, printed in a layout.
    click(client, "#contact-sheet").await;
    wait_for_text(client, "h1", "Ficha de visita").await;
    let layout =
        client.find(Locator::Css("#sheet-layout")).await.expect("layout").prop("value").await.expect("v");
    let contact = contact_url.rsplit('/').next().expect("id").to_string();
    let (content_type, pdf) = fetched(
        client,
        &format!("/sales-contacts/{contact}/sheet.pdf?layout={}", layout.unwrap_or_default()),
    )
    .await;
    assert_eq!(content_type, "application/pdf");
    let text = testkit::pdf_text(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in ["Marcos Teixeira", "PNEU-4", "Carro da família", "vai conversar com a esposa"] {
        assert!(text.contains(expected), "{expected} in {text}");
    }

    // A second contact, lost: the seller alone only asks; with the
    // supervisor's credentials and a reason it reopens.
    let second = serde_json::json!({ "name": "Revisão", "attendance_type_id": kind });
    let second = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/sales-contacts"), second)
        .await;
    let second = second.json::<serde_json::Value>().await.expect("json");
    let close = serde_json::json!({ "outcome": "lost", "version": second["version"] });
    let path = format!("/api/v1/sales-contacts/{}/close", second["id"].as_str().expect("id"));
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &path, close).await.status(), 200);
    client
        .goto(&t.url(&format!("/sales-contacts/{}", second["id"].as_str().expect("id"))))
        .await
        .expect("second");
    fill(client, "#reopen-reason", "Cliente ligou de volta").await;
    click(client, "#reopen-contact").await;
    wait_for_text(client, "#flash", "Pedido de reabertura enviado ao supervisor.").await;
    wait_for_text(client, "#reopen-pending", "Cliente ligou de volta").await;
    fill(client, "#reopen-reason", "Cliente ligou de volta").await;
    click(client, "#reopen-form details summary").await;
    fill(client, "#approver-email", &t.admin.email).await;
    fill(client, "#approver-password", &t.admin.password).await;
    click(client, "#reopen-contact").await;
    wait_for_text(client, "#flash", "Contato de venda reaberto.").await;
    wait_for_text(client, "#contact-meta", "Em aberto").await;
    browser.close().await;
}
