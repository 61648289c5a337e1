//! Configurações do cadastro: the organisation's own fields and statuses.
use super::{FieldMessages, Shell, render_with_status};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use app::AppError;
use app::registry_settings::CustomFieldView;
use askama::Template;
use axum::extract::{Extension, Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    t: Tr,
    shell: Shell,
    fields: Vec<CustomFieldView>,
    statuses: Vec<(String, String)>,
    field_form: FieldForm,
    status_label: String,
    errors: FieldMessages,
    kinds: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FieldForm {
    label: String,
    kind: String,
    choices: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    field_form: FieldForm,
    status_label: String,
    errors: FieldMessages,
    status: StatusCode,
) -> Response {
    let actor = &user.actor;
    let t = tr_for(actor);
    let (fields, statuses) = match state.app.registry_settings(actor).await {
        Ok(settings) => settings,
        Err(e) => return super::app_error_page(e, actor.locale),
    };
    render_with_status(
        status,
        &SettingsPage {
            shell: Shell::for_user(csrf, user, "settings", "/admin/registry"),
            fields,
            statuses: super::customers::Labels::options(&t, statuses),
            field_form,
            status_label,
            errors,
            kinds: ["text", "number", "date", "choice"]
                .iter()
                .map(|k| (k.to_string(), t.get(&format!("custom-kind-{k}"))))
                .collect(),
            t,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
) -> Response {
    page(
        &state,
        &user,
        &csrf,
        FieldForm { kind: "text".into(), ..Default::default() },
        String::new(),
        FieldMessages::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn add_field(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<FieldForm>,
) -> Response {
    match state.app.create_custom_field(&user.actor, &form.label, &form.kind, &form.choices).await {
        Ok(_) => Redirect::to("/admin/registry").into_response(),
        Err(AppError::Validation(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &tr_for(&user.actor));
            page(&state, &user, &csrf, form, String::new(), messages, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

pub async fn delete_field(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let result = match id.parse() {
        Ok(id) => state.app.delete_custom_field(&user.actor, id).await,
        Err(_) => Err(AppError::NotFound),
    };
    match result {
        Ok(()) => Redirect::to("/admin/registry").into_response(),
        Err(error) => super::htmx_error(error, user.actor.locale, &headers),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    label: String,
}

pub async fn add_status(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<StatusForm>,
) -> Response {
    match state.app.add_customer_status(&user.actor, &form.label).await {
        Ok(_) => Redirect::to("/admin/registry").into_response(),
        Err(AppError::Validation(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &tr_for(&user.actor));
            page(
                &state,
                &user,
                &csrf,
                FieldForm::default(),
                form.label,
                messages,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}
