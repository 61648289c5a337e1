//! The JSON API under `/api/v1`, described by the OpenAPI document that
//! utoipa derives from these handlers.
mod access;
mod agenda;
mod audit;
mod catalogue;
mod contracts;
mod discounts;
mod engine;
mod filter_schema;
mod follow_up;
mod interactions;
mod jobs;
mod list_views;
mod loyalty;
mod me;
mod messages;
mod orders;
mod organisation;
mod parties;
mod pipeline;
mod quotes;
mod registry_settings;
mod responses;
mod sales;
mod text_rules;
mod tokens;
mod users;
mod vehicles;
mod webhooks;
mod work_queue;

use crate::AppState;
use crate::error::{Error, ErrorBody, ErrorDetail};
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .merge(me::routes())
        .merge(organisation::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(tokens::routes())
        .merge(parties::routes())
        .merge(registry_settings::routes())
        .merge(access::routes())
        .merge(vehicles::routes())
        .merge(interactions::routes())
        .merge(agenda::routes())
        .merge(pipeline::routes())
        .merge(work_queue::routes())
        .merge(engine::routes())
        .merge(list_views::routes())
        .merge(messages::routes())
        .merge(webhooks::routes())
        .merge(jobs::routes())
        .merge(catalogue::routes())
        .merge(sales::routes())
        .merge(quotes::routes())
        .merge(orders::routes())
        .merge(contracts::routes())
        .merge(follow_up::routes())
        .merge(discounts::routes())
        .merge(loyalty::routes())
        .fallback(|| async { Error::not_found() })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Vínculo API", description = "The JSON API of Vínculo, a CRM for Brazil and Portugal. \
        Authenticate with `Authorization: Bearer <token>`; create tokens in the web UI \
        (API tokens) or with `vinculo user token`."),
    paths(crate::health),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags((name = "system"), (name = "account"), (name = "users"), (name = "audit"), (name = "parties"), (name = "access"),
        (name = "profile"), (name = "agenda"), (name = "work"), (name = "engine"), (name = "messages"), (name = "sales"), (name = "quotes"), (name = "contracts"), (name = "follow-up")),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// The OpenAPI document, pretty-printed: `vinculo openapi` prints the same.
pub fn openapi_document() -> String {
    let mut document = ApiDoc::openapi();
    for part in capability_documents() {
        document.merge(part);
    }
    responses::add_answers_of_every_shape(&mut document);
    text_rules::describe_text_rules(&mut document);
    document.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Each capability describes its own paths; the document only merges them.
fn capability_documents() -> [utoipa::openapi::OpenApi; 27] {
    [
        me::Doc::openapi(),
        organisation::Doc::openapi(),
        users::Doc::openapi(),
        audit::Doc::openapi(),
        tokens::Doc::openapi(),
        parties::Doc::openapi(),
        registry_settings::Doc::openapi(),
        access::Doc::openapi(),
        vehicles::Doc::openapi(),
        interactions::Doc::openapi(),
        agenda::Doc::openapi(),
        pipeline::Doc::openapi(),
        work_queue::Doc::openapi(),
        engine::Doc::openapi(),
        list_views::Doc::openapi(),
        messages::Doc::openapi(),
        webhooks::Doc::openapi(),
        jobs::Doc::openapi(),
        catalogue::Doc::openapi(),
        sales::Doc::openapi(),
        quotes::Doc::openapi(),
        orders::Doc::openapi(),
        contracts::Doc::openapi(),
        follow_up::Doc::openapi(),
        follow_up::DocumentsDoc::openapi(),
        discounts::Doc::openapi(),
        loyalty::Doc::openapi(),
    ]
}

async fn openapi_json() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], openapi_document()).into_response()
}

/// A code the database holds, as the API's enum. One the enum does not know
/// is a defect of the data, not of the caller: it answers 500 and is logged.
fn code<T: std::str::FromStr>(text: &str) -> Result<T, Error> {
    text.parse()
        .map_err(|_| Error::App(app::AppError::Internal(format!("unknown code {text:?} in stored data"))))
}

/// Each of a use case's views as the API's type.
fn public_all<V, T: TryFrom<V, Error = Error>>(views: Vec<V>) -> Result<Vec<T>, Error> {
    views.into_iter().map(T::try_from).collect()
}

/// A row chosen for a bulk action, at the version the caller read: a row
/// changed since stops the whole action (409).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ChosenItem {
    pub id: uuid::Uuid,
    /// The version the caller read.
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Merging keeps one schema per name: two capabilities naming different
    /// types alike would leave one of them described by the other's schema
    /// (the occurrence report's days were once the agenda's).
    #[test]
    fn no_two_capabilities_name_different_schemas_alike() {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for part in capability_documents() {
            for (name, schema) in part.components.map(|c| c.schemas).unwrap_or_default() {
                let text = serde_json::to_string(&schema).expect("schema");
                if let Some(earlier) = seen.insert(name.clone(), text.clone()) {
                    assert_eq!(earlier, text, "two schemas are named {name}");
                }
            }
        }
    }

    /// Every schema the document refers to is in it (a parameter of a type
    /// no body used was once left out, and clients skipped it).
    #[test]
    fn every_reference_resolves() {
        let document: serde_json::Value = serde_json::from_str(&openapi_document()).expect("JSON");
        let schemas = document["components"]["schemas"].as_object().expect("schemas");
        let text = document.to_string();
        let marker = "#/components/schemas/";
        let missing: Vec<&str> = text
            .match_indices(marker)
            .map(|(at, _)| {
                let rest = &text[at + marker.len()..];
                &rest[..rest.find('"').unwrap_or(rest.len())]
            })
            .filter(|name| !schemas.contains_key(*name))
            .collect();
        assert!(missing.is_empty(), "referred to but not described: {missing:?}");
    }
}
