//! The user's own settings: API tokens.
use super::components::FieldMessages;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, see_other};
use crate::flash::Flash;
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::tokens::ApiTokenInfo;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing;
use domain::ids::ApiTokenId;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/tokens", routing::get(tokens).post(create_token))
        .route("/account/tokens/{id}/revoke", routing::post(revoke_token))
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    t: Tr,
    shell: Shell,
    tokens: Vec<ApiTokenInfo>,
    name: String,
    errors: FieldMessages,
}

async fn page(page: &Page, name: String, errors: FieldMessages, status: StatusCode) -> PageResult {
    let tokens = page.app().tokens().list_api_tokens(&page.actor).await?;
    let body = TokensPage { t: page.t, shell: page.shell("tokens"), tokens, name, errors };
    Ok(render_with_status(status, &body))
}

pub async fn tokens(page: Page) -> PageResult {
    self::page(&page, String::new(), FieldMessages::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    name: String,
}

/// The secret is shown once, on the page the redirect lands on: a reload
/// or the back button never creates a second token.
pub async fn create_token(page: Page, Form(form): Form<NewTokenForm>) -> PageResult {
    match page.app().tokens().create_api_token(&page.actor, &form.name).await {
        Ok(created) => {
            let flash = Flash::secret("tokens-created", created.secret, "new-token");
            page.redirect_with("/account/tokens", flash).await
        }
        Err(AppError::Validation(errors)) => {
            let messages = FieldMessages::from_errors(&errors, &page.t);
            self::page(&page, form.name, messages, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn revoke_token(page: Page, Id(id): Id<ApiTokenId>) -> PageResult {
    page.app().tokens().revoke_api_token(&page.actor, id).await?;
    if page.htmx {
        let mut response = StatusCode::NO_CONTENT.into_response();
        response.headers_mut().insert("hx-refresh", axum::http::HeaderValue::from_static("true"));
        return Ok(response);
    }
    Ok(see_other("/account/tokens"))
}
