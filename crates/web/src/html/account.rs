//! The user's own settings: API tokens.
use super::{FieldMessages, Shell, htmx_error, render_with_status};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Tr, tr_for};
use crate::security::CsrfToken;
use app::AppError;
use app::tokens::ApiTokenInfo;
use askama::Template;
use axum::extract::{Extension, Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::ApiTokenId;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    t: Tr,
    shell: Shell,
    tokens: Vec<ApiTokenInfo>,
    created_secret: Option<String>,
    name: String,
    errors: FieldMessages,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    csrf: &CsrfToken,
    created_secret: Option<String>,
    name: String,
    errors: FieldMessages,
    status: StatusCode,
) -> Response {
    match state.app.list_api_tokens(&user.actor).await {
        Ok(tokens) => render_with_status(
            status,
            &TokensPage {
                t: tr_for(&user.actor),
                shell: Shell::for_user(csrf, user, "tokens", "/account/tokens"),
                tokens,
                created_secret,
                name,
                errors,
            },
        ),
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

pub async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
) -> Response {
    page(&state, &user, &csrf, None, String::new(), FieldMessages::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<NewTokenForm>,
) -> Response {
    match state.app.create_api_token(&user.actor, &form.name).await {
        // Rendered, not redirected: the secret is shown this once.
        Ok(created) => {
            page(
                &state,
                &user,
                &csrf,
                Some(created.secret),
                String::new(),
                FieldMessages::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(AppError::Validation(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &tr_for(&user.actor));
            page(&state, &user, &csrf, None, form.name, messages, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => super::app_error_page(error, user.actor.locale),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<ApiTokenId>() else {
        return htmx_error(AppError::NotFound, user.actor.locale, &headers);
    };
    match state.app.revoke_api_token(&user.actor, id).await {
        Ok(()) if headers.contains_key("hx-request") => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.headers_mut().insert("hx-refresh", axum::http::HeaderValue::from_static("true"));
            response
        }
        Ok(()) => Redirect::to("/account/tokens").into_response(),
        Err(error) => htmx_error(error, user.actor.locale, &headers),
    }
}
