//! Configurações de e-mail: how the organisation's mail server is
//! reached, and a test message that reports the server's answer.
use crate::error::PageResult;
use crate::extract::{Form, Page};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use askama::Template;
use domain::message::{SmtpSettings, SmtpTls};

#[derive(Template)]
#[template(path = "messages/smtp.html")]
struct SmtpPage {
    t: Tr,
    shell: Shell,
    form: FormValues,
    tls_modes: Vec<(&'static str, String)>,
    has_password: bool,
    version: i64,
    configured: bool,
    /// The test goes to the administrator unless he types another address.
    test_to: String,
    errors: FieldMessages,
    alert: Option<String>,
}

/// The form as stored (or as typed, after a refusal).
async fn page(page: &Page, typed: Option<Pairs>, outcome: FormOutcome) -> PageResult {
    let stored = page.app().messages().smtp_settings(&page.actor).await?;
    let (has_password, version) = stored.as_ref().map_or((false, 0), |s| (s.has_password, s.version));
    let form = match (typed, &stored) {
        (Some(typed), _) => FormValues(typed),
        (None, Some(s)) => FormValues(vec![
            ("host".into(), s.host.clone()),
            ("port".into(), s.port.to_string()),
            ("tls".into(), s.tls.as_str().into()),
            ("username".into(), s.username.clone()),
            ("sender_name".into(), s.sender_name.clone()),
            ("sender_address".into(), s.sender_address.clone()),
            ("reply_to".into(), s.reply_to.clone()),
        ]),
        (None, None) => FormValues(vec![("port".into(), "587".into()), ("tls".into(), "starttls".into())]),
    };
    let t = page.t;
    let body = SmtpPage {
        tls_modes: SmtpTls::ALL
            .iter()
            .map(|m| (m.as_str(), t.get(&format!("smtp-tls-{}", m.as_str()))))
            .collect(),
        form,
        has_password,
        version,
        configured: stored.is_some(),
        test_to: page.actor.email.as_str().to_string(),
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

pub async fn show(page: Page) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    self::page(&page, None, outcome).await
}

pub async fn save(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let version = value(&form, "version").trim().parse::<i64>().unwrap_or(0);
    let parsed = SmtpSettings::parse(
        value(&form, "host"),
        value(&form, "port"),
        value(&form, "tls"),
        value(&form, "username"),
        value(&form, "password"),
        value(&form, "sender_name"),
        value(&form, "sender_address"),
        value(&form, "reply_to"),
    );
    let result = match parsed {
        Ok(settings) => {
            page.app().messages().save_smtp_settings(&page.actor, version, settings).await.map(|_| ())
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(()) => page.redirect_with("/admin/email", Flash::notice("smtp-saved")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            // The password typed is not sent back into the page.
            let typed = form.into_iter().filter(|(k, _)| k != "password").collect();
            self::page(&page, Some(typed), outcome).await
        }
    }
}

/// Sends the test message and comes back saying what the server answered.
pub async fn send_test(page: Page, Form(form): Form<Pairs>) -> PageResult {
    match page.app().messages().send_test_email(&page.actor, value(&form, "test_to")).await {
        Ok(Ok(answer)) => {
            page.redirect_with("/admin/email", Flash::warning("smtp-test-sent", vec![answer], "smtp-test"))
                .await
        }
        Ok(Err(answer)) => {
            page.redirect_with("/admin/email", Flash::warning("smtp-test-failed", vec![answer], "smtp-test"))
                .await
        }
        Err(error @ AppError::Validation(_)) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, None, outcome).await
        }
        Err(error) => Err(error.into()),
    }
}
