//! Modelos de e-mail: the organisation's templates, each written with the
//! list of variables beside it and shown filled in with sample values.
use crate::error::PageResult;
use crate::extract::{Form, Id, Page};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::i18n::Tr;
use crate::layout::{Shell, render, render_with_status};
use askama::Template;
use domain::Locale;
use domain::message::TemplateDraft;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "messages/templates.html")]
struct TemplatesPage {
    t: Tr,
    shell: Shell,
    /// id, name, language, subject, when and by whom last changed.
    lines: Vec<(String, String, String, String, String)>,
}

pub async fn list(page: Page) -> PageResult {
    let templates = page.app().messages().templates(&page.actor).await?;
    let t = page.t;
    let lines = templates
        .into_iter()
        .map(|tpl| {
            let changed = format!("{} · {}", t.datetime(&tpl.updated_at), tpl.updated_by);
            (tpl.id.to_string(), tpl.name, tpl.locale.native_name().to_string(), tpl.subject, changed)
        })
        .collect();
    Ok(render(&TemplatesPage { lines, shell: page.shell("settings"), t }))
}

#[derive(Template)]
#[template(path = "messages/template_form.html")]
struct TemplateFormPage {
    t: Tr,
    shell: Shell,
    /// Where the form posts: `/admin/templates` or the template's own address.
    action: String,
    version: i64,
    form: FormValues,
    locales: Vec<(&'static str, &'static str)>,
    variables: &'static [&'static str],
    /// The stored template filled in with sample values: subject and text.
    sample: Option<(String, String)>,
    errors: FieldMessages,
    alert: Option<String>,
}

async fn form_page(page: &Page, id: Option<Uuid>, typed: Option<Pairs>, outcome: FormOutcome) -> PageResult {
    let messages = page.app().messages();
    let stored = match id {
        Some(id) => Some(messages.template(&page.actor, id).await?),
        None => None,
    };
    let form = match (typed, &stored) {
        (Some(typed), _) => FormValues(typed),
        (None, Some(tpl)) => FormValues(vec![
            ("name".into(), tpl.name.clone()),
            ("locale".into(), tpl.locale.tag().into()),
            ("subject".into(), tpl.subject.clone()),
            ("body".into(), tpl.body.clone()),
        ]),
        (None, None) => FormValues(vec![("locale".into(), page.actor.locale.tag().into())]),
    };
    let sample = stored
        .as_ref()
        .and_then(|tpl| messages.sample(&tpl.subject, &tpl.body).ok())
        .map(|s| (s.subject, s.text));
    let body = TemplateFormPage {
        action: id.map_or("/admin/templates".to_string(), |id| format!("/admin/templates/{id}")),
        version: stored.as_ref().map_or(0, |tpl| tpl.version),
        form,
        locales: Locale::ALL.iter().map(|l| (l.tag(), l.native_name())).collect(),
        variables: render::email::VARIABLE_NAMES,
        sample,
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t: page.t,
    };
    Ok(render_with_status(outcome.status, &body))
}

pub async fn new_form(page: Page) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    form_page(&page, None, None, outcome).await
}

pub async fn edit_form(page: Page, Id(id): Id<Uuid>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    form_page(&page, Some(id), None, outcome).await
}

pub async fn create(page: Page, Form(form): Form<Pairs>) -> PageResult {
    save(page, None, form).await
}

pub async fn update(page: Page, Id(id): Id<Uuid>, Form(form): Form<Pairs>) -> PageResult {
    save(page, Some(id), form).await
}

async fn save(page: Page, id: Option<Uuid>, form: Pairs) -> PageResult {
    let version = value(&form, "version").trim().parse::<i64>().unwrap_or(0);
    let saved = match TemplateDraft::parse(
        value(&form, "name"),
        value(&form, "locale"),
        value(&form, "subject"),
        value(&form, "body"),
    ) {
        Ok(draft) => page.app().messages().save_template(&page.actor, id, version, draft).await,
        Err(errors) => Err(errors.into()),
    };
    match saved {
        Ok(template) => {
            page.redirect_with(&format!("/admin/templates/{}", template.id), Flash::notice("template-saved"))
                .await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            form_page(&page, id, Some(form), outcome).await
        }
    }
}
