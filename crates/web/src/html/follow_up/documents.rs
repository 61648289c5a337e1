//! What a contact sends out (seed 002): its visit sheet [ficha de visita]
//! in one of the organisation's layouts, printed or e-mailed; documents to
//! customers [envio para clientes] for the chosen contacts, with the
//! sending's report; and the layouts' own settings page.
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{Form, Id, Page, Query};
use crate::flash::Flash;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value, values};
use crate::i18n::Tr;
use crate::labels::sheet_words;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::follow_up::contacts::ContactView;
use app::follow_up::sending::SendingView;
use app::follow_up::sheets::LayoutView;
use askama::Template;
use axum::Router;
use axum::routing;
use domain::follow_up::sending::{SendOrder, SendingDraft};
use domain::follow_up::visit_sheet::{LayoutDraft, SheetSection};
use domain::message::TemplateKind;
use domain::{DocumentSendId, SalesContactId, VisitSheetLayoutId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/follow-up/sheets", routing::get(layouts).post(save_layout))
        .route("/sales-contacts/{id}/sheet", routing::get(sheet_page))
        .route("/sales-contacts/{id}/sheet.pdf", routing::get(sheet_pdf))
        .route("/sales-contacts/{id}/sheet/email", routing::post(email_sheet))
        .route("/follow-up/send", routing::get(send_page).post(send))
        .route("/follow-up/sends/{id}", routing::get(sending))
}

#[derive(Template)]
#[template(path = "follow_up/sheet_layouts.html")]
struct LayoutsPage {
    t: Tr,
    shell: Shell,
    layouts: Vec<LayoutView>,
    /// (code, label) of every section.
    sections: Vec<(&'static str, String)>,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
}

fn section_choices(t: &Tr) -> Vec<(&'static str, String)> {
    SheetSection::ALL
        .iter()
        .map(|s| (s.as_str(), t.get(&format!("visit-sheet-section-{}", s.as_str()))))
        .collect()
}

async fn layouts_page(page: &Page, form: FormValues, outcome: FormOutcome) -> PageResult {
    page.app().follow_up().may_configure(&page.actor)?;
    let layouts = page.app().follow_up().sheet_layouts(&page.actor).await?;
    let t = page.t;
    let body = LayoutsPage {
        layouts,
        sections: section_choices(&t),
        form,
        errors: outcome.errors,
        alert: outcome.alert,
        shell: page.shell("follow_up_settings"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct LayoutQuery {
    layout: String,
}

async fn layouts(page: Page, Query(query): Query<LayoutQuery>) -> PageResult {
    let form = match query.layout.trim().parse::<uuid::Uuid>() {
        Ok(id) => {
            let layout = page.app().follow_up().sheet_layout(&page.actor, VisitSheetLayoutId(id)).await?;
            let mut pairs = vec![
                ("id".to_string(), layout.id.to_string()),
                ("version".into(), layout.version.to_string()),
                ("name".into(), layout.name),
                ("heading".into(), layout.heading),
                ("active".into(), layout.active.to_string()),
            ];
            pairs.extend(layout.sections.iter().map(|s| ("sections".to_string(), s.as_str().to_string())));
            FormValues(pairs)
        }
        // A new layout starts with every section but the notes.
        Err(_) => FormValues(
            [("active", "true"), ("sections", "customer"), ("sections", "products"), ("sections", "cycle")]
                .into_iter()
                .chain([("sections", "report")])
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
    };
    layouts_page(&page, form, FormOutcome::of(None, &page.t)?).await
}

async fn save_layout(page: Page, Form(fields): Form<Pairs>) -> PageResult {
    let draft = LayoutDraft {
        name: value(&fields, "name").to_string(),
        heading: value(&fields, "heading").to_string(),
        sections: values(&fields, "sections").map(str::to_string).collect(),
        active: value(&fields, "active") == "true",
    };
    let editing = value(&fields, "id")
        .trim()
        .parse::<uuid::Uuid>()
        .ok()
        .map(|id| (VisitSheetLayoutId(id), value(&fields, "version").trim().parse::<i64>().unwrap_or(0)));
    match page.app().follow_up().save_sheet_layout(&page.actor, editing, &draft).await {
        Ok(_) => {
            page.redirect_with("/admin/follow-up/sheets", Flash::notice("visit-sheet-layout-saved")).await
        }
        Err(error) => layouts_page(&page, FormValues(fields), FormOutcome::of(Some(error), &page.t)?).await,
    }
}

#[derive(Template)]
#[template(path = "follow_up/sheet.html")]
struct SheetPage {
    t: Tr,
    shell: Shell,
    contact: ContactView,
    /// (id, name) of the active layouts.
    layouts: Vec<(String, String)>,
    emails: Vec<String>,
    form: FormValues,
    errors: FieldMessages,
}

async fn render_sheet(page: &Page, id: SalesContactId, form: FormValues, outcome: FormOutcome) -> PageResult {
    let follow_up = page.app().follow_up();
    let contact = follow_up.contact(&page.actor, id).await?;
    let (layouts, emails) = tokio::try_join!(
        follow_up.sheet_layouts(&page.actor),
        follow_up.contact_emails(&page.actor, &contact),
    )?;
    let t = page.t;
    let body = SheetPage {
        layouts: layouts.into_iter().filter(|l| l.active).map(|l| (l.id.to_string(), l.name)).collect(),
        emails,
        contact,
        form,
        errors: outcome.errors,
        shell: page.shell("follow_up"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn sheet_page(page: Page, Id(id): Id<SalesContactId>) -> PageResult {
    render_sheet(&page, id, FormValues::default(), FormOutcome::of(None, &page.t)?).await
}

fn layout_of(fields: &Pairs) -> Result<VisitSheetLayoutId, AppError> {
    value(fields, "layout")
        .trim()
        .parse()
        .map(VisitSheetLayoutId)
        .map_err(|_| domain::ValidationErrors::single("layout", "error-sheet-layout-unknown").into())
}

async fn sheet_pdf(page: Page, Id(id): Id<SalesContactId>, Query(query): Query<Pairs>) -> PageResult {
    let printed = match layout_of(&query) {
        Ok(layout) => {
            page.app().follow_up().visit_sheet(&page.actor, id, layout, &sheet_words(&page.t)).await
        }
        Err(error) => Err(error),
    };
    match printed {
        Ok(sheet) => Ok(crate::download::file("application/pdf", &sheet.file_name, sheet.content)),
        Err(error) => {
            render_sheet(&page, id, FormValues(query), FormOutcome::of(Some(error), &page.t)?).await
        }
    }
}

async fn email_sheet(page: Page, Id(id): Id<SalesContactId>, Form(fields): Form<Pairs>) -> PageResult {
    let sent = match layout_of(&fields) {
        Ok(layout) => {
            let words = sheet_words(&page.t);
            page.app()
                .follow_up()
                .email_visit_sheet(&page.actor, id, layout, value(&fields, "to"), &words)
                .await
        }
        Err(error) => Err(error),
    };
    match sent {
        Ok(_) => {
            page.redirect_with(&format!("/sales-contacts/{id}"), Flash::notice("visit-sheet-sent")).await
        }
        Err(error) => {
            render_sheet(&page, id, FormValues(fields), FormOutcome::of(Some(error), &page.t)?).await
        }
    }
}

#[derive(Template)]
#[template(path = "follow_up/send.html")]
struct SendPage {
    t: Tr,
    shell: Shell,
    contacts: Vec<ContactView>,
    /// (id, name) of the e-mail templates: the document models.
    models: Vec<(String, String)>,
    companies: Vec<String>,
    orders: Vec<(&'static str, String)>,
    form: FormValues,
    errors: FieldMessages,
}

async fn render_send(page: &Page, form: FormValues, outcome: FormOutcome) -> PageResult {
    let follow_up = page.app().follow_up();
    let mut contacts = Vec::new();
    for id in values(&form.0, "contacts").filter_map(|c| c.parse::<uuid::Uuid>().ok()) {
        if let Ok(contact) = follow_up.contact(&page.actor, SalesContactId(id)).await {
            contacts.push(contact);
        }
    }
    let messages = page.app().messages();
    let (templates, companies) =
        tokio::try_join!(messages.templates(&page.actor), follow_up.sending_companies(&page.actor),)?;
    let t = page.t;
    let body = SendPage {
        contacts,
        models: templates
            .into_iter()
            .filter(|m| m.kind == TemplateKind::Email)
            .map(|m| (m.id.to_string(), m.name))
            .collect(),
        companies,
        orders: SendOrder::ALL
            .iter()
            .map(|o| (o.as_str(), t.get(&format!("send-order-{}", o.as_str()))))
            .collect(),
        form,
        errors: outcome.errors,
        shell: page.shell("follow_up"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

/// The contacts chosen on the list or the contact's page (`contact=…`).
async fn send_page(page: Page, Query(query): Query<Pairs>) -> PageResult {
    let form: Pairs = values(&query, "contact").map(|c| ("contacts".to_string(), c.to_string())).collect();
    render_send(&page, FormValues(form), FormOutcome::of(None, &page.t)?).await
}

async fn send(page: Page, Form(fields): Form<Pairs>) -> PageResult {
    let draft = SendingDraft {
        template: value(&fields, "template").to_string(),
        contacts: values(&fields, "contacts").map(str::to_string).collect(),
        order: value(&fields, "order").to_string(),
        header: value(&fields, "header").to_string(),
        company: value(&fields, "company").to_string(),
    };
    match page.app().follow_up().send_documents(&page.actor, &draft).await {
        Ok(sent) => {
            page.redirect_with(&format!("/follow-up/sends/{}", sent.id), Flash::notice("send-done")).await
        }
        Err(error) => render_send(&page, FormValues(fields), FormOutcome::of(Some(error), &page.t)?).await,
    }
}

#[derive(Template)]
#[template(path = "follow_up/sending.html")]
struct SendingPage {
    t: Tr,
    shell: Shell,
    sending: SendingView,
    when: String,
    order: String,
    queued: usize,
}

async fn sending(page: Page, Id(id): Id<DocumentSendId>) -> PageResult {
    let sending = page.app().follow_up().document_sending(&page.actor, id).await?;
    let t = page.t;
    page.render(&SendingPage {
        when: t.datetime(&sending.created_at),
        order: t.get(&format!("send-order-{}", sending.order.as_str())),
        queued: sending
            .lines
            .iter()
            .filter(|l| l.outcome == domain::follow_up::sending::SendOutcome::Queued)
            .count(),
        sending,
        shell: page.shell("follow_up"),
        t,
    })
}
