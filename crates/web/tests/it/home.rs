//! Início as the day's work: what is due, birthdays in one's portfolio,
//! the figures, and the weekly chart loaded after the page.
use serde_json::{Value, json};
use testkit::{TestApp, web_test};

/// The administrator's own customer born on this day, with an overdue and
/// a today's interaction. Answers the customer's id.
pub async fn a_day_of_work(t: &TestApp, bearer: &str) -> String {
    let me = t.api_get(bearer, "/api/v1/me").await;
    let my_id = me["id"].as_str().or(me["user"]["id"].as_str()).expect("my id").to_string();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::America::Sao_Paulo).date_naive();
    let birth = today.with_year_back(40);
    let customer = json!({ "kind": "person", "full_name": "Heloísa Aniversariante", "birth_date": birth, "seller_id": my_id });
    let created = t.api_send(reqwest::Method::POST, bearer, "/api/v1/parties", customer).await;
    assert_eq!(created.status(), 201);
    let party = created.json::<Value>().await.expect("json")["party"]["id"].as_str().expect("id").to_string();
    for (days, what) in [(-1, "devolver a ligação"), (0, "confirmar a entrega")] {
        let due = today + chrono::Duration::days(days);
        let body = json!({ "nature": "sale", "channel": "call", "due_on": due, "description": what });
        let opened = t
            .api_send(reqwest::Method::POST, bearer, &format!("/api/v1/parties/{party}/interactions"), body)
            .await;
        assert_eq!(opened.status(), 201);
    }
    party
}

trait YearsBack {
    fn with_year_back(self, years: i32) -> String;
}

impl YearsBack for chrono::NaiveDate {
    /// The same day `years` ago as `YYYY-MM-DD` (28 February for a 29th).
    fn with_year_back(self, years: i32) -> String {
        use chrono::Datelike;
        let year = self.year() - years;
        chrono::NaiveDate::from_ymd_opt(year, self.month(), self.day())
            .or_else(|| chrono::NaiveDate::from_ymd_opt(year, self.month(), self.day() - 1))
            .expect("a day")
            .to_string()
    }
}

async fn the_home_page_is_the_days_work(t: TestApp) {
    let bearer = format!("Bearer {}", t.token_for(&t.admin).await);
    let party = a_day_of_work(&t, &bearer).await;
    let (client, _) = t.login(&t.admin).await;
    let home = t.html(&client, "/").await;
    assert!(home.contains("id=\"figure-overdue\"><span class=\"figure-value\">1<"), "{home}");
    assert!(home.contains("id=\"figure-today\"><span class=\"figure-value\">1<"), "{home}");
    assert!(home.contains("id=\"figure-portfolio\"><span class=\"figure-value\">1<"), "{home}");
    assert!(
        home.contains("devolver a ligação") && home.contains("confirmar a entrega"),
        "due on the home page"
    );
    assert!(home.contains(&format!("/customers/{party}\">Heloísa Aniversariante</a>")), "her birthday");
    assert!(home.contains("faz 40 anos"), "{home}");
    assert!(home.contains("hx-get=\"/home/activity\""), "the chart comes after the page");
    assert!(!home.contains("Atividade recente"), "the organisation's activity lives in Auditoria");

    let chart = t.html(&client, "/home/activity").await;
    assert!(
        chart.starts_with("<figure") && chart.contains("<svg") && chart.contains("role=\"img\""),
        "{chart}"
    );
    assert_eq!(chart.matches("<tr><td>").count(), 12, "twelve weeks in the table: {chart}");
    assert!(
        chart.contains("<td class=\"num\">1</td><td class=\"num\">2</td></tr></tbody>"),
        "this week: 1 customer, 2 interactions: {chart}"
    );

    // A seller with nothing yet: empty states, not errors.
    let seller = t.create_user("novato@concessionaria.test", "member").await;
    let (client, _) = t.login(&seller).await;
    let empty = t.html(&client, "/").await;
    assert!(
        empty.contains("Nada vencido nem para hoje")
            && empty.contains("Nenhum cliente da sua carteira faz aniversário")
    );
    assert!(t.html(&client, "/home/activity").await.contains("<svg"));
}
web_test!(the_home_page_is_the_days_work);
