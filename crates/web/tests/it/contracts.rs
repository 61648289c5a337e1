//! Contracts (seed 001: archived and found again in one click): attached
//! to a customer with their file over the API and from the page as the
//! browser sends it, refused over 10 MB or of a disallowed type with a
//! message, changed at their version, downloaded as attached, listed by
//! how soon they expire and found from the search box by number or
//! customer — on both databases.
use crate::location;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

const PDF: &[u8] = b"%PDF-1.4\n% contrato assinado\n%%EOF\n";

async fn customer(t: &TestApp, bearer: &str, name: &str) -> String {
    let body = json!({ "kind": "company", "full_name": name });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", body).await;
    assert_eq!(created.status(), 201);
    created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string()
}

fn day(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

async fn contracts_over_the_api(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer(&t, &bearer, "Transportes Andrade Ltda").await;
    let path = format!("/api/v1/parties/{party}/contracts");
    let contract = |number: &str, expires: i64, file: &[u8], name: &str| {
        json!({ "number": number, "kind": "supply", "starts_on": day(-300), "expires_on": day(expires),
                "file": { "file_name": name, "content_base64": STANDARD.encode(file) } })
    };

    // Refused with a message: a type not allowed, a file over 10 MB, an expiry before the start.
    let exe =
        t.api_send(reqwest::Method::POST, &bearer, &path, contract("CT-1", 20, b"MZ\x90\x00", "a.exe")).await;
    assert_eq!(exe.status(), 422);
    let exe: Value = exe.json().await.expect("json");
    assert_eq!(exe["error"]["fields"]["file"], "O arquivo precisa ser PDF, DOCX, PNG ou JPEG.", "{exe}");
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let big =
        t.api_send(reqwest::Method::POST, &bearer, &path, contract("CT-1", 20, &big, "grande.pdf")).await;
    assert_eq!(big.status(), 422);
    assert_eq!(
        big.json::<Value>().await.expect("json")["error"]["fields"]["file"],
        "O arquivo passa de 10 MB."
    );
    let backwards =
        t.api_send(reqwest::Method::POST, &bearer, &path, contract("CT-1", -400, PDF, "c.pdf")).await;
    assert_eq!(backwards.status(), 422);
    assert!(t.api_get(&bearer, &path).await.as_array().expect("list").is_empty(), "nothing half-written");

    // Attached: three, expiring in 20, 50 and 200 days.
    for (number, expires) in [("CT-2026/001", 20), ("CT-2026/002", 50), ("CT-2026/003", 200)] {
        let saved = t
            .api_send(reqwest::Method::POST, &bearer, &path, contract(number, expires, PDF, "assinado.pdf"))
            .await;
        assert_eq!(saved.status(), 201);
    }
    let taken =
        t.api_send(reqwest::Method::POST, &bearer, &path, contract("ct-2026/001", 20, PDF, "x.pdf")).await;
    assert_eq!(taken.status(), 409, "a number is the organisation's once");
    let listed = t.api_get(&bearer, &path).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(3));
    let first =
        listed.as_array().expect("list").iter().find(|c| c["number"] == "CT-2026/001").expect("CT-1").clone();
    assert_eq!((&first["standing"], &first["content_type"]), (&json!("active"), &json!("application/pdf")));
    let id = first["id"].as_str().expect("id").to_string();

    let numbers = |found: &Value| -> Vec<String> {
        found
            .as_array()
            .expect("list")
            .iter()
            .map(|c| c["number"].as_str().expect("number").to_string())
            .collect()
    };
    assert_eq!(numbers(&t.api_get(&bearer, "/api/v1/contracts?within_days=30").await), ["CT-2026/001"]);
    assert_eq!(
        numbers(&t.api_get(&bearer, "/api/v1/contracts?within_days=60").await),
        ["CT-2026/001", "CT-2026/002"]
    );
    assert_eq!(numbers(&t.api_get(&bearer, "/api/v1/contracts?q=andrade&within_days=90").await).len(), 2);
    assert_eq!(numbers(&t.api_get(&bearer, "/api/v1/contracts?q=2026/003").await), ["CT-2026/003"]);

    // The file comes back as it went.
    let file = t
        .client()
        .get(t.url(&format!("/api/v1/contracts/{id}/file")))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("GET");
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), PDF);

    // Changed at its version: ended; the same version again is stale.
    let change = json!({ "number": "CT-2026/001", "kind": "supply", "status": "ended", "starts_on": day(-300),
                         "expires_on": day(20), "version": first["version"] });
    let changed =
        t.api_send(reqwest::Method::PUT, &bearer, &format!("/api/v1/contracts/{id}"), change.clone()).await;
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.json::<Value>().await.expect("json")["standing"], "ended");
    let stale = t.api_send(reqwest::Method::PUT, &bearer, &format!("/api/v1/contracts/{id}"), change).await;
    assert_eq!(stale.status(), 409);
    assert_eq!(numbers(&t.api_get(&bearer, "/api/v1/contracts?within_days=30").await), Vec::<String>::new());

    let history = t.api_get(&bearer, &format!("/api/v1/parties/{party}/history?kind=contract")).await;
    assert_eq!(history.as_array().map(Vec::len), Some(4), "three attached, one changed: {history}");
    let bad = t
        .client()
        .get(t.url("/api/v1/contracts?within_days=0"))
        .header("authorization", &bearer)
        .send()
        .await
        .expect("GET");
    assert_eq!(bad.status(), 422);
}

web_test!(contracts_over_the_api);

async fn a_contract_from_the_customers_page_found_from_the_search_box(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = customer(&t, &bearer, "Oficina Santos Ltda").await;
    let (client, csrf) = t.login(&t.admin).await;
    let tab = t.html(&client, &format!("/customers/{party}?tab=contracts")).await;
    assert!(tab.contains("id=\"contracts-empty\"") && tab.contains("id=\"new-contract\""), "{tab}");
    let form = t.html(&client, &format!("/customers/{party}/contracts/new")).await;
    assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");

    // As the browser sends it: every field at its default, no file chosen.
    let bare = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .text("number", "")
        .text("kind", "other")
        .text("status", "active")
        .text("starts_on", day(0))
        .text("expires_on", "")
        .text("renews_on", "")
        .text("quote_number", "")
        .text("notes", "")
        .part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name(""));
    let refused = client
        .post(t.url(&format!("/customers/{party}/contracts")))
        .multipart(bare)
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("Escolha o arquivo do contrato.") && page.contains("Preencha este campo."),
        "{page}"
    );

    let filled = |file: reqwest::multipart::Part| {
        reqwest::multipart::Form::new()
            .text("csrf_token", csrf.clone())
            .text("number", "OS-77")
            .text("kind", "maintenance")
            .text("status", "active")
            .text("starts_on", day(-10))
            .text("expires_on", day(45))
            .text("renews_on", "")
            .text("quote_number", "")
            .text("notes", "Manutenção preventiva da frota")
            .part("file", file)
    };
    let zip = reqwest::multipart::Part::bytes(b"PK\x03\x04planilha".to_vec()).file_name("planilha.xlsx");
    let refused = client
        .post(t.url(&format!("/customers/{party}/contracts")))
        .multipart(filled(zip))
        .send()
        .await
        .expect("POST");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("page");
    assert!(
        page.contains("precisa ser PDF, DOCX, PNG ou JPEG") && page.contains("value=\"OS-77\""),
        "what was typed stays: {page}"
    );

    let pdf = reqwest::multipart::Part::bytes(PDF.to_vec())
        .file_name("contrato-os77.pdf")
        .mime_str("application/pdf")
        .expect("part");
    let saved = client
        .post(t.url(&format!("/customers/{party}/contracts")))
        .multipart(filled(pdf))
        .send()
        .await
        .expect("POST");
    assert_eq!(saved.status(), 303);
    let contract_path = location(&saved);
    let page = t.html(&client, &contract_path).await;
    assert!(
        page.contains("Contrato anexado.") && page.contains("contrato-os77.pdf") && page.contains("Vigente"),
        "{page}"
    );
    let download = client.get(t.url(&format!("{contract_path}/file"))).send().await.expect("GET");
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), PDF);
    let tab = t.html(&client, &format!("/customers/{party}?tab=contracts")).await;
    assert!(tab.contains("OS-77") && tab.contains("Manutenção"), "{tab}");

    // Found again from the search box, by number and by customer.
    for typed in ["os-77", "santos"] {
        let found = t.html(&client, &format!("/customers/search?q={typed}")).await;
        assert!(found.contains(&format!("href=\"{contract_path}\"")), "{typed}: {found}");
    }
    let list = t.html(&client, "/contracts?q=&within_days=60").await;
    assert!(list.contains("OS-77"), "the list's default form, expiring within 60 days: {list}");
    let list = t.html(&client, "/contracts?q=&within_days=30").await;
    assert!(list.contains("id=\"contracts-empty\""), "{list}");
    let junk = client.get(t.url("/contracts?within_days=muitos")).send().await.expect("GET");
    assert_eq!(junk.status(), 422);

    // Changed from its page without a new file: the file stays.
    let version = page
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("version")
        .to_string();
    let change = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .text("version", version.clone())
        .text("number", "OS-77")
        .text("kind", "maintenance")
        .text("status", "suspended")
        .text("starts_on", day(-10))
        .text("expires_on", day(45))
        .text("notes", "")
        .part("file", reqwest::multipart::Part::bytes(Vec::new()).file_name(""));
    let changed = client.post(t.url(&contract_path)).multipart(change).send().await.expect("POST");
    assert_eq!(changed.status(), 303);
    let page = t.html(&client, &location(&changed)).await;
    assert!(
        page.contains("Contrato salvo.") && page.contains("Suspenso") && page.contains("contrato-os77.pdf"),
        "{page}"
    );
}

web_test!(a_contract_from_the_customers_page_found_from_the_search_box);
