//! Sales follow-up (seed 002) through the API and the pages as the browser
//! sends them, on both databases: the configuration, a contact opened
//! with two products and changed at its version, the daily list with the
//! legend's tally and its default form, notes kept to finish and finished
//! from the pending notes, the standard history, a note's file.
use crate::location;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

const PDF: &[u8] = b"%PDF-1.4\n% proposta\n%%EOF\n";

async fn customer_and_products(t: &TestApp, bearer: &str) -> String {
    for (code, name) in [("SEG-AUTO", "Seguro auto"), ("REV-10", "Revisão 10 mil km")] {
        let product = json!({ "code": code, "name": name, "unit": "un", "price": 10000 });
        let saved = t.api_send(reqwest::Method::POST, bearer, "/api/v1/products", product).await;
        assert_eq!(saved.status(), 201);
    }
    let body = json!({ "kind": "person", "full_name": "Marcos Teixeira" });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    assert_eq!(created.status(), 201);
    created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string()
}

fn day(offset: i64) -> String {
    (chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive()
        + chrono::Duration::days(offset))
    .to_string()
}

async fn the_follow_up_over_the_api(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer_and_products(&t, &bearer).await;
    let kind = json!({ "name": "Venda", "note_text": "Cliente contatado.", "attachments_allowed": true,
                       "attachment_limit_mb": 1 });
    let kind = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/follow-up/attendance-types", kind).await;
    assert_eq!(kind.status(), 201);
    let kind: Value = kind.json().await.expect("json");
    let again = json!({ "name": "venda" });
    let taken = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/follow-up/attendance-types", again).await;
    assert_eq!(taken.status(), 409, "a type's name is the organisation's once");
    let centre = json!({ "name": "Inside sales", "members": [] });
    let centre = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/follow-up/centres", centre).await;
    assert_eq!(centre.status(), 201);
    let centre: Value = centre.json().await.expect("json");

    let path = format!("/api/v1/parties/{party}/sales-contacts");
    let contact = |products: Value| {
        json!({ "name": "Seguro do carro novo", "products": products, "attendance_type_id": kind["id"],
                "centre_id": centre["id"], "next_return_on": day(0) })
    };
    let unknown = t.api_send(reqwest::Method::POST, &bearer, &path, contact(json!(["NAO-HA"]))).await;
    assert_eq!(unknown.status(), 422);
    let unknown: Value = unknown.json().await.expect("json");
    assert!(unknown["error"]["fields"]["products"].is_string(), "{unknown}");
    assert!(t.api_get(&bearer, &path).await.as_array().expect("list").is_empty(), "nothing half-written");
    let saved =
        t.api_send(reqwest::Method::POST, &bearer, &path, contact(json!(["SEG-AUTO", "REV-10"]))).await;
    assert_eq!(saved.status(), 201);
    let saved: Value = saved.json().await.expect("json");
    assert_eq!((&saved["legend"], &saved["status"]), (&json!("today"), &json!("open")), "{saved}");
    assert_eq!(saved["products"].as_array().map(Vec::len), Some(2));
    assert_eq!(saved["contacted_on"], json!(day(0)), "contact date defaults to today");
    let id = saved["id"].as_str().expect("id").to_string();

    let list = t.api_get(&bearer, "/api/v1/follow-up").await;
    assert_eq!(list["tally"], json!({ "today": 1, "overdue": 0, "open": 0, "internal": 0 }), "{list}");
    assert_eq!(list["items"][0]["id"], json!(id));
    let centres = t.api_get(&bearer, "/api/v1/follow-up?scope=centre").await;
    assert_eq!(centres["total"], 0, "the admin is no member of the centre");
    let bad = t.client().get(t.url("/api/v1/follow-up?legend=roxo")).header("authorization", &bearer);
    assert_eq!(bad.send().await.expect("GET").status(), 422);

    // Changed at its version; the same version again is stale.
    let change = json!({ "name": "Seguro do carro novo", "products": ["SEG-AUTO"], "attendance_type_id": kind["id"],
                         "next_return_on": day(3), "internal_on": day(1), "version": saved["version"] });
    let contact_path = format!("/api/v1/sales-contacts/{id}");
    let changed = t.api_send(reqwest::Method::PUT, &bearer, &contact_path, change.clone()).await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["legend"], "internal");
    assert_eq!(changed["centre_id"], Value::Null);
    let stale = t.api_send(reqwest::Method::PUT, &bearer, &contact_path, change).await;
    assert_eq!(stale.status(), 409);

    // A note kept to finish, then finished; a typed one; the standard history.
    let notes_path = format!("{contact_path}/notes");
    let file = json!({ "file_name": "proposta.pdf", "content_base64": STANDARD.encode(PDF) });
    let draft = json!({ "body": "Cliente contatado.", "from_standard": true, "draft": true, "file": file });
    let draft = t.api_send(reqwest::Method::POST, &bearer, &notes_path, draft).await;
    assert_eq!(draft.status(), 201);
    let draft: Value = draft.json().await.expect("json");
    let pending = t.api_get(&bearer, "/api/v1/follow-up/pending-notes").await;
    assert_eq!(pending[0]["party_name"], "Marcos Teixeira", "{pending}");
    let empty = json!({ "body": "  " });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &notes_path, empty).await.status(), 422);
    let typed = json!({ "body": "Pediu desconto à vista." });
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &notes_path, typed).await.status(), 201);
    let finish = json!({ "body": "Cliente contatado; vai pensar.", "from_standard": true, "version": draft["version"] });
    let note_path = format!("/api/v1/contact-notes/{}", draft["id"].as_str().expect("id"));
    let finished = t.api_send(reqwest::Method::PUT, &bearer, &note_path, finish.clone()).await;
    assert_eq!(finished.status(), 200);
    assert_eq!(finished.json::<Value>().await.expect("json")["draft"], false);
    assert_eq!(t.api_send(reqwest::Method::PUT, &bearer, &note_path, finish).await.status(), 422);
    assert!(t.api_get(&bearer, "/api/v1/follow-up/pending-notes").await.as_array().expect("list").is_empty());
    assert_eq!(t.api_get(&bearer, &notes_path).await.as_array().map(Vec::len), Some(2));
    let standard = t.api_get(&bearer, &format!("{notes_path}?history=standard")).await;
    assert_eq!(standard.as_array().map(Vec::len), Some(1));
    assert_eq!(standard[0]["body"], "Cliente contatado; vai pensar.");
    let file = t.client().get(t.url(&format!("{note_path}/file"))).header("authorization", &bearer);
    assert_eq!(file.send().await.expect("GET").bytes().await.expect("bytes").as_ref(), PDF);

    let history = t.api_get(&bearer, &format!("/api/v1/parties/{party}/history?kind=sales_contact")).await;
    assert_eq!(history.as_array().map(Vec::len), Some(4), "opened, changed, two notes: {history}");
}

web_test!(the_follow_up_over_the_api);

fn version_in(page: &str) -> String {
    page.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("version")
        .to_string()
}

async fn the_follow_up_from_its_pages(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer_and_products(&t, &bearer).await;
    let (client, csrf) = t.login(&t.admin).await;

    // The configuration as the browser sends it: every field at its default first.
    let settings = t.html(&client, "/admin/follow-up").await;
    assert!(settings.contains("id=\"types-empty\"") && settings.contains("id=\"centre-form\""), "{settings}");
    let post = async |path: &str, fields: &[(&str, &str)]| {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(fields);
        t.post_form(&client, path, &form).await
    };
    let bare = [
        ("name", ""),
        ("note_text", ""),
        ("email_subject", ""),
        ("email_text", ""),
        ("attachment_limit_mb", ""),
        ("active", "true"),
    ];
    let refused = post("/admin/follow-up/types", &bare).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("page").contains("Preencha este campo."));
    let typed = [
        ("name", "Venda"),
        ("note_text", "Cliente contatado; apresentada a proposta."),
        ("email_subject", "Sua proposta"),
        ("email_text", "Segue a proposta combinada."),
        ("attachments_allowed", "true"),
        ("attachment_limit_mb", "11"),
        ("active", "true"),
    ];
    let refused = post("/admin/follow-up/types", &typed).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(page.contains("Informe um limite de 1 a 10 MB.") && page.contains("value=\"Venda\""), "{page}");
    let mut typed = typed.to_vec();
    typed[5] = ("attachment_limit_mb", "2");
    let saved = post("/admin/follow-up/types", &typed).await;
    assert_eq!(saved.status(), 303);
    let page = t.html(&client, &location(&saved)).await;
    assert!(page.contains("Tipo de atendimento gravado.") && page.contains(">Venda</a>"), "{page}");
    let saved = post("/admin/follow-up/centres", &[("name", "Inside sales"), ("active", "true")]).await;
    assert_eq!(saved.status(), 303);
    let kinds = t.api_get(&bearer, "/api/v1/follow-up/attendance-types").await;
    let kind = kinds[0]["id"].as_str().expect("id").to_string();

    // A contact from the customer's tab, as the browser sends the form.
    let tab = t.html(&client, &format!("/customers/{party}?tab=follow_up")).await;
    assert!(tab.contains("id=\"sales-contacts-empty\"") && tab.contains("id=\"new-sales-contact\""), "{tab}");
    let form = t.html(&client, &format!("/customers/{party}/sales-contacts/new")).await;
    assert!(form.contains(&format!("value=\"{}\"", day(0))), "today by default: {form}");
    let new = format!("/customers/{party}/sales-contacts");
    let today = day(0);
    let defaults = [
        ("contacted_on", today.as_str()),
        ("name", ""),
        ("products", ""),
        ("products", ""),
        ("attendance_type", ""),
        ("next_return_on", ""),
        ("internal_on", ""),
        ("centre", ""),
        ("responsible", ""),
    ];
    let refused = post(&new, &defaults).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("page").contains("Preencha este campo."));
    let yesterday = day(-1);
    let filled = [
        ("contacted_on", today.as_str()),
        ("name", "Seguro do carro novo"),
        ("products", "SEG-AUTO"),
        ("products", "REV-10"),
        ("products", ""),
        ("attendance_type", kind.as_str()),
        ("next_return_on", yesterday.as_str()),
        ("internal_on", ""),
        ("centre", ""),
        ("responsible", ""),
    ];
    let refused = post(&new, &filled).await;
    assert_eq!(refused.status(), 422, "a return before the contact");
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("O próximo retorno não pode ser antes") && page.contains("value=\"REV-10\""),
        "{page}"
    );
    let mut filled = filled.to_vec();
    filled[6] = ("next_return_on", today.as_str());
    let saved = post(&new, &filled).await;
    assert_eq!(saved.status(), 303);
    let contact_path = location(&saved);
    let page = t.html(&client, &contact_path).await;
    assert!(
        page.contains("Contato de venda aberto.")
            && page.contains("Revisão 10 mil km")
            && page.contains("Contatos desta data"),
        "{page}"
    );

    // Changed at the version read; the same version again is refused, the form from what is stored.
    let version = version_in(&page);
    let mut change = filled.clone();
    change[1] = ("name", "Seguro e revisão");
    change.push(("version", version.as_str()));
    let changed = post(&contact_path, &change).await;
    assert_eq!(changed.status(), 303);
    let stale = post(&contact_path, &change).await;
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.expect("page").contains("id=\"form-conflict\""));

    // A note from the standard text kept to finish, found under the pending notes, finished there.
    let standard = t.html(&client, &format!("{contact_path}?standard=1")).await;
    assert!(standard.contains("Cliente contatado; apresentada a proposta.</textarea>"), "{standard}");
    let note = |body: &str, draft: &str, file: Option<reqwest::multipart::Part>| {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf.clone())
            .text("from_standard", "true")
            .text("body", body.to_string())
            .text("draft", draft.to_string());
        match file {
            Some(file) => form.part("file", file),
            None => form.part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name("")),
        }
    };
    let pdf = reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("proposta.pdf");
    let kept = client
        .post(t.url(&format!("{contact_path}/notes")))
        .multipart(note("Cliente contatado; apresentada a proposta.", "true", Some(pdf)))
        .send()
        .await
        .expect("POST");
    assert_eq!(kept.status(), 303);
    let pending = t.html(&client, "/follow-up/pending").await;
    assert!(pending.contains("Seguro e revisão") && pending.contains("Marcos Teixeira"), "{pending}");
    let list = t.html(&client, "/follow-up").await;
    assert!(list.contains("id=\"pending-notes\"") && list.contains("<strong>1</strong>"), "{list}");
    let draft_path =
        pending.split("href=\"/contact-notes/").nth(1).and_then(|r| r.split('"').next()).expect("draft");
    let draft_path = format!("/contact-notes/{draft_path}");
    let draft_page = t.html(&client, &draft_path).await;
    let version = version_in(&draft_page);
    let finish = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .text("version", version)
        .text("from_standard", "true")
        .text("body", "Cliente contatado; apresentada a proposta. Retorna amanhã.")
        .text("draft", "false")
        .part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name(""));
    let finished = client.post(t.url(&draft_path)).multipart(finish).send().await.expect("POST");
    assert_eq!(finished.status(), 303);
    assert!(location(&finished).starts_with(&contact_path));
    let big =
        reqwest::multipart::Part::bytes([PDF, &vec![b' '; 2 * 1024 * 1024]].concat()).file_name("grande.pdf");
    let refused = client
        .post(t.url(&format!("{contact_path}/notes")))
        .multipart(note("Com anexo grande", "false", Some(big)))
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("O arquivo passa do limite") && page.contains("Com anexo grande</textarea>"),
        "{page}"
    );
    let typed = client
        .post(t.url(&format!("{contact_path}/notes")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf_token", csrf.clone())
                .text("body", "Ligou pedindo desconto.")
                .text("draft", "false")
                .part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name("")),
        )
        .send()
        .await
        .expect("POST");
    assert_eq!(typed.status(), 303);
    let page = t.html(&client, &contact_path).await;
    assert!(page.contains("Ligou pedindo desconto.") && page.contains("Retorna amanhã."), "{page}");
    assert!(t.html(&client, "/follow-up/pending").await.contains("id=\"pending-empty\""));
    let standard = t.html(&client, &format!("{contact_path}?history=standard")).await;
    assert!(
        standard.contains("Retorna amanhã.") && !standard.contains("Ligou pedindo desconto."),
        "{standard}"
    );

    // The daily list as its form sends it, by a colour of the legend, sorted, and a value it never sends.
    let list = t.html(&client, "/follow-up?scope=mine&state=open&legend=&sort=next_return").await;
    assert!(list.contains("Seguro e revisão") && list.contains("urgency-today"), "{list}");
    let overdue = t.html(&client, "/follow-up?scope=mine&state=open&legend=overdue&sort=party").await;
    assert!(overdue.contains("id=\"follow-up-empty\""), "{overdue}");
    let junk = client.get(t.url("/follow-up?scope=todos")).send().await.expect("GET");
    assert_eq!(junk.status(), 422);
    assert!(junk.text().await.expect("page").contains("id=\"follow-up-error\""));
    let tab = t.html(&client, &format!("/customers/{party}?tab=follow_up&contacts=all")).await;
    assert!(tab.contains("Seguro e revisão"), "{tab}");
}

web_test!(the_follow_up_from_its_pages);

async fn the_steps_from_the_contacts_page(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer_and_products(&t, &bearer).await;
    let (client, csrf) = t.login(&t.admin).await;
    let post = async |path: &str, fields: &[(&str, &str)]| {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(fields);
        t.post_form(&client, path, &form).await
    };
    // A type whose workflow and cycle are written in its form's rows.
    let typed = [
        ("name", "Venda"),
        ("note_text", ""),
        ("email_subject", ""),
        ("email_text", ""),
        ("attachment_limit_mb", ""),
        ("wf_0_question", "Contato obtido?"),
        ("wf_0_yes", "ask:2"),
        ("wf_0_yesdays", ""),
        ("wf_0_yescentre", ""),
        ("wf_0_no", "return"),
        ("wf_0_nodays", "2"),
        ("wf_0_nocentre", ""),
        ("wf_1_question", "Venda realizada?"),
        ("wf_1_yes", "won"),
        ("wf_1_no", "lost"),
        ("wf_2_question", ""),
        ("wf_2_yes", "return"),
        ("cq_0_key", ""),
        ("cq_0_text", "Já tem carro?"),
        ("cq_0_kind", "yes_no"),
        ("cq_0_options", ""),
        ("cq_1_key", ""),
        ("cq_1_text", ""),
        ("cq_1_kind", "text"),
        ("active", "true"),
    ];
    let saved = post("/admin/follow-up/types", &typed).await;
    assert_eq!(saved.status(), 303, "{}", saved.text().await.unwrap_or_default());
    let kinds = t.api_get(&bearer, "/api/v1/follow-up/attendance-types").await;
    assert_eq!(kinds[0]["workflow"]["decisions"].as_array().map(Vec::len), Some(2), "{kinds}");
    let key = kinds[0]["cycle"]["questions"][0]["key"].as_str().expect("key").to_string();
    let body =
        json!({ "name": "Carro novo", "products": ["SEG-AUTO"], "attendance_type_id": kinds[0]["id"] });
    let contact = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/sales-contacts"), body)
        .await;
    let contact: Value = contact.json().await.expect("json");
    let path = format!("/sales-contacts/{}", contact["id"].as_str().expect("id"));
    let api_path = format!("/api/v1{path}");

    // A confirmed note asks the first decision; "yes" asks the second; the cycle is answered.
    let note = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .text("body", "Liguei para o cliente.")
        .text("draft", "false");
    assert_eq!(
        client.post(t.url(&format!("{path}/notes"))).multipart(note).send().await.expect("POST").status(),
        303
    );
    let page = t.html(&client, &path).await;
    assert!(page.contains("id=\"decision-question\">Contato obtido?"), "{page}");
    let version = |v: &Value| v["version"].as_i64().expect("version").to_string();
    let now = t.api_get(&bearer, &api_path).await;
    assert_eq!(
        post(&format!("{path}/decide"), &[("version", &version(&now)), ("answer", "yes")]).await.status(),
        303
    );
    assert!(t.html(&client, &path).await.contains("Venda realizada?"));
    let answer = format!("answer.{key}");
    assert_eq!(post(&format!("{path}/cycle"), &[(answer.as_str(), "yes")]).await.status(), 303);
    let report =
        t.html(&client, &format!("/follow-up/cycle-report/{}", kinds[0]["id"].as_str().expect("id"))).await;
    assert!(report.contains("Já tem carro?") && report.contains("1 resposta"), "{report}");

    // A surplus sold, then the sale closed as won: two contracts on the customer.
    let now = t.api_get(&bearer, &api_path).await;
    let sold = post(&format!("{path}/surplus"), &[("version", &version(&now)), ("code", "REV-10")]).await;
    assert_eq!(sold.status(), 303);
    let now = t.api_get(&bearer, &api_path).await;
    assert_eq!(
        post(&format!("{path}/close"), &[("version", &version(&now)), ("outcome", "won")]).await.status(),
        303
    );
    let page = t.html(&client, &path).await;
    assert!(page.contains("Contato de venda encerrado.") && page.contains("id=\"reopen-form\""), "{page}");
    let contracts = t.api_get(&bearer, &format!("/api/v1/parties/{party}/contracts")).await;
    assert_eq!(contracts.as_array().map(Vec::len), Some(2), "{contracts}");

    // Reopening is refused with the reason shown: a surplus was sold on it.
    let now = t.api_get(&bearer, &api_path).await;
    let refused =
        post(&format!("{path}/reopen"), &[("version", &version(&now)), ("reason", "Cliente voltou")]).await;
    assert_eq!(refused.status(), 303);
    let page = t.html(&client, &location(&refused)).await;
    assert!(page.contains("Houve venda de excedente neste contato"), "{page}");
    let wrong = post(
        &format!("{path}/reopen"),
        &[
            ("version", &version(&now)),
            ("reason", "x"),
            ("approver_email", "ninguem@x.test"),
            ("approver_password", "y"),
        ],
    )
    .await;
    let page = t.html(&client, &location(&wrong)).await;
    assert!(page.contains("E-mail ou senha do supervisor não conferem."), "{page}");
    assert!(t.html(&client, "/follow-up/reopen-requests").await.contains("id=\"requests-empty\""));
}

web_test!(the_steps_from_the_contacts_page);

async fn an_email_from_the_note_form(t: TestApp) {
    let Some(smtp) = testkit::SmtpReceiver::start() else { return };
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let settings = json!({ "host": "127.0.0.1", "port": smtp.port, "tls": "none", "sender_name": "Loja",
                           "sender_address": "crm@concessionaria.test", "version": 0 });
    assert_eq!(
        t.api_send(reqwest::Method::PUT, &bearer, "/api/v1/settings/smtp", settings).await.status(),
        200
    );
    let body = json!({ "kind": "person", "full_name": "Rita Souza", "emails": ["rita@exemplo.com.br"], "consents": ["email"] });
    let party = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/parties", body).await;
    assert_eq!(party.status(), 201);
    let party = party.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string();
    let kind = json!({ "name": "Venda", "email_subject": "Sua proposta", "email_text": "Olá Rita, segue a proposta." });
    let kind = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/follow-up/attendance-types", kind).await;
    let kind: Value = kind.json().await.expect("json");
    let body = json!({ "name": "Seguro", "attendance_type_id": kind["id"] });
    let contact = t
        .api_send(reqwest::Method::POST, &bearer, &format!("/api/v1/parties/{party}/sales-contacts"), body)
        .await;
    let path = format!(
        "/sales-contacts/{}",
        contact.json::<Value>().await.expect("json")["id"].as_str().expect("id")
    );

    let (client, csrf) = t.login(&t.admin).await;
    let page = t.html(&client, &path).await;
    assert!(
        page.contains("Olá Rita, segue a proposta.</textarea>") && page.contains("rita@exemplo.com.br"),
        "{page}"
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .text("body", "Pediu a proposta por e-mail.")
        .text("draft", "false")
        .text("email_to", "rita@exemplo.com.br")
        .text("email_subject", "Sua proposta")
        .text("email_body", "Olá Rita, segue a proposta.")
        .text("send_email", "true")
        .part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name(""));
    let sent = client.post(t.url(&format!("{path}/notes"))).multipart(form).send().await.expect("POST");
    assert_eq!(sent.status(), 303);
    let page = t.html(&client, &location(&sent)).await;
    assert!(page.contains("E-mail colocado na fila de envio e parecer gravado."), "{page}");
    assert_eq!(
        page.matches("Olá Rita, segue a proposta.").count(),
        3,
        "the form's text, the note, the separate note"
    );
    let received = smtp.wait_for(1, std::time::Duration::from_secs(10)).await;
    assert_eq!(received[0].rcpt_tos, ["rita@exemplo.com.br"]);
}

web_test!(an_email_from_the_note_form);

/// A contact "Seguro" with one product, of a type "Venda", for the customer.
async fn a_contact(t: &TestApp, bearer: &str, party: &str) -> String {
    let kind = json!({ "name": "Venda" });
    let kind = t.api_send(reqwest::Method::POST, bearer, "/api/v1/follow-up/attendance-types", kind).await;
    let kind: Value = kind.json().await.expect("json");
    let contact = json!({ "name": "Seguro", "products": ["SEG-AUTO"], "attendance_type_id": kind["id"] });
    let path = format!("/api/v1/parties/{party}/sales-contacts");
    let contact: Value =
        t.api_send(reqwest::Method::POST, bearer, &path, contact).await.json().await.expect("json");
    contact["id"].as_str().expect("id").to_string()
}

/// The value the appointment form's input of this name holds.
fn input_value(page: &str, name: &str) -> String {
    let page = &page[page.find("id=\"appointment-form\"").expect("the form")..];
    let at = page.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("{name} in {page}"));
    let tag = &page[page[..at].rfind('<').expect("tag")..];
    let tag = &tag[..tag.find('>').expect("end of tag")];
    let value = tag.split("value=\"").nth(1).unwrap_or("\"");
    value[..value.find('"').expect("quote")].replace("&#x2f;", "/").replace("&#47;", "/")
}

async fn an_appointment_from_the_contacts_page(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer_and_products(&t, &bearer).await;
    let id = a_contact(&t, &bearer, &party).await;
    let (client, csrf) = t.login(&t.admin).await;

    let page = t.html(&client, &format!("/sales-contacts/{id}")).await;
    assert!(page.contains("id=\"contact-appointments-empty\""), "{page}");
    let link = page.split("id=\"contact-appointment\"").next().expect("link");
    let href =
        link[link.rfind("href=\"").expect("href") + 6..].trim_end_matches(['"', ' ']).replace("&amp;", "&");
    let form = t.html(&client, &href).await;
    assert_eq!(input_value(&form, "sales_contact_id"), id, "{form}");
    let user = input_value(&form, "user_ids");
    // Every field as the browser sends it, the subject typed.
    let (starts, ends) = (input_value(&form, "starts_at"), input_value(&form, "ends_at"));
    let back = input_value(&form, "back");
    assert_eq!(back, format!("/sales-contacts/{id}"), "{form}");
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("interaction_id", ""),
        ("vehicle_id", ""),
        ("sales_contact_id", id.as_str()),
        ("back", back.as_str()),
        ("party_id", party.as_str()),
        ("title", "Visita · seguro"),
        ("kind", "visit"),
        ("starts_at", starts.as_str()),
        ("ends_at", ends.as_str()),
        ("place", ""),
        ("user_ids", user.as_str()),
        ("repeat", ""),
        ("repeat_interval", ""),
        ("repeat_count", ""),
        ("repeat_until", ""),
        ("notes", ""),
    ];
    let booked = t.post_form(&client, "/appointments", &fields).await;
    assert_eq!(booked.status(), 303);
    assert_eq!(location(&booked), format!("/sales-contacts/{id}"), "back to the contact");
    let page = t.html(&client, &format!("/sales-contacts/{id}")).await;
    assert!(
        page.contains("id=\"contact-appointments-upcoming\"") && page.contains("Visita · seguro"),
        "{page}"
    );

    // Cancelled, it stays on the contact among the cancelled ones.
    let listed = t.api_get(&bearer, &format!("/api/v1/sales-contacts/{id}/appointments")).await;
    assert_eq!(listed[0]["sales_contact_id"], json!(id), "{listed}");
    let appointment = listed[0]["id"].as_str().expect("id");
    let cancel = json!({ "version": listed[0]["version"] });
    let path = format!("/api/v1/appointments/{appointment}/cancel");
    assert_eq!(t.api_send(reqwest::Method::POST, &bearer, &path, cancel).await.status(), 200);
    let page = t.html(&client, &format!("/sales-contacts/{id}")).await;
    assert!(page.contains("id=\"contact-appointments-cancelled\""), "{page}");
    let shown = t.html(&client, &format!("/appointments/{appointment}")).await;
    assert!(shown.contains(&format!("href=\"/sales-contacts/{id}\"")), "the appointment leads back: {shown}");
}

web_test!(an_appointment_from_the_contacts_page);

async fn the_visit_sheet_and_a_sending_from_the_pages(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer_and_products(&t, &bearer).await;
    let id = a_contact(&t, &bearer, &party).await;
    let (client, csrf) = t.login(&t.admin).await;
    let post = async |path: &str, fields: &[(&str, &str)]| {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(fields);
        t.post_form(&client, path, &form).await
    };

    // No layout yet: the sheet says where to add one.
    let sheet = t.html(&client, &format!("/sales-contacts/{id}/sheet")).await;
    assert!(sheet.contains("id=\"sheet-no-layouts\""), "{sheet}");
    let settings = t.html(&client, "/admin/follow-up/sheets").await;
    assert!(
        settings.contains("id=\"layouts-empty\"") && settings.contains("id=\"section-report\" checked"),
        "{settings}"
    );
    // As the browser sends it: no name, no section.
    let refused = post("/admin/follow-up/sheets", &[("name", ""), ("heading", ""), ("active", "true")]).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(page.contains("Preencha este campo.") && page.contains("Escolha ao menos uma seção."), "{page}");
    let fields = [
        ("name", "Visita completa"),
        ("heading", "Ficha de visita da loja"),
        ("sections", "customer"),
        ("sections", "products"),
        ("sections", "report"),
        ("active", "true"),
    ];
    let saved = post("/admin/follow-up/sheets", &fields).await;
    assert_eq!(saved.status(), 303);
    let page = t.html(&client, &location(&saved)).await;
    assert!(
        page.contains("Layout da ficha de visita gravado.") && page.contains(">Visita completa</a>"),
        "{page}"
    );

    // Printed from the sheet's page as its form sends it.
    let sheet = t.html(&client, &format!("/sales-contacts/{id}/sheet")).await;
    let layout = sheet.split("id=\"sheet-layout\"").nth(1).expect("select");
    let layout = layout.split("value=\"").nth(1).expect("option").split('"').next().expect("id").to_string();
    let pdf = client
        .get(t.url(&format!("/sales-contacts/{id}/sheet.pdf?layout={layout}")))
        .send()
        .await
        .expect("GET");
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = testkit::pdf_text(&pdf.bytes().await.expect("bytes"));
    assert!(
        text.contains("Ficha de visita da loja") && text.contains("SEG-AUTO") && text.contains("Assinatura"),
        "{text}"
    );
    let missing =
        client.get(t.url(&format!("/sales-contacts/{id}/sheet.pdf?layout="))).send().await.expect("GET");
    assert_eq!(missing.status(), 422, "no layout chosen: the page again, with why");
    assert!(missing.text().await.expect("page").contains("id=\"sheet-alert\""));
    // Marcos has no e-mail: the e-mail form says so instead of offering one.
    assert!(sheet.contains("id=\"sheet-email-none\""), "{sheet}");
    let refused =
        post(&format!("/sales-contacts/{id}/sheet/email"), &[("layout", layout.as_str()), ("to", "x@y.com")])
            .await;
    assert_eq!(refused.status(), 422);

    // A sending from the list: the row's box, then the sending's form with its defaults.
    let template = json!({ "name": "Carta pós-venda", "locale": "pt-BR", "subject": "Obrigado",
                           "body": "<p>Obrigado pela compra, {{ cliente.primeiro_nome }}.</p>" });
    let template = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/message-templates", template).await;
    assert_eq!(template.status(), 201);
    let template: Value = template.json().await.expect("json");
    let list = t.html(&client, "/follow-up").await;
    assert!(list.contains(&format!("id=\"choose-{id}\"")), "{list}");
    let send = t.html(&client, &format!("/follow-up/send?contact={id}")).await;
    assert!(send.contains("Marcos Teixeira · Seguro") && send.contains("Carta pós-venda"), "{send}");
    let company = send.split("id=\"send-company\"").nth(1).expect("select");
    let company =
        company.split("value=\"").nth(1).expect("option").split('"').next().expect("company").to_string();
    let defaults = [
        ("contacts", id.as_str()),
        ("template", ""),
        ("order", "name"),
        ("header", ""),
        ("company", company.as_str()),
    ];
    let refused = post("/follow-up/send", &defaults).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.expect("page").contains("Preencha este campo."));
    let mut chosen = defaults.to_vec();
    let template_id = template["id"].as_str().expect("id");
    chosen[1] = ("template", template_id);
    chosen[3] = ("header", "Novidades da loja.");
    let sent = post("/follow-up/send", &chosen).await;
    assert_eq!(sent.status(), 303);
    let report = t.html(&client, &location(&sent)).await;
    assert!(report.contains("Envio concluído") && report.contains("Sem e-mail cadastrado"), "{report}");

    // The same over the API.
    let layouts = t.api_get(&bearer, "/api/v1/follow-up/visit-sheet-layouts").await;
    assert_eq!(layouts[0]["sections"], json!(["customer", "products", "report"]), "{layouts}");
    let sheet = t.client().get(t.url(&format!("/api/v1/sales-contacts/{id}/visit-sheet?layout={layout}")));
    let sheet = sheet.header("authorization", &bearer).send().await.expect("GET");
    assert_eq!(sheet.status(), 200);
    assert!(sheet.bytes().await.expect("pdf").starts_with(b"%PDF-"));
    let sending =
        json!({ "template_id": template_id, "contact_ids": [id], "company": company, "order": "city" });
    let sent = t.api_send(reqwest::Method::POST, &bearer, "/api/v1/follow-up/document-sends", sending).await;
    assert_eq!(sent.status(), 201);
    let sent: Value = sent.json().await.expect("json");
    assert_eq!(sent["recipients"][0]["outcome"], "no_address", "{sent}");
    let again = t
        .api_get(&bearer, &format!("/api/v1/follow-up/document-sends/{}", sent["id"].as_str().expect("id")))
        .await;
    assert_eq!(again["order"], "city");
}

web_test!(the_visit_sheet_and_a_sending_from_the_pages);
