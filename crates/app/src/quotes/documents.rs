//! A quote's documents (seed 002: a proposal sent as HTML with
//! variables): the organisation's quote template filled in for the quote,
//! the quote as a PDF, and both sent to the customer through the outbox.
use super::QuoteView;
use crate::messaging::EmailContent;
use crate::messaging::refusal;
use crate::{Actor, AppError, Quotes};
use domain::ids::MessageId;
use domain::message::{Attachment, TemplateKind};
use domain::quote::{PaymentTerms, format_percent};
use domain::sale::format_quantity;
use domain::{PartyId, QuoteId, ValidationErrors};
use render::email::{self, RenderedEmail, Variables};
use render::quote::{Item, Proposal, STANDARD_BODY, STANDARD_SUBJECT, Sheet, SheetLabels};
use uuid::Uuid;

/// A quote's PDF, named for the customer's downloads folder.
#[derive(Clone, Debug)]
pub struct QuoteFile {
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A percentage as a document prints it, nothing when there is none.
fn percent(hundredths: i64) -> String {
    if hundredths == 0 { String::new() } else { format!("{} %", format_percent(hundredths)) }
}

fn proposal(quote: &QuoteView, words: &SheetLabels) -> Proposal {
    let written = |amount| quote.currency.written(amount);
    Proposal {
        numero: quote.number.to_string(),
        revisao: quote.revision.to_string(),
        emissao: quote.issued_on.format("%d/%m/%Y").to_string(),
        validade: quote.valid_until.format("%d/%m/%Y").to_string(),
        condicoes_pagamento: match quote.payment_terms {
            PaymentTerms::Cash => words.cash.clone(),
            PaymentTerms::Installments => {
                words.installments.replace("{count}", &quote.installments.to_string())
            }
        },
        prazo_entrega: quote.delivery_terms.clone(),
        observacoes: quote.notes.clone(),
        subtotal: written(quote.subtotal),
        desconto_percentual: percent(quote.discount_percent),
        desconto: written(quote.discount),
        frete: written(quote.freight),
        total: written(quote.total),
    }
}

fn items(quote: &QuoteView) -> Vec<Item> {
    quote
        .lines
        .iter()
        .map(|line| Item {
            codigo: line.product_code.clone().unwrap_or_default(),
            descricao: line.description.clone(),
            unidade: line.unit.clone(),
            quantidade: format_quantity(line.quantity_milli),
            preco_unitario: quote.currency.written(line.unit_price),
            desconto: percent(line.discount_percent),
            total: quote.currency.written(line.total),
        })
        .collect()
}

impl Quotes<'_> {
    /// The variables of the quote, for its customer (at `to`, or his first
    /// address), from the actor.
    async fn variables(
        &self,
        actor: &Actor,
        quote: &QuoteView,
        to: Option<&str>,
        words: &SheetLabels,
    ) -> Result<Variables, AppError> {
        let messages = self.messages();
        let (party, organisation) =
            tokio::try_join!(messages.reachable(actor, PartyId(quote.party_id)), async {
                Ok(db::repo::organisation::get(&self.db, actor.org_id).await?)
            })?;
        let email = to.map(str::to_string).or_else(|| party.emails.first().cloned()).unwrap_or_default();
        let cliente = email::Customer {
            primeiro_nome: party.name.split_whitespace().next().unwrap_or_default().to_string(),
            nome: party.name,
            email,
            cidade: party.city,
            uf: party.state,
        };
        let usuario =
            email::Sender { nome: actor.display_name.clone(), email: actor.email.as_str().to_string() };
        let organizacao = email::Organisation { nome: organisation.map(|o| o.name).unwrap_or_default() };
        Ok(Variables::of_quote(cliente, usuario, organizacao, proposal(quote, words), items(quote)))
    }

    /// The quote's templates to choose from; the standard one is `None`.
    pub async fn document_templates(&self, actor: &Actor) -> Result<Vec<(Uuid, String)>, AppError> {
        let templates = self.messages().templates_of(actor, TemplateKind::Quote).await?;
        Ok(templates.into_iter().map(|template| (template.id, template.name)).collect())
    }

    /// The quote filled into one of the organisation's quote templates
    /// (`None`: the standard one): the subject and the document.
    pub async fn document(
        &self,
        actor: &Actor,
        id: QuoteId,
        template: Option<Uuid>,
        words: &SheetLabels,
    ) -> Result<RenderedEmail, AppError> {
        let quote = self.quote(actor, id).await?;
        let variables = self.variables(actor, &quote, None, words).await?;
        self.filled(actor, template, &variables).await
    }

    async fn filled(
        &self,
        actor: &Actor,
        template: Option<Uuid>,
        variables: &Variables,
    ) -> Result<RenderedEmail, AppError> {
        let written = match template {
            Some(template) => {
                let template = self.messages().template(actor, template).await?;
                if template.kind != TemplateKind::Quote {
                    return Err(ValidationErrors::single("template", "error-template-not-quote").into());
                }
                Some(template)
            }
            None => None,
        };
        let (subject, body) = written.as_ref().map_or((STANDARD_SUBJECT, STANDARD_BODY), |template| {
            (template.subject.as_str(), template.body.as_str())
        });
        email::render(subject, body, variables).map_err(refusal)
    }

    /// The quote as a PDF with the organisation's logo. Typesetting takes
    /// a few milliseconds of CPU, off the threads that answer requests.
    pub async fn pdf(&self, actor: &Actor, id: QuoteId, words: &SheetLabels) -> Result<QuoteFile, AppError> {
        let quote = self.quote(actor, id).await?;
        let variables = self.variables(actor, &quote, None, words).await?;
        self.pdf_of(actor, &quote, variables, words).await
    }

    async fn pdf_of(
        &self,
        actor: &Actor,
        quote: &QuoteView,
        variables: Variables,
        words: &SheetLabels,
    ) -> Result<QuoteFile, AppError> {
        let logo = self.registry().logo(actor).await?;
        let (words, language) = (words.clone(), actor.locale.tag());
        let content = tokio::task::spawn_blocking(move || {
            let logo = logo.as_ref().map(|logo| logo.content.as_slice());
            render::quote::pdf(&Sheet { variables: &variables, labels: &words, language, logo })
        })
        .await
        .map_err(|e| AppError::Internal(format!("PDF task: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(QuoteFile { file_name: format!("proposta-{}.pdf", quote.number), content })
    }

    /// Sends the quote to the customer at `to` (one of his addresses): the
    /// template filled in as the e-mail, the PDF attached, through the
    /// outbox and onto his history like any e-mail.
    pub async fn send_quote(
        &self,
        actor: &Actor,
        id: QuoteId,
        to: &str,
        template: Option<Uuid>,
        words: &SheetLabels,
    ) -> Result<MessageId, AppError> {
        let quote = self.quote(actor, id).await?;
        // One reading of the customer and the organisation fills both the
        // e-mail and the PDF, so they cannot disagree.
        let variables = self.variables(actor, &quote, Some(to.trim()), words).await?;
        let filled = self.filled(actor, template, &variables).await?;
        let pdf = self.pdf_of(actor, &quote, variables, words).await?;
        let attachment = Attachment {
            file_name: pdf.file_name,
            content_type: "application/pdf".to_string(),
            content: pdf.content,
        };
        let content = EmailContent::Filled(filled, template);
        self.messages()
            .queue_email_with_files(actor, PartyId(quote.party_id), to, content, vec![attachment])
            .await
    }
}
