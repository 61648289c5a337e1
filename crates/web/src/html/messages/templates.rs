//! Modelos de e-mail: the organisation's templates, each written with the
//! list of variables beside it and shown filled in with sample values.
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value};
use crate::i18n::Tr;
use crate::layout::{Shell, render, render_with_status};
use askama::Template;
use domain::Locale;
use domain::message::{TemplateDraft, TemplateKind};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "messages/templates.html")]
struct TemplatesPage {
    t: Tr,
    shell: Shell,
    /// id, name, kind, language, subject, when and by whom last changed.
    lines: Vec<(String, String, String, String, String, String)>,
}

pub async fn list(page: Page) -> PageResult {
    let templates = page.app().messages().templates(&page.actor).await?;
    let t = page.t;
    let lines = templates
        .into_iter()
        .map(|tpl| {
            let changed = format!("{} · {}", t.datetime(&tpl.updated_at), tpl.updated_by);
            let kind = t.get(&format!("template-kind-{}", tpl.kind.as_str()));
            (tpl.id.to_string(), tpl.name, kind, tpl.locale.native_name().to_string(), tpl.subject, changed)
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
    kinds: Vec<(&'static str, String)>,
    variables: &'static [&'static str],
    /// How a quote's lines are walked; e-mails have none.
    loop_example: Option<&'static str>,
    /// The stored template filled in with sample values: subject and text.
    sample: Option<(String, String)>,
    errors: FieldMessages,
    alert: Option<String>,
}

/// A new template is an e-mail's unless asked for a quote's.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewTemplate {
    kind: String,
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
            ("kind".into(), tpl.kind.as_str().into()),
            ("name".into(), tpl.name.clone()),
            ("locale".into(), tpl.locale.tag().into()),
            ("subject".into(), tpl.subject.clone()),
            ("body".into(), tpl.body.clone()),
        ]),
        (None, None) => FormValues(vec![("locale".into(), page.actor.locale.tag().into())]),
    };
    let kind = match &stored {
        Some(tpl) => tpl.kind,
        None => TemplateKind::parse(form.get("kind")).unwrap_or(TemplateKind::Email),
    };
    let sample = stored
        .as_ref()
        .and_then(|tpl| messages.sample(kind, &tpl.subject, &tpl.body).ok())
        .map(|s| (s.subject, s.text));
    let body = TemplateFormPage {
        action: id.map_or("/admin/templates".to_string(), |id| format!("/admin/templates/{id}")),
        version: stored.as_ref().map_or(0, |tpl| tpl.version),
        form,
        locales: Locale::ALL.iter().map(|l| (l.tag(), l.native_name())).collect(),
        kinds: TemplateKind::ALL
            .iter()
            .map(|k| (k.as_str(), page.t.get(&format!("template-kind-{}", k.as_str()))))
            .collect(),
        variables: app::messaging::variable_names(kind),
        loop_example: (kind == TemplateKind::Quote).then_some(render::quote::LOOP_EXAMPLE),
        sample,
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("settings"),
        t: page.t,
    };
    Ok(render_with_status(outcome.status, &body))
}

pub async fn new_form(page: Page, Query(new): Query<NewTemplate>) -> PageResult {
    let outcome = FormOutcome::of(None, &page.t)?;
    // A quote's template starts from the standard one, to change rather
    // than to write from nothing.
    let typed = (new.kind == TemplateKind::Quote.as_str()).then(|| {
        vec![
            ("kind".to_string(), new.kind.clone()),
            ("locale".to_string(), page.actor.locale.tag().to_string()),
            ("subject".to_string(), render::quote::STANDARD_SUBJECT.to_string()),
            ("body".to_string(), render::quote::STANDARD_BODY.to_string()),
        ]
    });
    form_page(&page, None, typed, outcome).await
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
        value(&form, "kind"),
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
