//! A quote's documents from its page: the organisation's quote template
//! filled in (a page of its own, shown as the customer will read it), the
//! PDF to download, and both sent to the customer by e-mail.
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query};
use crate::html::components::forms::answer_on_tab;
use crate::html::components::{Pairs, value};
use crate::labels::quote_sheet;
use app::AppError;
use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing;
use domain::message::MessageChannel;
use domain::{PartyId, QuoteId, ValidationErrors};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/quotes/{id}/document", routing::get(document))
        .route("/quotes/{id}/pdf", routing::get(pdf))
        .route("/quotes/{id}/send", routing::post(send))
}

/// A filled-in document is the organisation's HTML: no script may run in
/// it, its own styles may.
const DOCUMENT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                            base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// What the quote's page offers to do with its documents.
pub(super) struct DocumentCard {
    /// (value, name) of the templates to choose from: the organisation's
    /// quote templates, then the standard one (an empty value).
    pub templates: Vec<(String, String)>,
    /// The customer's addresses to send to.
    pub recipients: Vec<String>,
    /// Why it cannot be sent now, as read: no address, no consent, no server.
    pub blocked: Option<String>,
    /// The variables a quote's template may name [consultar variáveis].
    pub variables: &'static [&'static str],
}

pub(super) async fn card(page: &Page, party: PartyId) -> Result<DocumentCard, AppError> {
    let (quotes, messages) = (page.app().quotes(), page.app().messages());
    let (templates, reachable) =
        tokio::try_join!(quotes.document_templates(&page.actor), messages.reachable(&page.actor, party))?;
    let mut templates: Vec<(String, String)> =
        templates.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
    templates.push((String::new(), page.t.get("quote-template-standard")));
    Ok(DocumentCard {
        templates,
        blocked: reachable.blocked(MessageChannel::Email).map(|key| page.t.get(key)),
        recipients: reachable.emails,
        variables: app::messaging::variable_names(domain::message::TemplateKind::Quote),
    })
}

/// The template as the form sends it: empty for the standard one.
fn template_of(typed: &str) -> Result<Option<Uuid>, AppError> {
    match typed.trim() {
        "" => Ok(None),
        typed => typed
            .parse()
            .map(Some)
            .map_err(|_| ValidationErrors::single("template", "error-template-not-quote").into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DocumentQuery {
    template: String,
}

#[derive(Template)]
#[template(path = "quotes/document.html")]
struct DocumentPage {
    lang: &'static str,
    subject: String,
    html: String,
}

async fn document(page: Page, Id(id): Id<QuoteId>, Query(query): Query<DocumentQuery>) -> PageResult {
    let template = template_of(&query.template)?;
    let filled = page.app().quotes().document(&page.actor, id, template, &quote_sheet(&page.t)).await?;
    let body = DocumentPage { lang: page.actor.locale.tag(), subject: filled.subject, html: filled.html };
    let mut response = crate::layout::render(&body);
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCUMENT_CSP));
    Ok(response)
}

async fn pdf(page: Page, Id(id): Id<QuoteId>) -> PageResult {
    let file = page.app().quotes().pdf(&page.actor, id, &quote_sheet(&page.t)).await?;
    Ok(crate::download::file("application/pdf", &file.file_name, file.content))
}

async fn send(page: Page, Id(id): Id<QuoteId>, Form(form): Form<Pairs>) -> PageResult {
    let result = match template_of(value(&form, "template")) {
        Ok(template) => {
            let words = quote_sheet(&page.t);
            page.app().quotes().send_quote(&page.actor, id, value(&form, "to"), template, &words).await
        }
        Err(error) => Err(error),
    };
    answer_on_tab(
        &page,
        &format!("/quotes/{id}"),
        "quote-document",
        result,
        "quote-send-queued",
        "quote-changed-reload",
    )
    .await
}
