//! A sales contact's page: its details changed at the version read
//! [editar contato], a note written on it (typed, or from the type's
//! standard text; confirmed or kept to finish [a concluir]) and its
//! history, all of it or the standard notes only [histórico padrão].
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{FormWithFiles, Id, Page, Query};
use crate::flash::Flash;
use crate::html::agenda::AppointmentLine;
use crate::html::components::{FieldMessages, FormOutcome, FormValues, Pairs, value, values};
use crate::i18n::Tr;
use crate::layout::{Shell, render_with_status};
use app::AppError;
use app::agenda::AppointmentView;
use app::follow_up::contacts::ContactView;
use app::follow_up::notes::{NoteEmail, NoteView, UploadedFile};
use app::follow_up::progress::{CycleAnswer, PendingDecision};
use app::follow_up::settings::AttendanceTypeView;
use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing;
use domain::follow_up::{ContactDraft, ContactStatus, NoteDraft};
use domain::{ContactNoteId, PartyId, SalesContactId};
use serde::Deserialize;

/// How many product codes the form offers at once.
const PRODUCT_INPUTS: usize = 5;

pub fn routes() -> Router<AppState> {
    let upload = DefaultBodyLimit::max(crate::server::UPLOAD_FORM_BYTES);
    Router::new()
        .route("/customers/{id}/sales-contacts/new", routing::get(new_form))
        .route("/customers/{id}/sales-contacts", routing::post(create))
        .route("/sales-contacts/{id}", routing::get(show).post(update))
        .route("/sales-contacts/{id}/notes", routing::post(add_note).layer(upload))
        .route("/contact-notes/{id}", routing::get(draft_page).post(finish).layer(upload))
        .route("/contact-notes/{id}/file", routing::get(note_file))
}

/// A note as the history shows it.
pub struct NoteLine {
    pub id: uuid::Uuid,
    pub author: String,
    pub when: String,
    pub body: String,
    pub source: &'static str,
    pub source_label: String,
    pub draft: bool,
    pub file_name: Option<String>,
}

impl NoteLine {
    fn of(t: &Tr, note: NoteView) -> NoteLine {
        NoteLine {
            id: note.id,
            author: note.author_name.unwrap_or_else(|| t.get("note-by-system")),
            when: t.datetime(&note.created_at),
            body: note.body,
            source: note.source.as_str(),
            source_label: t.get(&format!("note-source-{}", note.source.as_str())),
            draft: note.draft,
            file_name: note.file_name,
        }
    }
}

/// The choices of the contact's form.
struct Choices {
    kinds: Vec<(String, String)>,
    centres: Vec<(String, String)>,
    people: Vec<(String, String)>,
    /// (code, label) of the catalogue's products, for the codes' suggestions.
    products: Vec<(String, String)>,
}

async fn choices(page: &Page) -> Result<Choices, AppError> {
    let (follow_up, catalogue) = (page.app().follow_up(), page.app().catalogue());
    let (kinds, centres, people, products) = tokio::try_join!(
        follow_up.attendance_types(&page.actor),
        follow_up.centres(&page.actor),
        follow_up.responsible_choices(&page.actor),
        catalogue.products(&page.actor, "", false, None),
    )?;
    Ok(Choices {
        kinds: kinds.into_iter().filter(|k| k.active).map(|k| (k.id.to_string(), k.name)).collect(),
        centres: centres.into_iter().filter(|c| c.active).map(|c| (c.id.to_string(), c.name)).collect(),
        people: people.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
        products: products.products.into_iter().map(|p| (p.code, p.name)).collect(),
    })
}

#[derive(Template)]
#[template(path = "follow_up/contact.html")]
struct ContactPage {
    t: Tr,
    shell: Shell,
    party_id: String,
    party_name: String,
    contact: Option<ContactView>,
    legend_label: String,
    action: String,
    kinds: Vec<(String, String)>,
    centres: Vec<(String, String)>,
    people: Vec<(String, String)>,
    products: Vec<(String, String)>,
    /// The product codes in the form, padded to the inputs offered.
    product_codes: Vec<String>,
    can_edit: bool,
    form: FormValues,
    errors: FieldMessages,
    alert: Option<String>,
    /// The note being written, and what its form said.
    note: NoteForm,
    notes: Vec<NoteLine>,
    standard_only: bool,
    /// The workflow's question waiting for an answer.
    decision: Option<PendingDecision>,
    cycle: Vec<CycleAnswer>,
    appointments: ContactAppointments,
    /// (code, label) of a question's yes and no.
    yes_no: Vec<(&'static str, String)>,
}

/// The new note's form: its text, whether it came from the standard text,
/// the type's rule for files, and its refusal.
#[derive(Default)]
pub struct NoteForm {
    pub body: String,
    pub from_standard: bool,
    pub standard_text: String,
    /// The largest file the type allows, in MB; none when it allows none.
    pub file_limit_mb: Option<i64>,
    pub errors: FieldMessages,
    /// The e-mail from the note: the customer's addresses, and its
    /// subject and text as typed (the type's standard ones to start).
    pub emails: Vec<String>,
    pub email_to: String,
    pub email_subject: String,
    pub email_body: String,
}

impl NoteForm {
    fn of(kind: Option<&AttendanceTypeView>) -> NoteForm {
        NoteForm {
            standard_text: kind.map(|k| k.note_text.clone()).unwrap_or_default(),
            email_subject: kind.map(|k| k.email_subject.clone()).unwrap_or_default(),
            email_body: kind.map(|k| k.email_text.clone()).unwrap_or_default(),
            file_limit_mb: kind
                .filter(|k| k.attachments_allowed)
                .map(|k| (k.attachment_limit_bytes / (1024 * 1024)).max(1)),
            ..NoteForm::default()
        }
    }
}

fn draft_of(fields: &Pairs) -> ContactDraft {
    ContactDraft {
        contacted_on: value(fields, "contacted_on").to_string(),
        name: value(fields, "name").to_string(),
        products: values(fields, "products").map(str::to_string).collect(),
        attendance_type: value(fields, "attendance_type").to_string(),
        next_return_on: value(fields, "next_return_on").to_string(),
        internal_on: value(fields, "internal_on").to_string(),
        centre: value(fields, "centre").to_string(),
        responsible: value(fields, "responsible").to_string(),
    }
}

fn values_of(contact: &ContactView) -> FormValues {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut pairs = vec![
        ("contacted_on".to_string(), contact.contacted_on.to_string()),
        ("name".into(), contact.name.clone()),
        ("attendance_type".into(), contact.attendance_type_id.to_string()),
        ("next_return_on".into(), day(contact.next_return_on)),
        ("internal_on".into(), day(contact.internal_on)),
        ("centre".into(), contact.centre_id.map(|c| c.to_string()).unwrap_or_default()),
        ("responsible".into(), contact.responsible_id.to_string()),
        ("version".into(), contact.version.to_string()),
    ];
    pairs.extend(
        contact.products.iter().filter(|p| !p.surplus).map(|p| ("products".to_string(), p.code.clone())),
    );
    FormValues(pairs)
}

/// Everything the page shows besides the contact's own form.
struct Around {
    party: (String, String),
    contact: Option<ContactView>,
    can_edit: bool,
    note: NoteForm,
    notes: Vec<NoteLine>,
    standard_only: bool,
    decision: Option<PendingDecision>,
    cycle: Vec<CycleAnswer>,
    appointments: ContactAppointments,
}

impl Around {
    /// A contact being opened for a party: nothing around it yet.
    fn opening(party: (String, String)) -> Around {
        Around {
            party,
            contact: None,
            can_edit: true,
            note: NoteForm::default(),
            notes: Vec::new(),
            standard_only: false,
            decision: None,
            cycle: Vec::new(),
            appointments: ContactAppointments::default(),
        }
    }
}

/// The appointments booked from the contact: to come, gone by, cancelled
/// [agendamentos anteriores e excluídos].
#[derive(Default)]
pub struct ContactAppointments {
    pub upcoming: Vec<AppointmentLine>,
    pub previous: Vec<AppointmentLine>,
    pub cancelled: Vec<AppointmentLine>,
}

impl ContactAppointments {
    fn of(t: &Tr, now: chrono::DateTime<chrono::Utc>, booked: Vec<AppointmentView>) -> ContactAppointments {
        let mut lines = ContactAppointments::default();
        // Read newest first; the ones to come are read soonest first.
        for a in booked.iter().rev() {
            let line = AppointmentLine::of(t, a);
            match (a.cancelled_at.is_some(), a.ends_at >= now) {
                (true, _) => lines.cancelled.insert(0, line),
                (false, true) => lines.upcoming.push(line),
                (false, false) => lines.previous.insert(0, line),
            }
        }
        lines
    }
}

async fn contact_page(page: &Page, around: Around, form: FormValues, outcome: FormOutcome) -> PageResult {
    let t = page.t;
    let choices = choices(page).await?;
    let mut product_codes: Vec<String> = values(&form.0, "products").map(str::to_string).collect();
    product_codes.resize(product_codes.len().max(PRODUCT_INPUTS), String::new());
    let body = ContactPage {
        action: match &around.contact {
            Some(contact) => format!("/sales-contacts/{}", contact.id),
            None => format!("/customers/{}/sales-contacts", around.party.0),
        },
        legend_label: around
            .contact
            .as_ref()
            .map(|c| t.get(&format!("follow-up-legend-{}", c.legend.as_str())))
            .unwrap_or_default(),
        party_id: around.party.0,
        party_name: around.party.1,
        contact: around.contact,
        kinds: choices.kinds,
        centres: choices.centres,
        people: choices.people,
        products: choices.products,
        product_codes,
        can_edit: around.can_edit,
        form,
        errors: outcome.errors,
        alert: outcome.alert,
        note: around.note,
        notes: around.notes,
        standard_only: around.standard_only,
        decision: around.decision,
        cycle: around.cycle,
        appointments: around.appointments,
        yes_no: vec![("yes", t.get("answer-yes")), ("no", t.get("answer-no"))],
        shell: page.shell("follow_up"),
        t,
    };
    Ok(render_with_status(outcome.status, &body))
}

async fn new_form(page: Page, Id(party): Id<PartyId>) -> PageResult {
    let name = page.app().parties().party_name(&page.actor, party).await?;
    let form = FormValues(vec![
        ("contacted_on".into(), page.app().today(&page.actor).to_string()),
        ("responsible".into(), page.actor.user_id.to_string()),
    ]);
    let around = Around::opening((party.to_string(), name));
    contact_page(&page, around, form, FormOutcome::of(None, &page.t)?).await
}

async fn create(
    page: Page,
    Id(party): Id<PartyId>,
    crate::extract::Form(fields): crate::extract::Form<Pairs>,
) -> PageResult {
    match page.app().follow_up().create_contact(&page.actor, party, &draft_of(&fields)).await {
        Ok(saved) => {
            page.redirect_with(
                &format!("/sales-contacts/{}", saved.id),
                Flash::notice("sales-contact-opened"),
            )
            .await
        }
        Err(error) => {
            let name = page.app().parties().party_name(&page.actor, party).await?;
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            let around = Around::opening((party.to_string(), name));
            contact_page(&page, around, FormValues(fields), outcome).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    /// `standard`: only the notes from a standard text.
    history: String,
    /// Set: the new note starts from the type's standard text.
    standard: String,
}

/// The contact with its history, and the note form as given.
async fn around(
    page: &Page,
    id: SalesContactId,
    standard_only: bool,
    note: Option<NoteForm>,
) -> Result<Around, AppError> {
    let follow_up = page.app().follow_up();
    let contact = follow_up.contact(&page.actor, id).await?;
    let (can_edit, notes, kind, decision, cycle, booked) = tokio::try_join!(
        follow_up.may_change(&page.actor, &contact),
        follow_up.notes(&page.actor, id, standard_only),
        follow_up.attendance_type(&page.actor, domain::AttendanceTypeId(contact.attendance_type_id)),
        follow_up.pending_decision(&page.actor, &contact),
        follow_up.cycle(&page.actor, id),
        follow_up.contact_appointments(&page.actor, id),
    )?;
    let emails = follow_up.contact_emails(&page.actor, &contact).await?;
    let fresh = NoteForm { emails, ..NoteForm::of(Some(&kind)) };
    let note = match note {
        Some(typed) => NoteForm {
            standard_text: fresh.standard_text,
            file_limit_mb: fresh.file_limit_mb,
            emails: fresh.emails,
            ..typed
        },
        None => fresh,
    };
    Ok(Around {
        party: (contact.party_id.to_string(), contact.party_name.clone()),
        can_edit: can_edit && contact.status == ContactStatus::Open,
        notes: notes.into_iter().map(|n| NoteLine::of(&page.t, n)).collect(),
        decision,
        cycle,
        appointments: ContactAppointments::of(&page.t, page.app().now(), booked),
        contact: Some(contact),
        note,
        standard_only,
    })
}

async fn show(page: Page, Id(id): Id<SalesContactId>, Query(query): Query<ShowQuery>) -> PageResult {
    let mut around = around(&page, id, query.history == "standard", None).await?;
    if !query.standard.is_empty() {
        around.note.body = around.note.standard_text.clone();
        around.note.from_standard = true;
    }
    let form = around.contact.as_ref().map(values_of).unwrap_or_default();
    contact_page(&page, around, form, FormOutcome::of(None, &page.t)?).await
}

async fn update(
    page: Page,
    Id(id): Id<SalesContactId>,
    crate::extract::Form(fields): crate::extract::Form<Pairs>,
) -> PageResult {
    let version = value(&fields, "version").trim().parse::<i64>().unwrap_or(0);
    match page.app().follow_up().update_contact(&page.actor, id, version, &draft_of(&fields)).await {
        Ok(saved) => {
            page.redirect_with(&format!("/sales-contacts/{}", saved.id), Flash::notice("sales-contact-saved"))
                .await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            let around = around(&page, id, false, None).await?;
            let typed = match (&outcome.alert, &around.contact) {
                // Someone saved in between: the form starts again from what is stored.
                (Some(_), Some(contact)) => values_of(contact),
                _ => FormValues(fields),
            };
            contact_page(&page, around, typed, outcome).await
        }
    }
}

fn note_draft_of(fields: &Pairs) -> NoteDraft {
    NoteDraft {
        body: value(fields, "body").to_string(),
        from_standard: value(fields, "from_standard") == "true",
        draft: value(fields, "draft") == "true",
    }
}

/// The file chosen, if one was: a file input left alone sends nothing.
fn chosen(files: Vec<(String, String, Vec<u8>)>) -> Option<UploadedFile> {
    files.into_iter().next().map(|(name, _, content)| (name, content))
}

async fn add_note(page: Page, Id(id): Id<SalesContactId>, form: FormWithFiles) -> PageResult {
    let draft = note_draft_of(&form.fields);
    let fields = &form.fields;
    let email = NoteEmail {
        to: value(fields, "email_to").to_string(),
        subject: value(fields, "email_subject").to_string(),
        body: value(fields, "email_body").to_string(),
        note: draft.body.clone(),
        from_standard: draft.from_standard,
        to_label: page.t.get("note-email-to"),
    };
    let sending = value(fields, "send_email") == "true";
    let saved = if sending {
        page.app().follow_up().email_from_note(&page.actor, id, &email).await
    } else {
        page.app().follow_up().add_note(&page.actor, id, &draft, chosen(form.files)).await
    };
    match saved {
        Ok(note) => {
            let flash = match (note.draft, sending) {
                (true, _) => "note-kept-to-finish",
                (false, true) => "note-email-sent",
                (false, false) => "note-saved",
            };
            page.redirect_with(&format!("/sales-contacts/{id}#history"), Flash::notice(flash)).await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            let typed = NoteForm {
                body: draft.body.clone(),
                from_standard: draft.from_standard,
                errors: outcome.errors,
                email_to: email.to,
                email_subject: email.subject,
                email_body: email.body,
                ..NoteForm::default()
            };
            let around = around(&page, id, false, Some(typed)).await?;
            let form = around.contact.as_ref().map(values_of).unwrap_or_default();
            let outcome = FormOutcome { errors: FieldMessages::default(), ..outcome };
            contact_page(&page, around, form, outcome).await
        }
    }
}

#[derive(Template)]
#[template(path = "follow_up/note.html")]
struct DraftPage {
    t: Tr,
    shell: Shell,
    note: NoteView,
    contact: ContactView,
    form: NoteForm,
    alert: Option<String>,
}

async fn draft_page(page: Page, Id(id): Id<ContactNoteId>) -> PageResult {
    let note = page.app().follow_up().note(&page.actor, id).await?;
    let form = NoteForm {
        body: note.body.clone(),
        from_standard: note.source == domain::follow_up::NoteSource::Standard,
        ..NoteForm::default()
    };
    draft_answer(&page, note, form, FormOutcome::of(None, &page.t)?).await
}

async fn draft_answer(page: &Page, note: NoteView, form: NoteForm, outcome: FormOutcome) -> PageResult {
    let contact = page.app().follow_up().contact(&page.actor, SalesContactId(note.contact_id)).await?;
    let kind = page
        .app()
        .follow_up()
        .attendance_type(&page.actor, domain::AttendanceTypeId(contact.attendance_type_id))
        .await?;
    let fresh = NoteForm::of(Some(&kind));
    let form = NoteForm { standard_text: fresh.standard_text, file_limit_mb: fresh.file_limit_mb, ..form };
    let t = page.t;
    let body = DraftPage { shell: page.shell("follow_up"), note, contact, form, alert: outcome.alert, t };
    Ok(render_with_status(outcome.status, &body))
}

async fn finish(page: Page, Id(id): Id<ContactNoteId>, form: FormWithFiles) -> PageResult {
    let version = value(&form.fields, "version").trim().parse::<i64>().unwrap_or(0);
    let draft = note_draft_of(&form.fields);
    match page.app().follow_up().finish_note(&page.actor, id, version, &draft, chosen(form.files)).await {
        Ok(note) => {
            let (to, flash) = if note.draft {
                (format!("/contact-notes/{id}"), "note-kept-to-finish")
            } else {
                (format!("/sales-contacts/{}#history", note.contact_id), "note-saved")
            };
            page.redirect_with(&to, Flash::notice(flash)).await
        }
        Err(error) => {
            let outcome = FormOutcome::of(Some(error), &page.t)?;
            let note = page.app().follow_up().note(&page.actor, id).await?;
            let typed = NoteForm {
                body: if outcome.alert.is_some() { note.body.clone() } else { draft.body },
                from_standard: draft.from_standard,
                errors: FieldMessages::default(),
                ..NoteForm::default()
            };
            let typed = NoteForm { errors: outcome.errors, ..typed };
            let outcome = FormOutcome { errors: FieldMessages::default(), ..outcome };
            draft_answer(&page, note, typed, outcome).await
        }
    }
}

async fn note_file(page: Page, Id(id): Id<ContactNoteId>) -> PageResult {
    let file = page.app().follow_up().note_attachment(&page.actor, id).await?;
    Ok(crate::download::file_of_type(&file.content_type, &file.file_name, file.content))
}
