//! Configurações do cadastro: the organisation's own fields and statuses.
use super::components::FieldMessages;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, FormWithFiles, Id, Page, see_other};
use crate::flash::Flash;
use crate::html::components::forms::answer_on_tab;
use crate::i18n::Tr;
use crate::labels::Labels;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::registry_settings::CustomFieldView;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing;
use domain::logo::Logo;
use domain::money::Currency;
use domain::phone::Country;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/registry", routing::get(show))
        .route("/admin/registry/fields", routing::post(add_field))
        .route("/admin/registry/fields/{id}/delete", routing::post(delete_field))
        .route("/admin/registry/statuses", routing::post(add_status))
        .route("/admin/registry/currency", routing::post(set_currency))
        .route("/admin/registry/country", routing::post(set_country))
        .route("/admin/registry/logo", routing::get(logo).post(upload_logo))
        .route("/admin/registry/logo/delete", routing::post(remove_logo))
}

#[derive(Template)]
#[template(path = "settings/registry.html")]
struct SettingsPage {
    t: Tr,
    shell: Shell,
    fields: Vec<CustomFieldView>,
    statuses: Vec<(String, String)>,
    field_form: FieldForm,
    status_label: String,
    errors: FieldMessages,
    kinds: Vec<(String, String)>,
    /// The organisation's settings chosen from a list: currency, country.
    choices: [SettingChoice; 2],
    /// Whether the organisation has a logo to show and print.
    has_logo: bool,
}

/// One setting of the organisation, chosen from a list: its card's id,
/// form field and action are `setting`, its messages `<setting>-title`
/// and `<setting>-hint`.
struct SettingChoice {
    setting: &'static str,
    current: &'static str,
    /// (code, label) of each value offered.
    options: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FieldForm {
    label: String,
    kind: String,
    choices: String,
}

async fn page(
    page: &Page,
    field_form: FieldForm,
    status_label: String,
    errors: FieldMessages,
    status: StatusCode,
) -> PageResult {
    let t = page.t;
    let registry = page.app().registry();
    let ((fields, statuses), logo) =
        tokio::try_join!(registry.registry_settings(&page.actor), registry.logo(&page.actor))?;
    Ok(render_with_status(
        status,
        &SettingsPage {
            shell: page.shell("settings"),
            fields,
            statuses: Labels::options(&t, statuses),
            field_form,
            status_label,
            errors,
            kinds: ["text", "number", "date", "choice"]
                .iter()
                .map(|k| (k.to_string(), t.get(&format!("custom-kind-{k}"))))
                .collect(),
            choices: [
                SettingChoice {
                    setting: "currency",
                    current: page.actor.currency.as_str(),
                    options: Currency::ALL
                        .iter()
                        .map(|c| (c.as_str(), t.get(&format!("currency-{}", c.as_str()))))
                        .collect(),
                },
                SettingChoice {
                    setting: "country",
                    current: page.actor.country.code(),
                    options: Country::ALL
                        .iter()
                        .map(|c| (c.code(), t.get(&format!("country-{}", c.code()))))
                        .collect(),
                },
            ],
            has_logo: logo.is_some(),
            t,
        },
    ))
}

pub async fn show(page: Page) -> PageResult {
    let form = FieldForm { kind: "text".into(), ..Default::default() };
    self::page(&page, form, String::new(), FieldMessages::default(), StatusCode::OK).await
}

pub async fn add_field(page: Page, Form(form): Form<FieldForm>) -> PageResult {
    match page.app().registry().create_custom_field(&page.actor, &form.label, &form.kind, &form.choices).await
    {
        Ok(_) => Ok(see_other("/admin/registry")),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &page.t);
            self::page(&page, form, String::new(), messages, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn delete_field(page: Page, Id(field): Id<uuid::Uuid>) -> PageResult {
    page.app().registry().delete_custom_field(&page.actor, field).await?;
    Ok(see_other("/admin/registry"))
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    label: String,
}

pub async fn add_status(page: Page, Form(form): Form<StatusForm>) -> PageResult {
    match page.app().registry().add_customer_status(&page.actor, &form.label).await {
        Ok(_) => Ok(see_other("/admin/registry")),
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &page.t);
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            self::page(&page, FieldForm::default(), form.label, messages, status).await
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Deserialize)]
pub struct CurrencyForm {
    currency: Currency,
}

pub async fn set_currency(page: Page, Form(form): Form<CurrencyForm>) -> PageResult {
    page.app().registry().set_currency(&page.actor, form.currency).await?;
    page.redirect_with("/admin/registry", Flash::notice("currency-saved")).await
}

#[derive(Deserialize)]
pub struct CountryForm {
    country: Country,
}

pub async fn set_country(page: Page, Form(form): Form<CountryForm>) -> PageResult {
    page.app().registry().set_country(&page.actor, form.country).await?;
    page.redirect_with("/admin/registry", Flash::notice("country-saved")).await
}

/// The logo as stored, for the settings page to show.
pub async fn logo(page: Page) -> PageResult {
    let logo = page.app().registry().logo(&page.actor).await?.ok_or(AppError::NotFound)?;
    let mut response = logo.content.clone().into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(logo.content_type()));
    Ok(response)
}

pub async fn upload_logo(page: Page, form: FormWithFiles) -> PageResult {
    let content = form.files.into_iter().find(|(_, _, content)| !content.is_empty()).map(|(_, _, c)| c);
    let result = match Logo::check(content.unwrap_or_default()) {
        Ok(logo) => page.app().registry().set_logo(&page.actor, logo).await,
        Err(errors) => Err(errors.into()),
    };
    answer_on_tab(&page, "/admin/registry", "logo", result, "logo-saved", "logo-saved").await
}

pub async fn remove_logo(page: Page) -> PageResult {
    page.app().registry().remove_logo(&page.actor).await?;
    page.redirect_with("/admin/registry", Flash::notice("logo-removed")).await
}
