//! Lembretes de cobrança: the rule that e-mails customers about their
//! installments, days before they fall due and days after.
use super::components::{FieldMessages, FormOutcome, FormValues, Pairs, form_id, number, value};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Page};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use askama::Template;
use axum::Router;
use axum::routing;
use domain::ValidationErrors;
use domain::message::MessageChannel;
use domain::sale::ReminderRuleDraft;

/// How many channels a reminder may try, one after the other.
const CHANNEL_SLOTS: usize = 3;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/reminders", routing::get(show).post(save))
}

#[derive(Template)]
#[template(path = "settings/reminders.html")]
struct RemindersPage {
    t: Tr,
    shell: Shell,
    form: FormValues,
    templates: Vec<(String, String)>,
    /// The choices of each channel slot: none, e-mail, WhatsApp, SMS.
    channels: Vec<(String, String)>,
    sender: Option<String>,
    outcomes: Vec<(String, String)>,
    errors: FieldMessages,
    alert: Option<String>,
}

async fn page(page: &Page, typed: Option<Pairs>, outcome: FormOutcome) -> PageResult {
    let app = page.app();
    let (sales, messages) = (app.sales(), app.messages());
    let (view, templates) = tokio::try_join!(
        sales.reminder_rule(&page.actor),
        messages.templates_of(&page.actor, domain::message::TemplateKind::Email)
    )?;
    let t = page.t;
    let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
    let form = typed.unwrap_or_else(|| {
        vec![
            ("active".into(), if view.rule.active { "true".into() } else { String::new() }),
            ("days_before".into(), days(view.rule.days_before)),
            ("days_after".into(), days(view.rule.days_after)),
            ("template_id".into(), view.rule.template_id.map(|id| id.to_string()).unwrap_or_default()),
            ("version".into(), view.version.to_string()),
        ]
        .into_iter()
        .chain((0..CHANNEL_SLOTS).map(|n| {
            let channel = view.rule.channels.get(n).map(|c| c.as_str().to_string()).unwrap_or_default();
            (format!("channel_{}", n + 1), channel)
        }))
        .collect()
    });
    let mut choices = vec![(String::new(), t.get("reminders-choose-template"))];
    choices.extend(templates.into_iter().map(|template| (template.id.to_string(), template.name)));
    let body = RemindersPage {
        form: FormValues(form),
        templates: choices,
        channels: std::iter::once((String::new(), t.get("reminders-channel-none")))
            .chain(
                [MessageChannel::Email, MessageChannel::WhatsApp, MessageChannel::Sms]
                    .iter()
                    .map(|c| (c.as_str().to_string(), t.get(&format!("compose-channel-{}", c.as_str())))),
            )
            .collect(),
        sender: view.sender_name,
        outcomes: view
            .last_30_days
            .into_iter()
            .map(|(code, n)| (t.get(&format!("reminder-outcome-{code}")), t.integer(n)))
            .chain(view.channels_30_days.into_iter().map(|(channel, n)| {
                let name = t.get(&format!("compose-channel-{channel}"));
                (t.with("reminder-sent-through", "channel", name), t.integer(n))
            }))
            .collect(),
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn show(page: Page) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    self::page(&page, None, outcome).await
}

async fn save(page: Page, Form(form): Form<Pairs>) -> PageResult {
    let mut errors = ValidationErrors::new();
    let version: Option<i64> = number(&form, "version", &mut errors);
    let draft = ReminderRuleDraft {
        active: value(&form, "active") == "true",
        days_before: value(&form, "days_before").to_string(),
        days_after: value(&form, "days_after").to_string(),
        template_id: form_id(&form, "template_id", &mut errors),
        channels: (1..=CHANNEL_SLOTS)
            .map(|n| value(&form, &format!("channel_{n}")).to_string())
            .filter(|c| !c.is_empty())
            .collect(),
    };
    let saved = match version {
        Some(version) if errors.is_empty() => {
            page.app().sales().save_reminder_rule(&page.actor, version, &draft).await
        }
        _ => Err(AppError::Validation(errors)),
    };
    match saved {
        Ok(_) => page.redirect_with("/admin/reminders", Flash::notice("settings-saved")).await,
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            self::page(&page, Some(form), outcome).await
        }
    }
}
